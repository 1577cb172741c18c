"""greenzmq.Socket: pyzmq's conveniences on top of the core Socket.

Every helper here goes through ``send``/``recv``/``send_multipart``/``recv_multipart``, so
a subclass that overrides those four (the green sockets) gets all of them.
"""
from __future__ import annotations

import itertools
import json
import pickle
import random
import weakref
from typing import TYPE_CHECKING, Any, Callable, Sequence

from greenzmq import constants as _c
from greenzmq.core import _zmq
from greenzmq.core._attrs import OptionAttributes
from greenzmq.error import ZMQBindError, ZMQError

__all__ = ["Socket"]

_BYTES_OPTS = frozenset(k for k, v in _c.OPTION_TYPES.items() if v == _c._OptType.bytes)
_monitor_names = itertools.count()  # get_monitor_socket's default inproc names


class _EndpointContext:
    """What bind()/connect() return: ``with s.bind(addr):`` unbinds (disconnects) on exit."""

    __slots__ = ("socket", "kind", "addr")

    def __init__(self, socket: "Socket", kind: str, addr: str) -> None:
        self.socket, self.kind, self.addr = socket, kind, addr

    def __enter__(self) -> "Socket":
        return self.socket

    def __exit__(self, *exc: object) -> None:
        if not self.socket.closed:
            getattr(self.socket, "unbind" if self.kind == "bind" else "disconnect")(self.addr)

    def __repr__(self) -> str:
        return f"<SocketContext({self.kind}={self.addr!r}) of {self.socket!r}>"


def _libzmq_files() -> set[str]:
    try:
        with open("/proc/self/maps") as f:
            return {line.split(None, 5)[-1].strip() for line in f
                    if "/libzmq" in line and ".so" in line}
    except OSError:
        return set()


def _address(obj: Any) -> int:
    """The libzmq address to shadow: an int, or the ``underlying`` of a greenzmq or pyzmq
    object. A pyzmq object is refused when pyzmq runs its own copy of libzmq (its wheels
    bundle one): handing a context or socket to another copy of libzmq aborts the process."""
    if isinstance(obj, int):
        return obj
    underlying = getattr(obj, "underlying", None)
    if not isinstance(underlying, int) or isinstance(underlying, bool):
        raise TypeError("shadow needs an address (int) or an object with an int .underlying, "
                        f"not {type(obj).__name__}")
    if type(obj).__module__.split(".")[0] == "zmq":
        files = _libzmq_files()
        if len(files) > 1:
            raise ZMQError(_c.EINVAL, "cannot shadow this pyzmq object: pyzmq and greenzmq run "
                           f"different copies of libzmq ({', '.join(sorted(files))}); share "
                           "contexts and sockets only with a pyzmq built against the same "
                           "libzmq (pip install --no-binary pyzmq pyzmq)")
    return underlying


def _explain_ipc_path(e: ZMQError, addr: Any) -> None:
    """Raise a clearer error for an ipc:// path longer than libzmq accepts (as pyzmq)."""
    from greenzmq import IPC_PATH_MAX_LEN

    if isinstance(addr, bytes):
        addr = addr.decode("utf-8", "replace")
    if isinstance(addr, str) and addr.startswith("ipc://") \
            and len(addr[6:].encode()) > IPC_PATH_MAX_LEN:
        raise ZMQError(e.errno, f"{e.strerror}: ipc path {addr[6:]!r} is longer than "
                       f"IPC_PATH_MAX_LEN ({IPC_PATH_MAX_LEN} bytes)") from None


