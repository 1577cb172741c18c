"""greenzmq.Context: pyzmq's conveniences on top of the core Context."""
from __future__ import annotations

import os
import threading
import warnings
from typing import TYPE_CHECKING, Any

from greenzmq import constants as _c
from greenzmq.core import _zmq
from greenzmq.core._attrs import OptionAttributes
from greenzmq.core.socket import Socket, _address
from greenzmq.error import ZMQError as _ZMQError

__all__ = ["Context"]

_instance_lock = threading.Lock()


class Context(OptionAttributes, _zmq.Context):
    """A ZeroMQ context with pyzmq's API.

    Socket options set on the context (``ctx.linger = 0`` or ``ctx.setsockopt``) become the
    defaults of the sockets it makes afterwards. ``Context(other)`` and
    ``Context.shadow(other)`` wrap another context (a greenzmq or pyzmq one, or a libzmq
    address) without owning it.
    """

    _socket_class: type = Socket
    _repr_cls = "greenzmq.Context"
    #: the process-wide instance of ``instance()``; a subclass that wants its own declares
    #: ``_instance = None`` (as in pyzmq; otherwise it shares its base class's)
    _instance: "Context | None" = None
    _instance_pid = -1
    #: the object this context shadows, kept alive so that its libzmq context is too
    _shadow_obj: Any = None
    sockopts: dict

    _attr_options = {**{n: int(v) for n, v in _c.SocketOption.__members__.items()},
                     **{n: int(v) for n, v in _c.ContextOption.__members__.items()}}

    if TYPE_CHECKING:  # options are attributes too (s.linger, s.identity): made at import
        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    def __init__(self, io_threads: Any = 1, shadow: Any = 0, **kwargs: Any) -> None:
        if not isinstance(io_threads, int) and hasattr(io_threads, "underlying"):
            shadow, io_threads = io_threads, 1  # Context(other_context): a shadow, as in pyzmq
        if shadow and not isinstance(shadow, int):
            shadow, self._shadow_obj = _address(shadow), shadow
        if isinstance(io_threads, int) and not isinstance(io_threads, bool) and io_threads < 0:
            raise _ZMQError(_c.EINVAL, f"io_threads must be >= 0, not {io_threads}")
        super().__init__(io_threads, shadow)
        self.sockopts = {}

    @classmethod
    def instance(cls, io_threads: int = 1) -> "Context":
        """The process-wide Context (a new one after fork, or once it is terminated or
        terminating).

        As in pyzmq, a subclass shares its base class's instance unless it declares
        ``_instance = None`` in its class body.
        """
        inst = cls._instance
        if inst is None or inst.closed or inst._terminating or cls._instance_pid != os.getpid():
            with _instance_lock:
                inst = cls._instance
                if inst is None or inst.closed or inst._terminating \
                        or cls._instance_pid != os.getpid():
                    inst = cls(io_threads)
                    cls._instance, cls._instance_pid = inst, os.getpid()
        return inst

    @classmethod
    def shadow(cls, address: Any) -> "Context":
        """Wrap an existing libzmq context without owning it (term() leaves it running).

        ``address`` is an int (``other.underlying``) or the context object itself (greenzmq's
        or pyzmq's), which the shadow then keeps alive.
        """
        return cls(shadow=address)

    def __copy__(self, memo: Any = None) -> "Context":
        # as in pyzmq: a copy is a shadow of the same libzmq context
        return type(self).shadow(self)

    __deepcopy__ = __copy__

    def socket(self, socket_type: int, socket_class: type | None = None, **kwargs: Any) -> Socket:
        """Make a socket of ``socket_type`` (of ``socket_class``, default this context's),
        with the context's default socket options applied."""
        shadowed = self._shadow_obj
        if shadowed is not None and getattr(shadowed, "closed", False):
            # libzmq would be handed a freed context: refuse as libzmq does for a bad one
            raise _ZMQError(_c.EFAULT, "the context this one shadows is terminated")
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

    def _set_attr_opt(self, name: str, opt: int, value: Any) -> None:
        if name in _c.ContextOption.__members__:
            self.set(opt, value)
        else:
            self.sockopts[opt] = value

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: object) -> None:
        # as in pyzmq: sockets left open are closed (with a ResourceWarning each), then the
        # context ends; a plain term() would wait for them forever
        for s in [s for s in list(self._sockets) if not s.closed]:
            warnings.warn(f"unclosed socket {s!r} closed at the exit of its Context's with block",
                          ResourceWarning, stacklevel=2, source=s)
        self.destroy()

    def __repr__(self) -> str:
        cls = type(self)
        name = cls.__dict__.get("_repr_cls") or f"{cls.__module__}.{cls.__name__}"
        n = 0 if self.closed else self._socket_count()
        sockets = f"{n} socket{'s' if n > 1 else ''}" if n else ""
        return f"<{name}({sockets}) at {id(self):#x}{' closed' if self.closed else ''}>"


_zmq_error_types = (_ZMQError,)


def _ctx_property(opt: int, name: str, context_option: bool) -> property:
    # a getter that cannot answer raises AttributeError, as in pyzmq (hasattr() and
    # mock.Mock(spec=ctx) probe every name)
    if context_option:
        def get_option(self: Context) -> Any:
            try:
                return self.get(opt)
            except _ZMQError as e:
                if e.errno not in (_c.EINVAL, _c.EFAULT):
                    raise
                raise AttributeError(f"context option {name} cannot be read: {e}") from None

        return property(get_option, lambda self, v: self.set(opt, v),
                        doc=f"context option {name}")

    def get_default(self: Context) -> Any:
        try:
            return self.sockopts[opt]
        except KeyError:
            raise AttributeError(f"no default socket option {name} is set") from None

    return property(get_default, lambda self, v: self.setsockopt(opt, v),
                    lambda self: self.sockopts.pop(opt, None),
                    doc=f"default socket option {name}")


for _e in (_c.SocketOption, _c.ContextOption):
    for _name, _opt in _e.__members__.items():
        if not hasattr(Context, _name.lower()) or _name.lower() in ("ipv6", "blocky"):
            _prop = _ctx_property(int(_opt), _name, _e is _c.ContextOption)
            setattr(Context, _name.lower(), _prop)
            setattr(Context, _name, _prop)  # pyzmq's spelling too: ctx.IO_THREADS
del _e, _name, _opt, _prop
