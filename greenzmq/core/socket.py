"""greenzmq.Socket: pyzmq's conveniences on top of the core Socket.

Every helper here goes through ``send``/``recv``/``send_multipart``/``recv_multipart``, so
a subclass that overrides those four (the green sockets) gets all of them.
"""
from __future__ import annotations

import json
import pickle
import random
from typing import TYPE_CHECKING, Any, Callable, Sequence

from greenzmq import constants as _c
from greenzmq.core import _zmq
from greenzmq.error import ZMQBindError, ZMQError

__all__ = ["Socket"]

_BYTES_OPTS = frozenset(k for k, v in _c.OPTION_TYPES.items() if v == _c._OptType.bytes)


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
        return f"<{self.kind} {self.addr!r} of {self.socket!r}>"


class Socket(_zmq.Socket):
    """A ZeroMQ socket with pyzmq's API (see ``Context.socket``).

    Socket options are also attributes: ``s.linger = 0``, ``s.identity``, ``s.rcvtimeo``.
    Sockets are not thread-safe: use one from one thread (or many greenlets of one hub).
    """

    _monitor_socket = None

    if TYPE_CHECKING:  # options are attributes too (s.linger, s.identity): made at import
        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    # --- life cycle ------------------------------------------------------------------------
    @classmethod
    def shadow(cls, address: int) -> "Socket":
        """Wrap an existing libzmq socket (by address) without owning it."""
        return cls(shadow=address)

    def __enter__(self) -> "Socket":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- endpoints -------------------------------------------------------------------------
    def bind(self, addr: str) -> _EndpointContext:
        """Bind to ``addr``; the result, used in ``with``, unbinds on exit."""
        super().bind(addr)
        if "*" in addr or addr.endswith(":0"):
            addr = self.last_endpoint.decode()
        return _EndpointContext(self, "bind", addr)

    def connect(self, addr: str) -> _EndpointContext:
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
        send_kw = {k: kwargs.pop(k) for k in ("copy", "track", "routing_id", "group") if k in kwargs}
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
        """A PAIR socket that receives this socket's events (see greenzmq.utils.monitor)."""
        if self.closed:
            raise ZMQError(_c.ENOTSOCK)
        if addr is None:
            addr = f"inproc://greenzmq.monitor.{id(self):x}"
        self.monitor(addr, _c.EVENT_ALL if events is None else events)
        mon = self.context.socket(_c.PAIR)
        mon.connect(addr)
        self._monitor_socket = mon
        return mon

    def disable_monitor(self) -> None:
        """Stop the monitor started by get_monitor_socket."""
        self._monitor_socket = None
        self.monitor(None, 0)


def _option_property(opt: int, bytes_opt: bool) -> property:
    def fget(self: Socket) -> Any:
        return self.getsockopt(opt)

    def fset(self: Socket, value: Any) -> None:
        if bytes_opt and isinstance(value, str):
            value = value.encode("utf-8")
        self.setsockopt(opt, value)

    return property(fget, fset, doc=f"socket option {_c.SocketOption(opt).name}")


# socket options as attributes (s.linger, s.identity ...), where no method has the name
for _name, _opt in _c.SocketOption.__members__.items():
    if not hasattr(Socket, _name.lower()):
        setattr(Socket, _name.lower(), _option_property(int(_opt), int(_opt) in _BYTES_OPTS))
del _name, _opt
