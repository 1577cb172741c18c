"""greenzmq for gevent: ``import greenzmq.green_gevent as zmq`` replaces ``zmq.green``.

Everything ``greenzmq`` exports is here under the same names; Context, Socket, Poller,
select, MessageTracker and the devices block only the calling greenlet. The wait logic
lives in ``greenzmq._green``; this module only says how gevent's hub does each step.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import gevent
from gevent.hub import get_hub

import greenzmq as _zmq
from greenzmq import *  # noqa: F401,F403
from greenzmq import _green
from greenzmq.constants import *  # noqa: F401,F403
from greenzmq.error import *  # noqa: F401,F403


class _Waker:
    """A wait's wake-up: the loop's own thread-safe callbacks (its async watcher, made
    with the loop), and while the wait lasts an idle async watcher of its own that holds
    the loop open (else gevent sees nothing to wait for and raises LoopExit). Async
    watchers share the loop's one wake-up fd: nothing here needs a new fd."""

    __slots__ = ("loop", "hold")

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.hold = loop.async_()
        self.hold.start(_ignore)

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        self.loop.run_callback_threadsafe(fn, *args)

    def close(self) -> None:
        self.hold.close()


def _ignore() -> None:
    pass


class _GeventHub(_green.Hub):
    """The engine's hub adapter for gevent (libev or libuv loop)."""

    def switch(self) -> Any:
        return get_hub().switch()

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        get_hub().loop.run_callback(fn, *args)

    def call_later(self, seconds: float, fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
        timer = get_hub().loop.timer(seconds)
        timer.start(fn, *args)
        return timer.close

    def current(self) -> Any:
        return get_hub().loop

    def io(self, fd: int, write: bool) -> Any:
        return get_hub().loop.io(fd, 2 if write else 1)

    def call_threadsafe(self, loop: Any, fn: Callable[..., Any], *args: Any) -> None:
        loop.run_callback_threadsafe(fn, *args)

    def waker(self) -> _Waker:
        return _Waker(get_hub().loop)

    def cooperate(self) -> None:
        gevent.sleep(0)


_HUB = _GeventHub()


class MessageTracker(_green.MessageTracker):
    """MessageTracker whose wait() blocks only the calling greenlet."""

    _hub = _HUB


class Socket(_green.Socket):
    """A greenzmq Socket whose blocking calls block only the calling greenlet."""

    _hub = _HUB
    _repr_cls = "greenzmq.green.Socket"  # greenzmq.green is this module (zmq.green's name)
    _tracker_class = MessageTracker


class Context(_green.Context):
    """A greenzmq Context that makes gevent-green sockets; term() never freezes the hub."""

    _hub = _HUB
    _socket_class = Socket
    _repr_cls = "greenzmq.green.Context"

    if TYPE_CHECKING:  # socket() makes this module's green sockets
        def socket(self, socket_type: int, socket_class: Any = None, **kw: Any) -> Socket: ...


class Poller(_green.Poller):
    """A Poller whose poll() blocks only the calling greenlet."""

    _hub = _HUB  # dupcheck: ok - thin per-hub adapter, the same in each hub module


# zmq_poll, select and the devices: each blocks only the calling greenlet
zmq_poll, select, device, proxy, proxy_steerable, monitored_queue = _green.bind_functions(
    _HUB, __name__)

__all__ = _green.public_names(globals(), _zmq)


def __getattr__(name: str) -> Any:
    # greenzmq's lazy submodules (devices, utils ...) under this name too
    return getattr(_zmq, name)
