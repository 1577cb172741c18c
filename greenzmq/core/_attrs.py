"""Options as attributes, pyzmq's way: ``s.LINGER``, ``s.linger``, ``ctx.IO_THREADS``.

The lower-case option properties are made on the classes at import (fast, and seen by
type checkers); this mixin adds what pyzmq also allows: any spelling of an option name
(looked up upper-cased, only when normal lookup fails, so it costs nothing on hot paths),
``dir()`` listing the option names, and AttributeError for an unknown attribute set on an
instance (a misspelt option must not pass silently).
"""
from __future__ import annotations

from typing import Any

from greenzmq.error import ZMQError


def _class_defines(cls: type, name: str) -> bool:
    for c in cls.__mro__:
        if name in c.__dict__ or name in c.__dict__.get("__annotations__", ()):
            return True
    return False


class OptionAttributes:
    """Mixin: ``_attr_options`` maps upper-case option names to option numbers."""

    _attr_options: dict[str, int] = {}

    def _get_attr_opt(self, name: str, opt: int) -> Any:
        return self.get(opt)  # type: ignore[attr-defined,unused-ignore]

    def _set_attr_opt(self, name: str, opt: int, value: Any) -> None:
        self.set(opt, value)  # type: ignore[attr-defined,unused-ignore]

    def __getattr__(self, name: str) -> Any:
        upper = name.upper()
        opt = type(self)._attr_options.get(upper)
        if opt is None or name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r} "
                                 "(nor an option of that name)")
        try:
            return self._get_attr_opt(upper, opt)
        except ZMQError as e:
            from greenzmq.constants import EFAULT, EINVAL

            if e.errno in (EINVAL, EFAULT):  # a write-only option (mock.Mock(spec=) asks)
                raise AttributeError(f"{name} is a write-only option") from None
            raise

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
