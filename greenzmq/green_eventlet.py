"""greenzmq for eventlet: ``from greenzmq import green_eventlet as zmq`` replaces
``from eventlet.green import zmq``.

Everything ``greenzmq`` exports is here under the same names; Context, Socket, Poller,
select, MessageTracker and the devices block only the calling greenthread. The wait
logic lives in ``greenzmq._green``; this module only says how eventlet's hub does each step.
"""
from __future__ import annotations

from typing import Any, Callable

import eventlet
from eventlet import tpool
from eventlet.hubs import get_hub

import greenzmq as _zmq
from greenzmq import *  # noqa: F401,F403
from greenzmq import _green
from greenzmq.constants import *  # noqa: F401,F403
from greenzmq.error import *  # noqa: F401,F403


def _ignore(*args: Any) -> None:
    pass


class _Watcher:
    """An fd watcher on eventlet's hub with the engine's start/stop/close interface."""

    __slots__ = ("fd", "write", "listener", "cb", "args")

    def __init__(self, fd: int, write: bool) -> None:
        self.fd, self.write = fd, write
        self.listener: Any = None
        self.cb: Callable[..., Any] = _ignore
        self.args: tuple = ()

    def start(self, cb: Callable[..., Any], *args: Any) -> None:
        self.cb, self.args = cb, args
        if self.listener is None:
            hub = get_hub()
            self.listener = hub.add(hub.WRITE if self.write else hub.READ, self.fd,
                                    self._fire, self._fire, None)

    def _fire(self, fileno_or_error: Any) -> None:
        # also the throwback, called when the fd was closed under the listener (a plain
        # fd in a Poller): the woken waiter looks again and meets the error
        self.cb(*self.args)

    def stop(self) -> None:
        if self.listener is not None:
            listener, self.listener = self.listener, None
            get_hub().remove(listener)

    close = stop


class _EventletHub(_green.Hub):
    """The engine's hub adapter for eventlet (any of its hubs)."""

    def switch(self) -> Any:
        return get_hub().switch()

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        get_hub().schedule_call_global(0, fn, *args)

    def call_later(self, seconds: float, fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
        return get_hub().schedule_call_global(seconds, fn, *args).cancel

    def current(self) -> Any:
        return get_hub()

    def io(self, fd: int, write: bool) -> _Watcher:
        return _Watcher(fd, write)

    def blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        return tpool.execute(fn, *args)

    def cooperate(self) -> None:
        eventlet.sleep(0)


_HUB = _EventletHub()


class MessageTracker(_green.MessageTracker):
    """MessageTracker whose wait() blocks only the calling greenthread."""

    _hub = _HUB


class Socket(_green.Socket):
    """A greenzmq Socket whose blocking calls block only the calling greenthread."""

    _hub = _HUB
    _tracker_class = MessageTracker


class Context(_green.Context):
    """A greenzmq Context that makes eventlet-green sockets; term() never freezes the hub."""

    _hub = _HUB
    _socket_class = Socket


class Poller(_green.Poller):
    """A Poller whose poll() blocks only the calling greenthread."""

    _hub = _HUB


# zmq_poll, select and the devices: each blocks only the calling greenthread
zmq_poll, select, device, proxy, proxy_steerable, monitored_queue = _green.bind_functions(
    _HUB, __name__)

__all__ = _green.public_names(globals(), _zmq)


def __getattr__(name: str) -> Any:
    # greenzmq's lazy submodules (devices, utils ...) under this name too
    return getattr(_zmq, name)
