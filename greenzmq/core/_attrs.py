"""Options as attributes, pyzmq's way: ``s.LINGER``, ``s.linger``, ``ctx.IO_THREADS``.

The option properties (lower- and upper-case names) are made on the classes at import:
fast, and seen by type checkers. There is deliberately no ``__getattr__``: a class with one
loses CPython's specialised attribute loads, which costs every ``sock.send(...)``. This
mixin adds setting an option under any spelling (``s.Linger = 0``), ``dir()`` listing the
option names, and AttributeError for an unknown attribute set on an instance (a misspelt
option must not pass silently).
"""
from __future__ import annotations

from typing import Any


def _class_defines(cls: type, name: str) -> bool:
    for c in cls.__mro__:
        if name in c.__dict__ or name in c.__dict__.get("__annotations__", ()):
            return True
    return False


class OptionAttributes:
    """Mixin: ``_attr_options`` maps upper-case option names to option numbers."""

    _attr_options: dict[str, int] = {}

    def _set_attr_opt(self, name: str, opt: int, value: Any) -> None:
        self.set(opt, value)  # type: ignore[attr-defined,unused-ignore]

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or name in self.__dict__ or _class_defines(type(self), name):
            object.__setattr__(self, name, value)
            return
        upper = name.upper()
        opt = type(self)._attr_options.get(upper)
        if opt is None:
            raise AttributeError(f"{type(self).__name__} has no attribute or option {name!r} "
                                 "(a subclass declares its own attributes in its class body)")
        self._set_attr_opt(upper, opt, value)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(type(self)._attr_options))
