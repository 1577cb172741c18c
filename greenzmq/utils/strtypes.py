"""str/bytes casting helpers kept for code written against pyzmq's ``zmq.utils.strtypes``."""
from __future__ import annotations

from typing import Any

__all__ = ["bytes", "unicode", "basestring", "cast_bytes", "cast_unicode", "b", "u"]

unicode = str
basestring = (str, bytes)
bytes = bytes  # noqa: PLW0127 - re-exported name, as pyzmq does


def cast_bytes(s: Any, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """Return ``s`` as bytes, encoding str with ``encoding``."""
    if isinstance(s, bytes):
        return s
    if isinstance(s, str):
        return s.encode(encoding, errors)
    raise TypeError(f"expected str or bytes, not {type(s).__name__}")


def cast_unicode(s: Any, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Return ``s`` as str, decoding bytes with ``encoding``."""
    if isinstance(s, bytes):
        return s.decode(encoding, errors)
    if isinstance(s, str):
        return s
    raise TypeError(f"expected str or bytes, not {type(s).__name__}")


b = cast_bytes
u = cast_unicode
