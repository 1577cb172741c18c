"""greenzmq for eventlet: ``from greenzmq import green_eventlet as zmq`` replaces
``from eventlet.green import zmq``.

Everything ``greenzmq`` exports is here under the same names; Context, Socket, Poller,
select, MessageTracker and the devices block only the calling greenthread. The wait
logic lives in ``greenzmq._green``; this module only says how eventlet's hub does each step.
"""
from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any, Callable

import eventlet
from eventlet.patcher import original
from eventlet.hubs import get_hub

import greenzmq as _zmq
from greenzmq import *  # noqa: F401,F403
from greenzmq import _green
from greenzmq.constants import *  # noqa: F401,F403
from greenzmq.error import *  # noqa: F401,F403

_os = original("os")  # eventlet.monkey_patch() makes os.read/os.write trampoline on EAGAIN


class _Fd:
    """The one eventlet listener for an fd and direction on one hub, shared by every
    watcher of that fd: eventlet refuses a second reader ("Second simultaneous read")."""

    __slots__ = ("hub", "key", "listener", "watchers")

    def __init__(self, hub: Any, fd: int, write: bool) -> None:
        self.hub, self.key = hub, (fd, write)
        self.watchers: list[_Watcher] = []
        self.listener = hub.add(hub.WRITE if write else hub.READ, fd, self._fire, self._fire, None)

    def _fire(self, fileno_or_error: Any) -> None:
        # also the throwback, called when the fd was closed under the listener (a plain
        # fd in a Poller): the woken waiters look again and meet the error
        for w in tuple(self.watchers):
            if w.on is self:  # not stopped by an earlier callback of this round
                w.cb(*w.args)

    def leave(self, w: _Watcher) -> None:
        self.watchers.remove(w)
        if not self.watchers:
            del _fds(self.hub)[self.key]
            self.hub.remove(self.listener)


def _fds(hub: Any) -> dict:
    """The shared listeners of ``hub``, by (fd, write)."""
    try:
        return hub._greenzmq_fds
    except AttributeError:
        hub._greenzmq_fds = {}
        return hub._greenzmq_fds


class _Watcher:
    """An fd watcher on eventlet's hub with the engine's start/stop/close interface."""

    __slots__ = ("fd", "write", "on", "cb", "args", "waker")

    def __init__(self, fd: int, write: bool, waker: _Waker | None) -> None:
        self.fd, self.write, self.waker = fd, write, waker
        self.on: _Fd | None = None
        self.cb: Callable[..., Any] = _ignore
        self.args: tuple = ()

    def start(self, cb: Callable[..., Any], *args: Any) -> None:
        self.cb, self.args = cb, args
        if self.on is None:
            hub = get_hub()
            fds = _fds(hub)
            on = fds.get((self.fd, self.write))
            if on is None:
                on = fds[self.fd, self.write] = _Fd(hub, self.fd, self.write)
            on.watchers.append(self)
            self.on = on

    def stop(self) -> None:
        if self.on is not None:
            on, self.on = self.on, None
            on.leave(self)

    def close(self) -> None:
        self.stop()
        waker, self.waker = self.waker, None
        if waker is not None:
            waker.close()


def _ignore(*args: Any) -> None:
    pass


class _Waker:
    """A pipe one hub listens to: any OS thread may have that hub call a function (the
    engine's ``Hub.waker``/``call_threadsafe``). One per hub, made once and kept; the hub
    listens only while a wait or a socket watcher holds it (eventlet's hub runs on with
    nothing scheduled, and a hub left with a reader looks busy to eventlet's own checks)."""

    __slots__ = ("pid", "r", "w", "calls", "hub", "listener", "users")

    def __init__(self, hub: Any) -> None:
        self.pid = _os.getpid()
        self.r, self.w = _os.pipe2(_os.O_NONBLOCK | _os.O_CLOEXEC)
        self.calls: collections.deque = collections.deque()
        self.hub = hub
        self.listener: Any = None
        self.users = 0

    def hold(self) -> _Waker:
        if not self.users:
            self.listener = self.hub.add(self.hub.READ, self.r, self._run, _ignore, None)
        self.users += 1
        return self

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` in the hub soon; from any thread."""
        self.calls.append((fn, args))
        try:
            _os.write(self.w, b"!")
        except BlockingIOError:  # the pipe is full: the hub is going to read it anyway
            pass

    def _run(self, fileno: Any) -> None:
        try:
            while _os.read(self.r, 4096):
                pass
        except BlockingIOError:
            pass
        calls = self.calls
        try:
            while calls:
                fn, args = calls.popleft()
                fn(*args)
        finally:
            if calls:  # one raised: the others still run, on the next turn
                _os.write(self.w, b"!")

    def close(self) -> None:
        """A holder is done (the pipe stays, for the hub's next waits)."""
        self.users -= 1
        if not self.users:
            listener, self.listener = self.listener, None
            self.hub.remove(listener)

    def discard(self) -> None:
        """Forget an inherited waker in a forked child (its pipe is the parent's too)."""
        if self.listener is not None:
            try:
                self.hub.remove(self.listener)
            except KeyError:
                pass
        _os.close(self.r)
        _os.close(self.w)


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
        try:  # held while the watcher lives: another thread can reach this hub then
            waker = self.waker()
        except OSError:
            waker = None
        return _Watcher(fd, write, waker)

    def call_threadsafe(self, loop: Any, fn: Callable[..., Any], *args: Any) -> None:
        loop._greenzmq_waker.call(fn, *args)

    def waker(self) -> _Waker:
        hub = get_hub()
        waker = getattr(hub, "_greenzmq_waker", None)
        if waker is None or waker.pid != _os.getpid():
            if waker is not None:
                waker.discard()
                hub._greenzmq_waker = None
            waker = hub._greenzmq_waker = _Waker(hub)
        return waker.hold()

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

    if TYPE_CHECKING:  # socket() makes this module's green sockets
        def socket(self, socket_type: int, socket_class: Any = None, **kw: Any) -> Socket: ...


class Poller(_green.Poller):
    """A Poller whose poll() blocks only the calling greenthread."""

    _hub = _HUB  # dupcheck: ok - thin per-hub adapter, the same in each hub module


# zmq_poll, select and the devices: each blocks only the calling greenthread
zmq_poll, select, device, proxy, proxy_steerable, monitored_queue = _green.bind_functions(
    _HUB, __name__)

__all__ = _green.public_names(globals(), _zmq)


def __getattr__(name: str) -> Any:
    # greenzmq's lazy submodules (devices, utils ...) under this name too
    return getattr(_zmq, name)
