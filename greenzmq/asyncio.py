"""greenzmq for asyncio: ``import greenzmq.asyncio`` replaces ``zmq.asyncio``.

Context, Socket and Poller with pyzmq's ``zmq.asyncio`` API: every blocking method
(send, recv, their multipart/string/json/pyobj/serialized forms, recv_into, poll)
returns an awaitable Future. The waiting is done by greenzmq's one wait engine
(``greenzmq._green``); this module is its asyncio adapter: a waiter completes its
Future where a greenlet would be switched back to.

An operation first tries at once with NOBLOCK and, when it can go, returns a Future
that is already done (no trip through the loop). Only on EAGAIN does it queue (FIFO
per direction) and the socket's ZMQ_FD get a reader on the running loop, for as long
as somebody waits. Cancelling a pending Future loses no message: a message is taken
only in the same step that completes the Future. RCVTIMEO/SNDTIMEO fail a queued
operation with Again; close() fails pending operations with ZMQError(ENOTSOCK) and
cancels pending polls; context termination fails them with ContextTerminated. Bad
input gives the same errors as the plain socket, raised by the await.

A socket belongs to one loop at a time (it may move to another loop or thread between
waits, as pyzmq allows); any asyncio loop works (uvloop too).
"""
from __future__ import annotations

import asyncio
import pickle
import sys
import threading
import warnings
import weakref
from asyncio import Future, get_running_loop
from asyncio import Future as _Future
from functools import partial
from operator import index
from types import FrameType
from typing import Any, Callable, Sequence

from greenzmq import _compiled, _green
from greenzmq import constants as _c
from greenzmq._green import (
    NOBLOCK, POLLIN, RCVMORE, RCVTIMEO, SNDTIMEO, _CLOSED, _READY, _TIMEOUT,
    _State, _c_getsockopt, _c_recv, _c_recv_into, _c_recv_multipart, _c_send,
    _c_send_multipart, _getsockopt, _register, _poking,
)
from greenzmq.core._zmq import Context as _CContext, Socket as _CSocket, _call_kw, _thread_ident
from greenzmq.core.context import Context as _CoreContext
from greenzmq.core.poll import Poller as _CorePoller
from greenzmq.core.socket import Socket as _CoreSocket
from greenzmq.error import Again, ZMQError
from greenzmq.utils import jsonapi

__all__ = ["Context", "Socket", "Poller", "ZMQEventLoop", "install"]

ENOTSOCK = int(_c.ENOTSOCK)
_set_result = _Future.set_result


def _outside() -> int:
    """The ``stacklevel`` of a warning given here: the first caller outside this module
    (compiled, the module has no Python frames of its own)."""
    level = 0
    frame: FrameType | None = sys._getframe(0)
    while frame is not None and frame.f_code.co_filename == __file__:
        level, frame = level + 1, frame.f_back
    return max(level, 1)


def _loop() -> asyncio.AbstractEventLoop:
    try:
        return get_running_loop()
    except RuntimeError:
        # pyzmq allows making Futures before the loop runs (it warns too)
        warnings.warn("No running event loop. greenzmq.asyncio should be used from within "
                      "an asyncio loop.", RuntimeWarning, stacklevel=_outside())
        return asyncio.get_event_loop_policy().get_event_loop()


class _Watcher:
    """A reader (writer) on one loop with the engine's start/stop/close interface.

    A loop holds one reader per fd, and sockets that share a libzmq socket (shadows) share
    its fd: a start replaces the registration of another watcher of that fd, which then
    knows it is off (``on``) and does not remove the new one when it stops.
    """

    __slots__ = ("loop", "fd", "write", "on", "__weakref__")

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int, write: bool) -> None:
        self.loop, self.fd, self.write, self.on = loop, fd, write, False

    def start(self, cb: Callable[..., Any], *args: Any) -> None:
        if not self.on:
            key = (self.loop, self.fd, self.write)
            other = _registered.get(key)
            if other is not None:
                other.on = False  # replaced below
            if self.write:
                self.loop.add_writer(self.fd, cb, *args)
            else:
                self.loop.add_reader(self.fd, cb, *args)
            _registered[key] = self
            self.on = True

    def stop(self) -> None:
        if self.on:
            self.on = False
            key = (self.loop, self.fd, self.write)
            if _registered.get(key) is self:
                del _registered[key]
            if self.loop.is_closed():
                return
            if self.write:
                self.loop.remove_writer(self.fd)
            else:
                self.loop.remove_reader(self.fd)

    close = stop


