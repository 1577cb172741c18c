"""greenzmq.Context: pyzmq's conveniences on top of the core Context."""
from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from greenzmq import constants as _c
from greenzmq.core import _zmq
from greenzmq.core.socket import Socket

__all__ = ["Context"]

_instances: dict[type, "Context"] = {}
_instance_lock = threading.Lock()


class Context(_zmq.Context):
    """A ZeroMQ context with pyzmq's API.

    Socket options set on the context (``ctx.linger = 0`` or ``ctx.setsockopt``) become the
    defaults of the sockets it makes afterwards.
    """

    _socket_class: type = Socket

    if TYPE_CHECKING:  # options are attributes too (s.linger, s.identity): made at import
        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    def __init__(self, io_threads: int = 1, shadow: int = 0, **kwargs: Any) -> None:
        super().__init__(io_threads, shadow)
        self.sockopts: dict[int, Any] = {}

    @classmethod
    def instance(cls, io_threads: int = 1) -> "Context":
        """The process-wide Context of this class (a new one after fork or term)."""
        inst = _instances.get(cls)
        if inst is None or inst.closed or inst._instance_pid != os.getpid():
            with _instance_lock:
                inst = _instances.get(cls)
                if inst is None or inst.closed or inst._instance_pid != os.getpid():
                    inst = cls(io_threads)
                    inst._instance_pid = os.getpid()
                    _instances[cls] = inst
        return inst

    _instance_pid = -1

    @classmethod
    def shadow(cls, address: int) -> "Context":
        """Wrap an existing libzmq context (by address) without owning it."""
        return cls(shadow=address)

    def socket(self, socket_type: int, socket_class: type | None = None, **kwargs: Any) -> Socket:
        """Make a socket of ``socket_type`` (of ``socket_class``, default this context's),
        with the context's default socket options applied."""
        cls = socket_class if socket_class is not None else self._socket_class
        s = cls(self, socket_type, **kwargs)
        for opt, value in self.sockopts.items():
            try:
                s.setsockopt(opt, value)
            except _zmq_error_types as e:
                # a default that does not apply to this socket type is skipped, as in pyzmq
                if getattr(e, "errno", None) != _c.EINVAL:
                    s.close(linger=0)
                    raise
        return s

    def setsockopt(self, option: int, optval: Any) -> None:
        """Set a default socket option for the sockets made from now on."""
        self.sockopts[option] = optval

    def getsockopt(self, option: int) -> Any:
        """A default socket option set with setsockopt."""
        return self.sockopts[option]

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: object) -> None:
        self.term()

    def __repr__(self) -> str:
        state = "terminated" if self.closed else f"{self._socket_count()} socket(s)"
        return f"<{type(self).__module__}.{type(self).__name__}({state}) at {id(self):#x}>"


from greenzmq.error import ZMQError as _ZMQError  # noqa: E402

_zmq_error_types = (_ZMQError,)


def _ctx_property(opt: int, name: str, context_option: bool) -> property:
    if context_option:
        return property(lambda self: self.get(opt), lambda self, v: self.set(opt, v),
                        doc=f"context option {name}")
    return property(lambda self: self.sockopts[opt],
                    lambda self, v: self.setsockopt(opt, v),
                    lambda self: self.sockopts.pop(opt, None),
                    doc=f"default socket option {name}")


for _e in (_c.SocketOption, _c.ContextOption):
    for _name, _opt in _e.__members__.items():
        if not hasattr(Context, _name.lower()) or _name.lower() in ("ipv6", "blocky"):
            setattr(Context, _name.lower(),
                    _ctx_property(int(_opt), _name, _e is _c.ContextOption))
del _e, _name, _opt