class Socket(OptionAttributes, _zmq.Socket):
    """A ZeroMQ socket with pyzmq's API (see ``Context.socket``).

    Socket options are also attributes: ``s.linger = 0``, ``s.identity``, ``s.RCVTIMEO``.
    Sockets are not thread-safe: use one from one thread (or many greenlets of one hub).
    ``Socket(other)`` and ``Socket.shadow(other)`` wrap another socket (greenzmq's,
    pyzmq's, or a libzmq address) without owning it.
    """

    _monitor_socket = None
    _repr_cls = "greenzmq.Socket"
    #: the object this socket shadows, kept alive so that its libzmq socket is too
    _shadow_obj: Any = None
    _attr_options = {n: int(v) for n, v in _c.SocketOption.__members__.items()}

    if TYPE_CHECKING:  # options are attributes too (s.linger, s.identity): made at import
        def __getattr__(self, name: str) -> Any: ...

    # --- life cycle ------------------------------------------------------------------------
    def __init__(self, context: Any = None, socket_type: int = -1, shadow: Any = 0,
                 copy_threshold: int | None = None) -> None:
        if context is not None and not isinstance(context, _zmq.Context) \
                and hasattr(context, "underlying"):
            shadow, context = context, None  # Socket(other_socket): a shadow, as in pyzmq
        if shadow and not isinstance(shadow, int):
            shadowed = shadow
            shadow = _address(shadowed)
            self._shadow_obj = shadowed
            if isinstance(shadowed, Socket):
                # closing the original closes its shadows too: they must not keep its address
                shadowed.__dict__.setdefault("_shadows", weakref.WeakSet()).add(self)
            if context is None:
                context = getattr(shadowed, "context", None)
                if context is not None and not isinstance(context, _zmq.Context):
                    # a pyzmq socket: its context, shadowed too
                    from greenzmq.core.context import Context

                    context = Context.shadow(context)
        super().__init__(context, socket_type, shadow, copy_threshold)

    def close(self, linger: int | None = None) -> None:
        """Close the socket (a shadow only lets go of it; shadows of this one close too).

        Parameters
        ----------
        linger : int, optional
            Set LINGER (ms) first: how long term() may wait for unsent messages.
        """
        shadows = self.__dict__.get("_shadows")
        if shadows:
            for s in list(shadows):
                s.close()  # a shadow's close only forgets the address
        super().close(linger)

    @classmethod
    def shadow(cls, address: Any) -> "Socket":
        """Wrap an existing libzmq socket without owning it (close() leaves it open).

        ``address`` is an int (``other.underlying``) or the socket object itself (greenzmq's
        or pyzmq's), which the shadow then keeps alive.
        """
        return cls(shadow=address)

    def __copy__(self, memo: Any = None) -> "Socket":
        # as in pyzmq: a copy is a shadow of the same libzmq socket
        return type(self).shadow(self)

    __deepcopy__ = __copy__

    def __setattr__(self, name: str, value: Any) -> None:
        # s.subscribe = b"topic" sets the option, though subscribe() is also a method (pyzmq)
        if name in ("subscribe", "unsubscribe") and name not in self.__dict__:
            getattr(self, name)(value)
            return
        super().__setattr__(name, value)

    def __repr__(self) -> str:
        cls = type(self)
        name = cls.__dict__.get("_repr_cls") or f"{cls.__module__}.{cls.__name__}"
        try:
            stype = f"zmq.{_c.SocketType(self.socket_type).name}"
        except ValueError:
            stype = str(self.socket_type)
        return f"<{name}({stype}) at {id(self):#x}{' closed' if self.closed else ''}>"

    def __enter__(self) -> "Socket":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- endpoints -------------------------------------------------------------------------
    # bind/connect take str only and return a context: an LSP break pyzmq makes too
    def bind(self, addr: str) -> _EndpointContext:  # type: ignore[override]
        """Bind to ``addr``; the result, used in ``with``, unbinds on exit."""
        try:
            super().bind(addr)
        except ZMQError as e:
            _explain_ipc_path(e, addr)
            raise
        if "*" in addr or addr.endswith(":0"):
            addr = self.last_endpoint.decode()
        return _EndpointContext(self, "bind", addr)

    def connect(self, addr: str) -> _EndpointContext:  # type: ignore[override]  # as bind
        """Connect to ``addr``; the result, used in ``with``, disconnects on exit."""
        super().connect(addr)
        return _EndpointContext(self, "connect", addr)

    def bind_to_random_port(self, addr: str, min_port: int = 49152, max_port: int = 65536,
                            max_tries: int = 100) -> int:
        """Bind to a free port of ``addr`` (e.g. ``tcp://127.0.0.1``) and return it.

        With the default range the OS picks the port; otherwise up to ``max_tries`` random
        ports in [min_port, max_port) are tried, then ZMQBindError.
        """
        if min_port == 49152 and max_port == 65536:
            super().bind(f"{addr}:*")
            return int(self.last_endpoint.rsplit(b":", 1)[-1])
        for _ in range(max_tries):
            port = random.randrange(min_port, max_port)
            try:
                super().bind(f"{addr}:{port}")
            except ZMQError as e:
                if e.errno in (_c.EADDRINUSE, _c.EACCES):
                    continue
                raise
            return port
        raise ZMQBindError("could not bind socket to a random port in "
                           f"[{min_port}, {max_port}) after {max_tries} tries")

    # --- options ---------------------------------------------------------------------------
    def set(self, option: int, optval: Any) -> None:
        """Same as setsockopt."""
        self.setsockopt(option, optval)

    def get(self, option: int) -> Any:
        """Same as getsockopt."""
        return self.getsockopt(option)

    def setsockopt_string(self, option: int, optval: str, encoding: str = "utf-8") -> None:
        """Set a bytes option from str."""
        if not isinstance(optval, str):
            raise TypeError(f"expected str, not {type(optval).__name__}")
        self.setsockopt(option, optval.encode(encoding))

    def getsockopt_string(self, option: int, encoding: str = "utf-8") -> str:
        """Get a bytes option as str."""
        if option not in _BYTES_OPTS:
            raise TypeError(f"option {option} is not a bytes option")
        return self.getsockopt(option).decode(encoding)

    set_string = setsockopt_unicode = setsockopt_string
    get_string = getsockopt_unicode = getsockopt_string

    @property
    def hwm(self) -> int:
        """SNDHWM (setting it sets both SNDHWM and RCVHWM)."""
        return self.getsockopt(_c.SNDHWM)

    @hwm.setter
    def hwm(self, value: int) -> None:
        self.setsockopt(_c.SNDHWM, value)
        self.setsockopt(_c.RCVHWM, value)

    def subscribe(self, topic: str | bytes) -> None:
        """SUB: subscribe to a topic prefix (str is UTF-8 encoded)."""
        self.setsockopt(_c.SUBSCRIBE, topic.encode() if isinstance(topic, str) else topic)

    def unsubscribe(self, topic: str | bytes) -> None:
        """SUB: drop a subscription."""
        self.setsockopt(_c.UNSUBSCRIBE, topic.encode() if isinstance(topic, str) else topic)

    # --- serialising helpers ---------------------------------------------------------------
    def send_string(self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8",
                    **kwargs: Any) -> Any:
        """Send a str, encoded (UTF-8 by default)."""
        if not isinstance(u, str):
            raise TypeError(f"send_string needs a str, not {type(u).__name__}")
        return self.send(u.encode(encoding), flags, copy, **kwargs)

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> str:
        """Receive a frame and decode it (UTF-8 by default)."""
        return self.recv(flags).decode(encoding)

    send_unicode = send_string
    recv_unicode = recv_string

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = pickle.DEFAULT_PROTOCOL,
                   **kwargs: Any) -> Any:
        """Send a pickled object (pickle's default protocol)."""
        return self.send(pickle.dumps(obj, protocol), flags, **kwargs)

    def recv_pyobj(self, flags: int = 0) -> Any:
        """Receive and unpickle an object.

        Warning: unpickling runs arbitrary code chosen by the sender. Never use this with
        peers you do not trust (use recv_json or your own format instead).
        """
        return pickle.loads(self.recv(flags))

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> Any:
        """Send an object as JSON (``json.dumps`` keyword arguments are accepted)."""
        send_kw = {
            k: kwargs.pop(k) for k in ("copy", "track", "routing_id", "group") if k in kwargs
        }
        return self.send(json.dumps(obj, **kwargs).encode("utf-8"), flags, **send_kw)

    def recv_json(self, flags: int = 0, **kwargs: Any) -> Any:
        """Receive a JSON document (``json.loads`` keyword arguments are accepted)."""
        return json.loads(self.recv(flags), **kwargs)

    def send_serialized(self, msg: Any, serialize: Callable[[Any], Sequence[Any]], flags: int = 0,
                        copy: bool = True, **kwargs: Any) -> Any:
        """Send ``serialize(msg)`` (a list of frames) as one multipart message."""
        return self.send_multipart(serialize(msg), flags, copy, **kwargs)

    def recv_serialized(self, deserialize: Callable[[list], Any], flags: int = 0,
                        copy: bool = True) -> Any:
        """Receive a multipart message and return ``deserialize(frames)``."""
        return deserialize(self.recv_multipart(flags, copy))

    # --- monitoring ------------------------------------------------------------------------
    def get_monitor_socket(self, events: int | None = None, addr: str | None = None) -> "Socket":
        """A PAIR socket that receives this socket's events (see greenzmq.utils.monitor).

        While monitoring is on, a second call returns the same socket.
        """
        if self.closed:
            raise ZMQError(_c.ENOTSOCK)
        mon = self._monitor_socket
        if mon is not None and not mon.closed:
            return mon  # already monitoring: the same socket, as in pyzmq
        if addr is None:
            # a new name each time: libzmq frees an inproc name some time after its monitor
            # stops, so monitoring the same socket again under one name could hit EADDRINUSE
            addr = f"inproc://greenzmq.monitor.{id(self):x}.{next(_monitor_names)}"
        # the reader first: libzmq sends events blocking, so a monitor left without a
        # reader (the socket could not be made) would stall the next event's sender
        mon = self.context.socket(_c.PAIR)
        try:
            self.monitor(addr, _c.EVENT_ALL if events is None else events)
        except BaseException:
            mon.close(0)
            raise
        mon.connect(addr)
        self._monitor_socket = mon
        return mon

    def disable_monitor(self) -> None:
        """Stop the monitor started by get_monitor_socket."""
        self._monitor_socket = None
        self.monitor(None, 0)


def _option_property(opt: int, bytes_opt: bool) -> property:
    def fget(self: Socket) -> Any:
        try:
            return self.getsockopt(opt)
        except ZMQError as e:
            if e.errno in (_c.EINVAL, _c.EFAULT):
                # write-only, or not an option of this socket: no attribute (mock.Mock(spec=)
                # and hasattr() probe every name), as in pyzmq
                raise AttributeError(f"option {_c.SocketOption(opt).name} cannot be read "
                                     f"here: {e}") from None
            raise

    def fset(self: Socket, value: Any) -> None:
        if bytes_opt and isinstance(value, str):
            value = value.encode("utf-8")
        self.setsockopt(opt, value)

    return property(fget, fset, doc=f"socket option {_c.SocketOption(opt).name}")


# socket options as attributes (s.linger, s.identity ...), where no method has the name
for _name, _opt in _c.SocketOption.__members__.items():
    _prop = _option_property(int(_opt), int(_opt) in _BYTES_OPTS)
    if not hasattr(Socket, _name.lower()):
        setattr(Socket, _name.lower(), _prop)
    setattr(Socket, _name, _prop)  # pyzmq's spelling too: s.MECHANISM, s.SUBSCRIBE = b""
del _name, _opt, _prop