# (loop, fd, write) -> the watcher whose callback that loop holds for the fd
_registered: weakref.WeakValueDictionary[tuple, _Watcher] = weakref.WeakValueDictionary()


class _AsyncioHub(_green.Hub):
    """The engine's loop adapter for asyncio: the running loop of the calling thread."""

    def current(self) -> Any:
        return _loop()

    def io(self, fd: int, write: bool) -> Any:
        return _Watcher(_loop(), fd, write)

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        _loop().call_soon(fn, *args)

    def call_later(self, seconds: float, fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
        return _loop().call_later(seconds, fn, *args).cancel

    def call_threadsafe(self, loop: Any, fn: Callable[..., Any], *args: Any) -> None:
        loop.call_soon_threadsafe(fn, *args)


_HUB = _AsyncioHub()


# --- waiters: resumed with a reason, they complete their Future in place --------------

def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    """True when ``loop`` may be touched from here (its thread, or it is not running)."""
    try:
        return get_running_loop() is loop
    except RuntimeError:
        return not loop.is_running()


def _in_thread_of(fut: Future) -> bool:
    return _in_loop(fut.get_loop())


class _OpWaiter:
    """A queued send or recv: ``fn(sock, *args)`` runs when the socket can take it."""

    __slots__ = ("sock", "st", "q", "fut", "fn", "args", "timer", "queued")

    def __init__(self, sock: Socket, q: list, fut: Future, fn: Callable[..., Any],
                 args: tuple) -> None:
        self.sock, self.st, self.q, self.fut, self.fn, self.args = sock, sock._gs, q, fut, fn, args
        self.timer: Any = None
        self.queued = True

    def leave(self) -> None:
        if self.queued:
            st = self.st
            self.queued = False
            st.nwait -= 1
            self.q.remove(self)
            # dupcheck: ok - op and poll waiters leave the same way; 4 lines, on the wake path
            if self.timer is not None:
                self.timer.cancel()
            if not st.nwait and not self.sock._keep_reader:
                st.unwatch()
            # not needed any more: completing the Future would schedule it (a loop hop)
            self.fut.remove_done_callback(self.done)

    def resume(self, reason: str, hub: Any) -> bool:
        fut = self.fut
        if not self.queued:
            return False
        if fut.done():  # cancelled; its done callback has not run yet
            self.leave()
            return True
        if reason is _READY:
            try:
                r = self.fn(self.sock, *self.args)
            except Again:
                return False
            except Exception as e:  # noqa: BLE001 - the awaiting task raises it
                self.leave()
                fut.set_exception(e)
                return True
            self.leave()
            fut.set_result(r)
            return True
        if not _in_thread_of(fut):  # close() from another thread
            fut.get_loop().call_soon_threadsafe(self.resume, reason, hub)
            return False
        self.leave()
        fut.set_exception(Again() if reason is _TIMEOUT else ZMQError(ENOTSOCK))
        if reason is _TIMEOUT:
            self.st.poke()  # we leave the head of the queue: the next one may go
        return True

    def done(self, fut: Future) -> None:
        """Done callback: a Future cancelled (or completed by its owner) leaves the queue."""
        if self.queued:
            self.leave()
            self.st.poke()


class _PollWaiter:
    """A pending ``Socket.poll``: its Future gets the ready events within ``mask``."""

    __slots__ = ("sock", "st", "fut", "mask", "timer")

    def __init__(self, sock: Socket, fut: Future, mask: int) -> None:
        self.sock, self.st, self.fut, self.mask = sock, sock._gs, fut, mask
        self.timer: Any = None

    def leave(self) -> None:
        st = self.st
        if st.polls.pop(self, None) is not None:
            st.nwait -= 1
            if self.timer is not None:
                self.timer.cancel()
            if not st.nwait and not self.sock._keep_reader:
                st.unwatch()
            self.fut.remove_done_callback(self.done)

    def resume(self, reason: str, hub: Any) -> bool:
        fut = self.fut
        if self not in self.st.polls:
            return False
        if fut.done():
            self.leave()
            return True
        if reason is _CLOSED:
            if not _in_thread_of(fut):
                fut.get_loop().call_soon_threadsafe(self.resume, reason, hub)
                return False
            self.leave()
            fut.cancel()  # as pyzmq does for a poll on a socket closed under it
            return True
        self.leave()
        if reason is _TIMEOUT:
            fut.set_result(0)
        else:
            try:
                fut.set_result(self.sock._events() & self.mask)
            except ZMQError as e:
                fut.set_exception(e)
        return True

    def done(self, fut: Future) -> None:
        self.leave()


class _Wake:
    """A Poller's waiter: registered on every item, any readiness sets its Future."""

    __slots__ = ("fut",)

    def __init__(self, fut: Future) -> None:
        self.fut = fut

    def resume(self, reason: str, hub: Any) -> bool:
        fut = self.fut
        if not fut.done():
            if _in_thread_of(fut):
                fut.set_result(reason)
            else:
                fut.get_loop().call_soon_threadsafe(_set_once, fut, reason)
        return False


def _set_once(fut: Future, value: Any) -> None:
    if not fut.done():
        fut.set_result(value)


def _aloop(loop: Any) -> Any:
    """The asyncio loop of a watcher's loop (tornado's IOLoop wraps one)."""
    return getattr(loop, "asyncio_loop", loop)


def _run_in(loop: asyncio.AbstractEventLoop, fn: Callable[[], Any]) -> None:
    """Run ``fn()`` in ``loop``'s thread (running, not ours) and wait for it; give up when
    that loop stops first (then nothing runs there any more)."""
    done = threading.Event()

    def there() -> None:
        try:
            fn()
        finally:
            done.set()

    loop.call_soon_threadsafe(there)
    while not done.wait(0.05):
        if not loop.is_running():
            break


def _unwatch_anywhere(st: _State) -> None:
    """Remove the socket's reader from its loop, from whatever thread calls."""
    loop = _aloop(st.wloop)
    if loop is not None and loop.is_running() and not _in_loop(loop):
        _run_in(loop, st.unwatch)
    else:
        st.unwatch()


class _SockRef(weakref.ref):
    """The state's reference to its socket: a socket that dies with its reader still on
    (kept between waits, see ``Socket._keep_reader``) removes the reader first. Weak
    references are cleared (this callback runs) before the core's dealloc closes the fd."""

    __slots__ = ("st",)
    st: _State


def _socket_gone(ref: _SockRef) -> None:
    st = ref.st
    if st.watching:
        loop = _aloop(st.wloop)
        if loop is not None and loop.is_running() and not _in_loop(loop):
            # dropped by another thread while its loop runs: no waiting in a finaliser;
            # the fd may be gone before the loop gets there (not thread-safe use anyway)
            loop.call_soon_threadsafe(st.unwatch)
        else:
            st.unwatch()


def _failed(exc: BaseException) -> Future:
    fut = _loop().create_future()
    fut.set_exception(exc)
    return fut


def _flags(flags: Any) -> int:
    return flags if type(flags) is int else index(flags)


def _then(src: Future, convert: Callable[[Any], Any]) -> Future:
    """A Future of ``convert(src.result())``; cancelling it cancels ``src`` if pending."""
    if src.done() and not src.cancelled() and src.exception() is None:
        out = src.get_loop().create_future()
        try:
            out.set_result(convert(src.result()))
        except Exception as e:  # noqa: BLE001 - a decoding error belongs to the await
            out.set_exception(e)
        return out
    out = src.get_loop().create_future()

    def finish(f: Future) -> None:
        if out.done():
            if not f.cancelled() and f.exception() is None:
                warnings.warn(f"Future {out} was cancelled after {f} received a message: "
                              "a message has been dropped", RuntimeWarning, stacklevel=1)
            return
        exc = None if f.cancelled() else f.exception()
        if f.cancelled():
            out.cancel()
        elif exc is not None:
            out.set_exception(exc)
        else:
            try:
                out.set_result(convert(f.result()))
            except Exception as e:  # noqa: BLE001 - a decoding error belongs to the await
                out.set_exception(e)

    src.add_done_callback(finish)
    out.add_done_callback(lambda o: src.cancel() if o.cancelled() else None)
    return out


# --- the hot paths ------------------------------------------------------------------------
#
# send, recv and their multipart forms try their NOBLOCK core call inline and return a
# done Future; anything but success goes to ``Socket._rest`` (fail, or queue on EAGAIN).
# One function per method, no shared helper (a helper call cost ~10% of a 64 B message),
# written as module functions that the class takes as methods so that the compiled
# module can type them (``_asyncio_c.pxd``, as the engine's fast paths). The rest of a
# message read frame by frame (RCVMORE) goes past the queue (see _green).

class _Here:
    """Per socket: the running loop its last call saw, and what goes with that loop.

    Asking asyncio costs a ``getpid()`` system call on Python 3.11 (its
    ``get_running_loop`` checks for a fork; ~0.17 µs, two per message), so ``_running``
    answers from here while the caller is in the loop's thread (``ctid``) and the loop is
    in the same run (its ``_thread_id`` is the very object ``tid`` taken then:
    BaseEventLoop sets a new one each run and clears it at the end). ``ctid`` is 0 (no
    thread's) for loops without ``_thread_id`` (uvloop): asyncio is asked each time.
    ``kw`` and ``sent`` are the loop's (``_for_loop``).
    """

    __slots__ = ("loop", "tid", "ctid", "kw", "sent")

    def __init__(self) -> None:
        self.loop: Any = None
        self.tid: Any = None
        self.ctid = 0
        self.kw: dict = _NO_KW
        self.sent: Future | None = None


# the last loop's Future keywords and done Future of None (see _for_loop)
_NO_KW: dict = {}
_shared: tuple = (None, _NO_KW, None)


def _for_loop(loop: asyncio.AbstractEventLoop) -> tuple[dict, Future]:
    """The Future keywords ``{"loop": loop}`` and the done Future of None that a send
    which goes at once returns, one of each per loop rather than per socket (~0.3 KiB a
    socket: the fanin goal counts RSS per socket). Kept for the last loop asked about:
    a registry of all of them would keep every loop alive (the keywords hold it)."""
    global _shared
    shared = _shared
    if shared[0] is not loop:
        sent = _call_kw(_Future, {"loop": loop})
        _set_result(sent, None)
        shared = _shared = (loop, {"loop": loop}, sent)
    return shared[1], shared[2]


def _running(h: _Here) -> asyncio.AbstractEventLoop:
    """The running loop (``_loop()``), from ``h`` when it still holds."""
    if h.ctid == _thread_ident() and h.loop._thread_id is h.tid:
        return h.loop
    loop = _loop()
    if loop is not h.loop:
        h.loop = loop
        h.kw, h.sent = _for_loop(loop)
    tid = getattr(loop, "_thread_id", None)
    if tid is not None and tid == _thread_ident():
        h.tid, h.ctid = tid, _thread_ident()
    else:
        h.ctid = 0
    return loop


def _recv(self: Socket, flags: int = 0, copy: bool = True, track: bool = False) -> Future:
    """Receive one frame; a Future of bytes (a Frame with copy=False)."""
    try:  # plain int flags (compiled: a C int); dupcheck: ok - inline per hot method
        f = flags if type(flags) is int else index(flags)
    except Exception as e:  # noqa: BLE001 - raised by the await
        return _failed(e)
    st = self._gs
    h = st.ext
    loop = _running(h)
    if not st.rq or f & NOBLOCK or _c_getsockopt(self, RCVMORE):
        try:  # dupcheck: ok - each hot method keeps its fast path inline (speed)
            fut = _call_kw(_Future, h.kw)  # not loop.create_future(): one Python call less
            _set_result(fut, _CSocket._engine_recv(self, f | NOBLOCK, copy))
            if st.nwait:
                st.poke()
            return fut
        except Exception as e:  # noqa: BLE001 - Again: wait; bad input: via the await
            return self._rest(0, _c_recv, (f | NOBLOCK, copy, track), f, loop, e)
        except BaseException:  # hand on what the call may have eaten (see _green)
            if st.nwait:
                st.poke()
            raise
    return self._rest(0, _c_recv, (f | NOBLOCK, copy, track), f, loop, None)


def _recv_multipart(self: Socket, flags: int = 0, copy: bool = True,
                    track: bool = False) -> Future:
    """Receive a whole multipart message; a Future of its frames."""
    try:  # plain int flags (compiled: a C int)
        f = flags if type(flags) is int else index(flags)
    except Exception as e:  # noqa: BLE001 - raised by the await
        return _failed(e)
    st = self._gs
    h = st.ext
    loop = _running(h)
    if not st.rq or f & NOBLOCK or _c_getsockopt(self, RCVMORE):
        try:
            fut = _call_kw(_Future, h.kw)
            _set_result(fut, _c_recv_multipart(self, f | NOBLOCK, copy, track))
            if st.nwait:
                st.poke()
            return fut
        except Exception as e:  # noqa: BLE001 - Again: wait; bad input: via the await
            return self._rest(0, _c_recv_multipart, (f | NOBLOCK, copy, track), f,
                              loop, e)
        except BaseException:  # hand on what the call may have eaten (see _green)
            if st.nwait:
                st.poke()
            raise
    return self._rest(0, _c_recv_multipart, (f | NOBLOCK, copy, track), f, loop,
                      None)


def _send(self: Socket, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
          routing_id: Any = None, group: Any = None) -> Future:
    """Send one frame; a Future of None (a MessageTracker with track=True)."""
    try:  # plain int flags (compiled: a C int)
        f = flags if type(flags) is int else index(flags)
    except Exception as e:  # noqa: BLE001 - raised by the await
        return _failed(e)
    if routing_id is not None or group is not None:  # draft API: the core's own path
        return self._op(1, _c_send, (data, f | NOBLOCK, copy, track, routing_id, group), f)
    st = self._gs
    h = st.ext
    loop = _running(h)
    if not st.sq or f & NOBLOCK:
        try:
            r = _CSocket._engine_send(self, data, f | NOBLOCK, copy, track)
            if st.nwait:
                st.poke()
        except Exception as e:  # noqa: BLE001 - Again: wait; bad input: via the await
            return self._rest(1, _c_send, (data, f | NOBLOCK, copy, track), f, loop, e)
        except BaseException:  # hand on what the call may have eaten (see _green)
            if st.nwait:
                st.poke()
            raise
        # A send that went at once answers None: its Future is the loop's one done
        # Future of None (a Future costs ~25% of a 64 B send+recv). It is a real
        # asyncio.Future: result(), exception(), add_done_callback (runs soon, not kept),
        # cancel() (False), await all behave as on a fresh done one; only its identity is
        # shared (as_completed/dict keys see one Future for such sends).
        if r is None:
            return h.sent
        fut = _call_kw(_Future, h.kw)
        _set_result(fut, r)
        return fut
    return self._rest(1, _c_send, (data, f | NOBLOCK, copy, track), f, loop, None)


def _send_multipart(self: Socket, msg_parts: Any, flags: int = 0, copy: bool = True,
                    track: bool = False, **kwargs: Any) -> Future:
    """Send a multipart message (atomically); a Future of None or a MessageTracker."""
    try:
        flags = _flags(flags)
        if type(msg_parts) is not list and type(msg_parts) is not tuple:
            msg_parts = list(msg_parts)  # an iterator is consumed once, not per try
    except Exception as e:  # noqa: BLE001
        return _failed(e)
    if kwargs:
        return self._op(1, partial(_c_send_multipart, **kwargs),
                        (msg_parts, flags | NOBLOCK, copy, track), flags)
    st = self._gs
    h = st.ext
    loop = _running(h)
    if not st.sq or flags & NOBLOCK:
        try:
            r = _c_send_multipart(self, msg_parts, flags | NOBLOCK, copy, track)
            if st.nwait:
                st.poke()
        except Exception as e:  # noqa: BLE001 - Again: wait; bad input: via the await
            return self._rest(1, _c_send_multipart, (msg_parts, flags | NOBLOCK, copy, track),
                              flags, loop, e)
        except BaseException:  # hand on what the call may have eaten (see _green)
            if st.nwait:
                st.poke()
            raise
        if r is None:  # as in send
            return h.sent
        fut = _call_kw(_Future, h.kw)
        _set_result(fut, r)
        return fut
    return self._rest(1, _c_send_multipart, (msg_parts, flags | NOBLOCK, copy, track), flags,
                      loop, None)


# --- the classes -------------------------------------------------------------------------

class Socket(_CoreSocket):
    """A socket whose blocking methods return awaitable Futures (pyzmq's zmq.asyncio).

    ``Socket(sync_socket)`` or ``Socket.from_socket(sync_socket)`` wraps an existing
    socket (both share the libzmq socket).
    """

    # no instance dict for what every socket has (~300 bytes a socket; _gs is the core's)
    __slots__ = ()
    _hub: Any = _HUB
    _shadow_sock: Any = None
    #: The reader on ZMQ_FD stays on the loop between waits (one add_reader per socket and
    #: loop, not one add/remove per wait: ~15% of a request-reply round trip). It goes at
    #: the first fd event that finds nobody waiting (``_green._on_fd``), at close, when the
    #: socket is collected (``_SockRef``) and when the socket moves to another loop. Not
    #: for shadows: their fd may be closed by the owner behind their back.
    _keep_reader = True

    def __init__(self, context: Any = None, socket_type: int = -1, io_loop: Any = None,
                 _from_socket: Any = None, **kwargs: Any) -> None:
        if isinstance(context, _CSocket):
            context, _from_socket = None, context
        if _from_socket is not None:
            super().__init__(_from_socket.context, shadow=_from_socket.underlying)
            self._shadow_sock = _from_socket  # keeps the owner (and its libzmq socket) alive
        else:
            super().__init__(context, socket_type, **kwargs)
        if io_loop is not None:
            warnings.warn(f"{type(self).__name__}(io_loop) is deprecated (as in pyzmq 22.2): "
                          "the running loop is used", DeprecationWarning, stacklevel=_outside())
        self._gs = st = _State(self, self._hub)
        st.ext = _Here()
        if _from_socket is not None or kwargs.get("shadow"):
            self._keep_reader = False
        else:
            st.ref = ref = _SockRef(self, _socket_gone)
            ref.st = st

    @classmethod
    def from_socket(cls, socket: Any, io_loop: Any = None) -> Socket:
        """An asyncio socket over an existing socket's libzmq socket."""
        return cls(_from_socket=socket, io_loop=io_loop)

    @property
    def _recv_futures(self) -> list:
        # pyzmq's name for the queue of pending receives (its tests look at it)
        return self._gs.rq

    @property
    def _send_futures(self) -> list:
        return self._gs.sq

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        return _loop()

    # --- the submit paths -------------------------------------------------------------
    #
    # Each hot method tries its NOBLOCK core call inline and returns a done Future (one
    # Python call per operation: a shared helper cost ~10% of a 64 B message); anything
    # but success goes to ``_rest``. The rest of a message read frame by frame (RCVMORE)
    # goes past the queue (see _green).

    def _op(self, d: int, fn: Callable[..., Any], args: tuple, flags: int) -> Future:
        """Try ``fn(self, *args)`` (a NOBLOCK core call) now; on EAGAIN queue it."""
        try:
            loop = get_running_loop()
        except RuntimeError:
            loop = _loop()
        st = self._gs
        if not (st.sq if d else st.rq) or flags & NOBLOCK or (
                not d and _c_getsockopt(self, RCVMORE)):
            try:
                fut: Future = _Future(loop=loop)
                fut.set_result(fn(self, *args))
                if st.nwait:
                    st.poke()
                return fut
            except Exception as e:  # noqa: BLE001 - Again: wait; bad input: via the await
                return self._rest(d, fn, args, flags, loop, e)
            except BaseException:  # hand on what the call may have eaten (see _green)
                if st.nwait:
                    st.poke()
                raise
        return self._rest(d, fn, args, flags, loop, None)

    def _rest(self, d: int, fn: Callable[..., Any], args: tuple, flags: int,
              loop: asyncio.AbstractEventLoop, exc: Exception | None) -> Future:
        """An operation that did not complete at once: ``exc`` is what its try raised
        (None: not tried, others are queued first). Fail it, or queue it (EAGAIN)."""
        st = self._gs
        fut: Future = _Future(loop=loop)  # not loop.create_future(): one Python call less
        if exc is not None:
            if st.nwait:  # the try may have eaten their readiness
                st.poke()
            if flags & NOBLOCK or not isinstance(exc, Again):
                fut.set_exception(exc)
                return fut
        q = st.sq if d else st.rq
        w = _OpWaiter(self, q, fut, fn, args)
        st.nwait += 1  # undone by w.leave()
        q.append(w)
        fut.add_done_callback(w.done)
        timeout = _c_getsockopt(self, SNDTIMEO if d else RCVTIMEO)
        if timeout >= 0:
            w.timer = loop.call_later(timeout / 1000.0, w.resume, _TIMEOUT, None)
        if st.watching and (st.wloop is not self._hub.current() or not st.watcher.on):
            _unwatch_anywhere(st)  # kept on another loop, or replaced (a shadow's wait)
        st.watch()
        st.poke()  # ZMQ_EVENTS before we sleep: the edge may have passed already
        return fut

    recv = _recv  # type: ignore[assignment]
    recv_multipart = _recv_multipart  # type: ignore[assignment]
    send = _send  # type: ignore[assignment]
    send_multipart = _send_multipart  # type: ignore[assignment]

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> Future:  # type: ignore[override]
        """Receive one frame into ``buffer``; a Future of the frame's full length."""
        if type(flags) is not int:
            try:
                flags = index(flags)
            except Exception as e:  # noqa: BLE001 - raised by the await
                return _failed(e)
        return self._op(0, _c_recv_into, (buffer, nbytes, flags | NOBLOCK), flags)

    # --- helpers: the sends inherit (they return self.send's Future); receives chain ----

    def _sending(self, make: Callable[[], Future]) -> Future:
        try:
            return make()
        except Exception as e:  # noqa: BLE001 - bad input (encoding, pickling): via the await
            return _failed(e)

    def send_string(self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8",
                    **kwargs: Any) -> Future:
        """Send a str, encoded."""
        return self._sending(lambda: super(Socket, self).send_string(u, flags, copy, encoding,
                                                                     **kwargs))

    send_unicode = send_string

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = pickle.DEFAULT_PROTOCOL,
                   **kwargs: Any) -> Future:
        """Send a pickled object."""
        return self._sending(lambda: super(Socket, self).send_pyobj(obj, flags, protocol, **kwargs))

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> Future:
        """Send an object as JSON."""
        return self._sending(lambda: super(Socket, self).send_json(obj, flags, **kwargs))

    def send_serialized(self, msg: Any, serialize: Callable[[Any], Sequence[Any]],
                        flags: int = 0, copy: bool = True, **kwargs: Any) -> Future:
        """Send ``serialize(msg)`` as one multipart message."""
        return self._sending(lambda: super(Socket, self).send_serialized(msg, serialize, flags,
                                                                         copy, **kwargs))

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> Future:  # type: ignore[override]
        """Receive a frame decoded as text."""
        return _then(self.recv(flags), lambda b: b.decode(encoding))

    recv_unicode = recv_string  # type: ignore[assignment]

    def recv_json(self, flags: int = 0, **kwargs: Any) -> Future:
        """Receive a JSON document."""
        return _then(self.recv(flags), lambda b: jsonapi.loads(b, **kwargs))

    def recv_pyobj(self, flags: int = 0) -> Future:
        """Receive a pickled object (never from peers you do not trust)."""
        return _then(self.recv(flags), pickle.loads)

    def recv_serialized(self, deserialize: Callable[[list], Any], flags: int = 0,
                        copy: bool = True) -> Future:
        """Receive a multipart message; a Future of ``deserialize(frames)``."""
        return _then(self.recv_multipart(flags, copy), deserialize)

    # --- poll, options, close --------------------------------------------------------------

    def poll(self, timeout: float | None = None, flags: int = POLLIN) -> Future:  # type: ignore[override]
        """A Future of the events in ``flags`` ready within ``timeout`` ms (0 when none).

        None or a negative timeout waits forever.
        """
        try:
            flags = _flags(flags)
            if self.closed or self._gs.closed:
                raise ZMQError(ENOTSOCK)
            ready = self._events() & flags
        except Exception as e:  # noqa: BLE001
            return _failed(e)
        st = self._gs
        if st.nwait:
            st.poke()
        fut = _loop().create_future()
        if ready or timeout == 0:
            fut.set_result(ready)
            return fut
        w = _PollWaiter(self, fut, flags)
        st.nwait += 1  # undone by w.leave()
        st.polls[w] = flags
        fut.add_done_callback(w.done)
        if timeout is not None and timeout > 0:
            w.timer = fut.get_loop().call_later(timeout / 1000.0, w.resume, _TIMEOUT, None)
        if st.watching and (st.wloop is not self._hub.current() or not st.watcher.on):
            _unwatch_anywhere(st)
        st.watch()
        st.poke()
        return fut

    getsockopt = _getsockopt
    get = getsockopt

    def close(self, linger: int | None = None) -> None:
        """Close; pending sends/receives fail with ZMQError(ENOTSOCK), polls are cancelled.

        From a thread other than that of the loop waiting on the socket, the close runs
        in the loop's thread (this call waits for it): its reader must be gone before the
        fd is (uvloop aborts otherwise), and no zmq call may run there meanwhile.
        """
        st = getattr(self, "_gs", None)
        if st is not None and not self.closed:
            loop = _aloop(st.wloop)
            if st.watching and loop is not None and loop.is_running() and not _in_loop(loop):
                _run_in(loop, lambda: self.close(linger))
                if self.closed:
                    return
            if st.watching and not st.nwait:
                st.unwatch()  # a reader kept between waits, on a loop that is not running
            st.close()
        super().close(linger)


