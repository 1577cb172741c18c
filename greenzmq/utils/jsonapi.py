"""JSON as UTF-8 bytes, the form ZeroMQ frames carry (pyzmq's ``zmq.utils.jsonapi``)."""
from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "loads"]


def dumps(o: Any, **kwargs: Any) -> bytes:
    """Serialize ``o`` to JSON encoded as UTF-8 bytes.

    Keyword arguments go to :func:`json.dumps`.
    """
    return json.dumps(o, **kwargs).encode("utf-8")


def loads(s: bytes | bytearray | memoryview | str, **kwargs: Any) -> Any:
    """Load JSON from UTF-8 bytes (or str).

    Keyword arguments go to :func:`json.loads`.
    """
    if isinstance(s, memoryview):
        s = s.tobytes()
    if isinstance(s, (bytes, bytearray)):
        s = bytes(s).decode("utf-8")
    elif not isinstance(s, str):
        raise TypeError(f"loads expects bytes or str, not {type(s).__name__}")
    return json.loads(s, **kwargs)

#: the JSON module in use (pyzmq's name; always the standard library's json here)
jsonmod = json