for _name in ("bind", "connect", "unbind", "disconnect", "bind_to_random_port"):
    setattr(Socket, _name, _poking(_name))
del _name


class Poller(_CorePoller):
    """A Poller whose ``poll`` returns an awaitable Future of ``[(socket, events)]``."""

    _socket_class = Socket

    def poll(self, timeout: float | None = -1) -> Future:  # type: ignore[override]
        """Wait up to ``timeout`` ms (None or negative: forever) for any registered item."""
        try:
            items = list(self.sockets)
            ready = self._poll0(items)
        except Exception as e:  # noqa: BLE001
            return _failed(e)
        if ready or timeout == 0:
            fut = _loop().create_future()
            fut.set_result(ready)
            return fut
        return asyncio.ensure_future(self._wait(items, timeout))

    def _poll0(self, items: list) -> list:
        ready = _CorePoller.poll(self, 0)
        for obj, _flags in items:  # zmq_poll read ZMQ_EVENTS: pass the news on
            st = getattr(obj, "_gs", None)
            if st is not None and st.nwait:
                st.poke()
        return ready

    async def _wait(self, items: list, timeout: float | None) -> list:
        loop = get_running_loop()
        deadline = None if timeout is None or timeout < 0 else loop.time() + timeout / 1000.0
        while True:
            w = _Wake(loop.create_future())
            undos: list = []
            timer = None
            try:
                for obj, flags in items:
                    st = getattr(obj, "_gs", None)
                    if st is not None and st.watching and (
                            st.wloop is not st.hub.current() or not st.watcher.on):
                        _unwatch_anywhere(st)  # kept on another loop, or replaced
                    undos.append(_register(_HUB, w, obj, flags))  # type: ignore[arg-type]
                ready = self._poll0(items)  # after registering: nothing slips in between
                if ready:
                    return ready
                if deadline is not None:
                    timer = loop.call_later(max(0.0, deadline - loop.time()), _set_once,
                                            w.fut, _TIMEOUT)
                await w.fut
            finally:
                if timer is not None:
                    timer.cancel()
                for undo in undos:
                    undo()
            ready = self._poll0(items)
            if ready or (deadline is not None and loop.time() >= deadline):
                return ready


class Context(_CoreContext):
    """A Context whose sockets are :class:`Socket`; ``Context(sync_context)`` shares one."""

    _socket_class = Socket
    _shadowed: Any = None
    _instance = None  # instance() is this class's own, never the plain Context's (as pyzmq)

    def __init__(self, io_threads: Any = 1, shadow: Any = 0, **kwargs: Any) -> None:
        if isinstance(io_threads, _CContext):  # pyzmq: Context(other) shares other's context
            other, io_threads = io_threads, 1
            shadow = other.underlying
            self._shadowed = other
        elif isinstance(shadow, _CContext):
            self._shadowed = shadow
            shadow = shadow.underlying
        super().__init__(io_threads, shadow, **kwargs)


class ZMQEventLoop(asyncio.SelectorEventLoop):
    """Deprecated (as in pyzmq): any asyncio loop works with greenzmq.asyncio sockets."""

    def __init__(self, selector: Any = None) -> None:
        warnings.warn("ZMQEventLoop is deprecated: use any asyncio loop", DeprecationWarning,
                      stacklevel=_outside())
        super().__init__(selector)


def install() -> None:
    """Deprecated no-op, kept for pyzmq compatibility."""
    warnings.warn("greenzmq.asyncio.install() is not needed: any asyncio loop works",
                  DeprecationWarning, stacklevel=_outside())


# setup.py compiles this very file into ``greenzmq._asyncio_c`` (``greenzmq._compiled``),
# typed by ``_asyncio_c.pxd``; it runs with the compiled engine only (it uses its types).

#: whether the compiled module runs (the names above are then greenzmq._asyncio_c's)
COMPILED = (__name__ == "greenzmq.asyncio" and _green.COMPILED
            and _compiled.use(globals(), "greenzmq._asyncio_c"))
