"""The green wait engine: blocking zmq calls that park only the calling greenlet.

Written once for every hub. ``green_gevent`` and ``green_eventlet`` give a small
:class:`Hub` adapter and subclass :class:`Socket`, :class:`Context`, :class:`Poller`
and :class:`MessageTracker` with it; the device functions take the adapter as
their first argument.

Why it looks the way it does: ZMQ_FD is not a readiness FD. It turns readable when
the socket has internal commands pending, and *any* send, recv, bind, connect or
ZMQ_EVENTS read may process them, after which it stays quiet although messages are
ready. So every place that may process commands and sees somebody parked on the
socket reads ZMQ_EVENTS and wakes whoever can now proceed; a parked greenlet reads
ZMQ_EVENTS itself after queueing and before sleeping; and the FD watcher runs only
while somebody is parked. There are no polling timers: a missed wakeup is a bug.

Several greenlets may share a socket: each direction keeps a FIFO of waiters and
only its head tries the operation, so order is fair (the FIFO is the per-direction
lock). libzmq moves a multipart message in and out atomically once its first frame
is taken, so send_multipart/recv_multipart calls never interleave; a greenlet in the
middle of a message it sends or reads frame by frame (SNDMORE, RCVMORE) goes on past
the queue, so the head cannot take or add frames in between (provided that greenlet does
not yield between the frames of one message). A greenlet that finds
the FIFO empty takes the fast path and never touches the hub.

Limits: a socket and its waiters belong to one OS thread (libzmq sockets are not
thread-safe anyway); ``Frame(track=True).tracker`` made by hand is the core's tracker,
whose wait() blocks (wrap it: ``MessageTracker(frame.tracker)``).
"""
from __future__ import annotations

import types
import weakref
from functools import partial
from operator import index
from time import monotonic
from typing import Any, Callable, Sequence

try:
    from greenlet import getcurrent
except ImportError:  # asyncio alone needs no greenlet
    getcurrent = None

from greenzmq import _compiled, constants as _c
from greenzmq._realthread import allocate_lock as _allocate_lock, get_ident as _get_ident
from greenzmq._realthread import start_new_thread as _start_thread
from greenzmq.core._zmq import (Frame, MessageTracker as _CoreTracker, Socket as _CSocket, _Flag,
                                _set_release_hook, zmq_poll)
from greenzmq.core.context import Context as _CoreContext
from greenzmq.core.poll import Poller as _CorePoller
from greenzmq.core.socket import Socket as _CoreSocket
from greenzmq.error import Again, NotDone, ZMQError

__all__ = [
    "Hub", "Socket", "Context", "Poller", "MessageTracker",
    "poll", "select",
]

# plain ints: the constants are enum members, and enum arithmetic costs microseconds
(ENOTSOCK, EVENTS, NOBLOCK, POLLERR, POLLIN, POLLOUT, RCVMORE, RCVTIMEO, REP, ROUTER, SNDMORE,
 SNDTIMEO, TYPE) = map(int, (_c.ENOTSOCK, _c.EVENTS, _c.NOBLOCK, _c.POLLERR, _c.POLLIN, _c.POLLOUT,
                             _c.RCVMORE, _c.RCVTIMEO, _c.REP, _c.ROUTER, _c.SNDMORE, _c.SNDTIMEO,
                             _c.TYPE))

# why a parked greenlet was resumed
_READY, _TIMEOUT, _CLOSED = "ready", "timeout", "closed"

_c_recv = _CoreSocket.recv
_c_send = _CoreSocket.send
_c_recv_multipart = _CoreSocket.recv_multipart
_c_send_multipart = _CoreSocket.send_multipart
_c_recv_into = _CoreSocket.recv_into
_c_getsockopt = _CoreSocket.getsockopt


class Hub:
    """What the engine needs from an event loop; one instance per hub library.

    Every method acts on the hub of the calling OS thread.
    """

    def switch(self) -> Any:
        """Park the calling greenlet: run the hub until something switches back."""
        raise NotImplementedError

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` in the hub greenlet soon (call from a greenlet)."""
        raise NotImplementedError

    def call_later(self, seconds: float, fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
        """Run ``fn(*args)`` in the hub greenlet after ``seconds``; return a canceller."""
        raise NotImplementedError

    def current(self) -> Any:
        """The loop of the calling OS thread (an identity: watchers are made per loop)."""
        raise NotImplementedError

    def io(self, fd: int, write: bool) -> Any:
        """A stopped watcher for ``fd``: ``start(cb, *args)`` calls ``cb(*args)`` in the
        hub greenlet while the fd is readable (writable), ``stop()``, ``close()``."""
        raise NotImplementedError

    def call_threadsafe(self, loop: Any, fn: Callable[..., Any], *args: Any) -> None:
        """From any OS thread: run ``fn(*args)`` in ``loop`` (a ``current()`` value whose
        thread made a watcher there) soon; raise if that loop is gone."""
        raise NotImplementedError

    def waker(self) -> Any:
        """A wake-up owned by the calling thread's hub, for one wait: ``call(fn, *args)``,
        from any OS thread, runs ``fn(*args)`` in that hub's greenlet soon; ``close()``
        once the wait is over. While open it keeps the hub's loop alive. It needs no new
        fd: what it needs (eventlet: a pipe) is made once per hub and kept."""
        raise NotImplementedError

    def cooperate(self) -> None:
        """Let the other ready greenlets run once (``sleep(0)``)."""
        raise NotImplementedError


# --- waiters -------------------------------------------------------------------
#
# A waiter is anything the state machine below can resume with a reason:
# ``w.resume(reason, hub)`` where ``hub`` is None when the caller runs in the loop
# itself (a watcher or timer callback: the waiter may run at once) and the adapter
# otherwise. It returns True when the waiter acted on the socket right there (an
# asyncio waiter completes its Future in the call), so the caller looks at ZMQ_EVENTS
# again. Greenlet waiters (_Waiter) switch back to a parked greenlet and return False;
# the asyncio adapter's waiters live in greenzmq/asyncio.py.

class _Waiter:
    """One greenlet parked in a blocking call; ``reason`` says who resumed it."""

    __slots__ = ("glet", "reason", "parked")

    def __init__(self) -> None:
        self.glet = getcurrent()
        self.reason: str | None = None
        self.parked = False

    def resume(self, reason: str, hub: Hub | None) -> bool:
        if hub is None:
            _resume(self, reason)
        else:
            _resume_soon(hub, self, reason)
        return False


def _resume(w: _Waiter, reason: str) -> None:
    """Resume ``w`` at once; only from the hub greenlet (watcher and timer callbacks)."""
    # the first reason wins, so a greenlet is never switched into twice for one park
    if w.parked and w.reason is None:
        w.reason = reason
        w.glet.switch()


def _resume_soon(hub: Hub, w: _Waiter, reason: str) -> None:
    """Resume ``w`` from a greenlet other than the hub: the hub switches to it soon."""
    if w.parked and w.reason is None:
        # scheduled before the reason is set: cut short in between, the next wake still
        # gets through (at worst the greenlet wakes once for nothing and looks again)
        hub.call_soon(_switch_if_parked, w)
        w.reason = reason


def _switch_if_parked(w: _Waiter) -> None:
    # a kill or exception may have taken the greenlet out of its park meanwhile
    if w.parked:
        w.glet.switch()


def _park(hub: Hub, w: _Waiter, deadline: float | None) -> str | None:
    """Sleep until ``w`` is resumed or ``deadline`` (monotonic) passes."""
    cancel = None
    if deadline is not None:
        cancel = hub.call_later(max(0.0, deadline - monotonic()), _resume, w, _TIMEOUT)
    w.reason = None
    w.parked = True
    try:
        hub.switch()
    finally:
        w.parked = False
        if cancel is not None:
            cancel()
    return w.reason


class _Job:
    """``fn(*args)`` in an OS thread of its own; greenlets of any thread wait for its end.

    Its own thread (made with the OS's primitives, not a hub's pool): it needs no fd, works
    after fork and monkey patching, and a waiter that is killed leaves it running to its
    end, whose outcome the next waiter gets. The end resumes each waiter through its own
    hub's ``waker``.
    """

    __slots__ = ("lock", "outcome", "waiters")

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.lock = _allocate_lock()
        self.outcome: tuple[bool, Any] | None = None
        self.waiters: list[tuple[Any, _Waiter]] = []
        self.lock.acquire()  # held until the end, for waiters without a hub
        _start_thread(self._run, (fn, args))

    def _run(self, fn: Callable[..., Any], args: tuple) -> None:
        outcome = _outcome(fn, args)
        # a plain list swap under the GIL: ``wait`` looks at outcome after it appends
        self.outcome = outcome
        waiters, self.waiters = self.waiters, []
        self.lock.release()
        for wake, w in waiters:
            wake.call(_resume, w, _READY)

    def wait(self, hub: Hub) -> Any:
        """Park until the job has ended; its result, or its exception raised here."""
        if self.outcome is None:
            try:
                wake = hub.waker()
            except OSError:  # no fd left for a wake-up: block this thread instead
                self.lock.acquire()
                self.lock.release()
            else:
                w = _Waiter()
                entry = (wake, w)
                self.waiters.append(entry)
                try:
                    while self.outcome is None:
                        _park(hub, w, None)
                finally:
                    if entry in self.waiters:
                        self.waiters.remove(entry)
                    wake.close()
        ok, value = self.outcome  # type: ignore[misc]
        if ok:
            return value
        raise value


def _outcome(fn: Callable[..., Any], args: tuple) -> tuple[bool, Any]:
    try:
        return True, fn(*args)
    except BaseException as e:  # noqa: BLE001 - handed to the waiting greenlet, which raises it
        return False, e


def _deadline(timeout_ms: float | None) -> float | None:
    if timeout_ms is None or timeout_ms < 0:
        return None
    return monotonic() + timeout_ms / 1000.0


# --- per-socket state: the one state machine -----------------------------------
#
# Interruptions. A signal handler may raise at any call or function entry, and a
# kill or Timeout lands where a greenlet switches; either can come between consuming
# the ZMQ_FD edge (any zmq call on the socket) and handing the readiness on. So every
# stretch of code from a zmq call to the hand-on sits in a ``try`` whose handler
# hands on again (``poke``) before the exception goes on, and ``poke``/``_on_fd``
# themselves schedule a fresh look from the loop (``_on_fd`` soon) when they are
# cut short. Counters change before the ``try`` that undoes them, with no call in
# between, and a watcher is started before it is marked as running, so that a cut
# leaves at worst a needless start, never a missing one.

class _State:
    """The waiters parked on one socket, and its FD watcher.

    Holds the socket weakly so that socket -> state -> watcher -> state is no cycle
    through the socket (its finaliser stays prompt).
    """

    __slots__ = ("ref", "hub", "rq", "sq", "polls", "nwait", "watcher", "wloop", "wtid",
                 "watching", "closed", "sowner", "ext")

    def __init__(self, sock: Any, hub: Hub) -> None:
        self.ref = weakref.ref(sock)
        self.hub = hub
        # FIFOs of waiters, the head may try; lists: short, and an empty deque costs 10x
        # the memory (it shows with thousands of sockets)
        self.rq: list = []                 # recv
        self.sq: list = []                 # send
        self.polls: dict[Any, int] = {}    # Poller/Socket.poll waiters -> event mask
        self.nwait = 0                     # len(rq) + len(sq) + len(polls)
        self.watcher: Any = None
        self.wloop: Any = None             # the loop the watcher belongs to
        self.wtid = 0                      # and that loop's OS thread
        self.watching = False
        self.closed = False
        self.sowner: Any = None            # the greenlet in the middle of a SNDMORE message
        self.ext: Any = None               # the adapter's own (asyncio: its loop cache)

    def watch(self) -> None:
        if not self.watching:
            # the watcher belongs to the loop of the thread that waits now: a socket
            # may move to another thread (or asyncio loop) between waits
            loop = self.hub.current()
            if loop is not self.wloop:
                old, self.watcher, self.wloop = self.watcher, None, None
                if old is not None:
                    _close_watcher(old)
                self.watcher = self.hub.io(self.ref().fileno(), False)  # type: ignore[union-attr]
                self.wloop, self.wtid = loop, _get_ident()
            self.watcher.start(_on_fd, self)
            self.watching = True

    def unwatch(self) -> None:
        if self.watching:
            self.watching = False
            self.watcher.stop()

    def poke(self) -> None:
        """Read ZMQ_EVENTS and wake whoever can proceed (we may have eaten their signal)."""
        try:
            sock = self.ref()
            if sock is None or self.closed:
                return
            try:
                ev = sock._events()
            except ZMQError:  # ETERM and the like: let every waiter meet the error itself
                ev = POLLIN | POLLOUT
            self.wake(ev, self.hub)
        except BaseException:
            # cut short after the edge was read: the loop looks again soon
            self.hub.call_soon(_on_fd, self)
            raise

    def wake(self, ev: int, hub: Hub | None) -> None:
        """Resume the head waiter of each direction ready in ``ev`` and matching pollers.

        ``hub`` is None when called from the loop itself (see ``_Waiter.resume``).
        """
        while True:
            moved = False
            if ev & POLLIN and self.rq:
                moved = self.rq[0].resume(_READY, hub)
            if ev & POLLOUT and self.sq:
                moved = self.sq[0].resume(_READY, hub) or moved
            if self.polls:
                for w, mask in list(self.polls.items()):
                    if ev & mask:
                        moved = w.resume(_READY, hub) or moved
            if not moved or not self.nwait:  # nobody left to wake: no need to look again
                return
            # a waiter took its turn in place: the next one may go too
            sock = self.ref()
            if sock is None or self.closed:
                return
            try:
                ev = sock._events()
            except ZMQError:
                ev = POLLIN | POLLOUT

    def leave(self) -> None:
        """A waiter left: hand readiness on, or stop watching when nobody is left."""
        self.nwait -= 1
        if self.nwait:
            self.poke()
        else:
            self.unwatch()

    def close(self) -> None:
        """The socket is closing: stop watching its FD and wake everybody (ENOTSOCK)."""
        if self.closed:
            return
        self.closed = True
        if (self.watching or self.nwait) and self.wtid != _get_ident():
            # closed from another OS thread: the watcher and the parked waiters belong
            # to the waiting thread's loop, which finishes the close (the core closes the
            # socket meanwhile; the waiters are parked, not in libzmq)
            try:
                self.hub.call_threadsafe(self.wloop, self._close_here)
                return
            except Exception:  # noqa: BLE001 - that loop is gone: nobody waits there
                pass
        self._close_here()

    def _close_here(self) -> None:
        self.unwatch()
        if self.watcher is not None:
            _close_watcher(self.watcher)
            self.watcher = self.wloop = None
        for w in (*self.rq, *self.sq, *self.polls):
            w.resume(_CLOSED, self.hub)


def _close_watcher(watcher: Any) -> None:
    try:
        watcher.close()
    except Exception:  # noqa: BLE001 - its loop is gone (thread ended, loop closed)
        pass


def _on_fd(st: _State) -> None:
    """FD watcher callback (in the loop): the socket has commands; see who can go on."""
    sock = st.ref()
    if sock is None or st.closed or not st.nwait:
        if st.watcher is not None and st.wloop is st.hub.current():
            st.watching = False
            st.watcher.stop()
        return
    try:
        try:
            ev = sock._events()
        except ZMQError:
            ev = POLLIN | POLLOUT
        st.wake(ev, None)
    except BaseException:
        st.hub.call_soon(_on_fd, st)  # cut short: look again (see "Interruptions")
        raise


def _timed_out() -> Again:
    """Again for an expired RCVTIMEO/SNDTIMEO, marked so that eventlet.is_timeout(e) and
    other ``is_timeout`` checks see a timeout (as eventlet.green.zmq's)."""
    e = Again()
    e.is_timeout = True
    return e


def _wait_op(sock: Socket, d: int, fn: Callable[..., Any], args: tuple) -> Any:
    """The slow path of a blocking operation: queue, probe, park, retry.

    ``d`` is 0 for recv, 1 for send; ``fn(sock, *args)`` is the NOBLOCK core call.
    """
    st = sock._gs
    q = st.sq if d else st.rq
    mask = POLLOUT if d else POLLIN
    tried = not q  # with nobody queued the fast path has just tried and got EAGAIN
    deadline = _deadline(_c_getsockopt(sock, SNDTIMEO if d else RCVTIMEO))
    w = _Waiter()
    st.nwait += 1  # undone by the finally: no call (no interruption point) before the try
    try:
        q.append(w)
        spin = True  # one immediate retry when our own probe says ready
        while True:
            if q[0] is w:
                if not tried:
                    try:
                        return fn(sock, *args)
                    except Again:
                        pass
                tried = False
                ev = sock._events()
                if ev:
                    st.wake(ev, st.hub)
                if ev & mask and spin:
                    spin = False
                    continue
            if deadline is not None and monotonic() >= deadline:
                raise _timed_out()
            st.watch()
            if _park(st.hub, w, deadline) is _CLOSED:
                raise ZMQError(ENOTSOCK)
            spin = True
    finally:
        st.nwait -= 1
        try:
            q.remove(w)
            if st.nwait:
                st.poke()
            else:
                st.unwatch()
        except BaseException:
            _hand_on(st)
            raise


def _hand_on(st: _State) -> None:
    """From an exception handler: make sure the readiness we may have eaten goes on."""
    if st.nwait:
        st.poke()
    else:
        st.unwatch()


# --- poll ----------------------------------------------------------------------

def _fd_of(obj: Any) -> int:
    return obj if isinstance(obj, int) else obj.fileno()


def _register(hub: Hub, w: _Waiter, obj: Any, flags: int) -> Callable[[], None]:
    """Make readiness of one poll item resume ``w``; return the undo function."""
    st = getattr(obj, "_gs", None)
    if st is not None:  # a green socket: share its watcher
        if st.closed:
            raise ZMQError(ENOTSOCK)
        st.polls[w] = int(flags)
        st.nwait += 1
        st.watch()

        def undo() -> None:
            del st.polls[w]
            st.leave()
        return undo
    if isinstance(obj, _CoreSocket):  # a plain zmq socket: its FD says "look again"
        watchers = [hub.io(obj.fileno(), False)] if flags else []
    else:
        fd = _fd_of(obj)
        watchers = [hub.io(fd, write) for write, bit in ((False, POLLIN), (True, POLLOUT))
                    if flags & bit]
    for watcher in watchers:
        watcher.start(w.resume, _READY, None)  # any waiter kind (asyncio's too)

    def close_watchers() -> None:
        for watcher in watchers:
            watcher.close()
    return close_watchers


def _wait_poll(hub: Hub, items: Sequence[tuple[Any, int]], timeout_ms: float | None,
               poll0: Callable[[], list]) -> list:
    """Poll ``items`` green: ``poll0()`` polls them without waiting; park in between."""
    deadline = _deadline(timeout_ms)
    w = None
    while True:
        ready = poll0()
        for obj, _flags in items:  # zmq_poll read ZMQ_EVENTS: pass the news on
            st = getattr(obj, "_gs", None)
            if st is not None and st.nwait:
                st.poke()
        if ready or (deadline is not None and monotonic() >= deadline):
            return ready
        if w is None:
            w = _Waiter()
            # one registration per object: a socket listed twice (POLLIN twice, or POLLIN
            # and POLLOUT) is one waiter with both masks, not two that share a key
            merged: dict[Any, int] = {}
            for obj, flags in items:
                merged[obj] = merged.get(obj, 0) | int(flags)
        undos = []
        try:
            for obj, flags in merged.items():
                undos.append(_register(hub, w, obj, flags))
            _park(hub, w, deadline)
        finally:
            for undo in undos:
                undo()


# --- the green classes -----------------------------------------------------------

def _getsockopt(self: Any, option: int) -> Any:
    """Get an option; reading EVENTS also wakes the waiters it concerns (any waiter kind)."""
    value = _c_getsockopt(self, option)
    if option == EVENTS:
        st = self._gs
        if st.nwait:
            st.wake(value, st.hub)
    return value


# The fast paths: written out per method on purpose (one extra Python call per message is
# a measurable share of the per-message cost), and as module functions that the class
# takes as methods, so that the compiled engine can give them C types (_green_c.pxd: a
# method of a plain class cannot be typed there).

def _recv(self: Socket, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
    """Receive one frame; see ``greenzmq.Socket.recv``."""
    st = self._gs
    # plain int flags (enum flags: each | or & on them costs ~0.6 µs); compiled: a C int
    f = flags if type(flags) is int else index(flags)
    # the rest of a message that is being read frame by frame is taken at once, past
    # the queue: its frames are all there, and the queue's head must not get them
    if not st.rq or f & NOBLOCK or _c_getsockopt(self, RCVMORE):
        try:
            try:
                msg = _CSocket._engine_recv(self, f | NOBLOCK, copy)  # compiled: a C call
            except Again:  # dupcheck: ok - each recv keeps its fast path inline (speed)
                if f & NOBLOCK:
                    raise
            else:
                if st.nwait:
                    st.poke()
                return msg
        except BaseException:  # hand on what the call may have eaten ("Interruptions")
            if st.nwait:
                st.poke()
            raise
    return _wait_op(self, 0, _c_recv, (f | NOBLOCK, copy, track))


def _recv_multipart(self: Socket, flags: int = 0, copy: bool = True, track: bool = False) -> list:
    """Receive a whole multipart message; see ``greenzmq.Socket.recv_multipart``."""
    st = self._gs
    # plain int flags (enum flags: each | or & on them costs ~0.6 µs); compiled: a C int
    f = flags if type(flags) is int else index(flags)
    if not st.rq or f & NOBLOCK:
        try:
            try:
                msg = _c_recv_multipart(self, f | NOBLOCK, copy, track)
            except Again:
                if f & NOBLOCK:
                    raise
            else:
                if st.nwait:
                    st.poke()
                return msg
        except BaseException:  # hand on what the call may have eaten ("Interruptions")
            if st.nwait:
                st.poke()
            raise
    return _wait_op(self, 0, _c_recv_multipart, (f | NOBLOCK, copy, track))


def _recv_into(self: Socket, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
    """Receive one frame into ``buffer``; see ``greenzmq.Socket.recv_into``."""
    st = self._gs
    # plain int flags (enum flags: each | or & on them costs ~0.6 µs); compiled: a C int
    f = flags if type(flags) is int else index(flags)
    if not st.rq or f & NOBLOCK or _c_getsockopt(self, RCVMORE):
        try:
            try:
                n = _c_recv_into(self, buffer, nbytes, f | NOBLOCK)
            except Again:
                if f & NOBLOCK:
                    raise
            else:
                if st.nwait:
                    st.poke()
                return n
        except BaseException:  # hand on what the call may have eaten ("Interruptions")
            if st.nwait:
                st.poke()
            raise
    return _wait_op(self, 0, _c_recv_into, (buffer, nbytes, f | NOBLOCK))


def _send(self: Socket, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
         routing_id: Any = None, group: Any = None) -> Any:
    """Send one frame; see ``greenzmq.Socket.send``."""
    if routing_id is not None or group is not None:  # draft API: let the core answer
        return _c_send(self, data, flags, copy, track, routing_id, group)
    st = self._gs
    # plain int flags (enum flags: each | or & on them costs ~0.6 µs); compiled: a C int
    f = flags if type(flags) is int else index(flags)
    # a greenlet in the middle of a SNDMORE message goes on past the queue, so that
    # the queue's head cannot slip its frames into that message
    if not st.sq or f & NOBLOCK or st.sowner is getcurrent():
        try:
            try:
                r = _CSocket._engine_send(self, data, f | NOBLOCK, copy, track)  # compiled: C
            except Again:
                if f & NOBLOCK:
                    raise
            else:
                if f & SNDMORE:
                    st.sowner = getcurrent()
                elif st.sowner is not None:
                    st.sowner = None
                if st.nwait:  # dupcheck: ok - each send keeps its fast path inline (speed)
                    st.poke()
                return r if r is None else self._tracker_class(r)
        except BaseException:  # hand on what the call may have eaten ("Interruptions")
            if st.nwait:
                st.poke()
            raise
    r = _wait_op(self, 1, _c_send, (data, f | NOBLOCK, copy, track))
    st.sowner = getcurrent() if f & SNDMORE else None
    return r if r is None else self._tracker_class(r)


class Socket(_CoreSocket):
    """A socket whose blocking calls park only the calling greenlet.

    Subclasses set ``_hub``. The send_*/recv_* helpers of the core go through the
    five methods overridden here, so they are green too.
    """

    _hub: Hub
    _tracker_class: type  # the green MessageTracker that wraps the core's trackers

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._gs = _State(self, self._hub)

    recv = _recv
    recv_multipart = _recv_multipart
    recv_into = _recv_into
    send = _send

    def send_multipart(self, msg_parts: Any, flags: int = 0, copy: bool = True,
                       track: bool = False, **kwargs: Any) -> Any:
        """Send a multipart message atomically; see ``greenzmq.Socket.send_multipart``."""
        st = self._gs
        if type(flags) is not int:  # enum flags: each | or & on them costs ~0.6 µs
            flags = index(flags)
        if type(msg_parts) is not list and type(msg_parts) is not tuple:
            msg_parts = list(msg_parts)  # an iterator: a retry at the HWM must send it again
        if not st.sq or flags & NOBLOCK:
            try:
                try:
                    r = _c_send_multipart(self, msg_parts, flags | NOBLOCK, copy, track, **kwargs)
                except Again:
                    if flags & NOBLOCK:
                        raise
                else:
                    if st.nwait:
                        st.poke()
                    return r if r is None else self._tracker_class(r)
            except BaseException:  # hand on what the call may have eaten ("Interruptions")
                if st.nwait:
                    st.poke()
                raise
        r = _wait_op(self, 1, partial(_c_send_multipart, **kwargs) if kwargs else _c_send_multipart,
                     (msg_parts, flags | NOBLOCK, copy, track))
        return r if r is None else self._tracker_class(r)

    getsockopt = _getsockopt
    get = getsockopt

    def poll(self, timeout: float | None = None, flags: int = POLLIN) -> int:
        """Wait (green) until ``flags`` events are ready or ``timeout`` ms pass."""
        if self._gs.closed or self.closed:
            raise ZMQError(ENOTSOCK)
        items = [(self, flags)]
        ready = _wait_poll(self._hub, items, timeout, lambda: zmq_poll(items, 0))
        return ready[0][1] if ready else 0

    def close(self, linger: int | None = None) -> None:
        """Close the socket; greenlets parked on it get ZMQError(ENOTSOCK)."""
        st = getattr(self, "_gs", None)
        if st is not None:
            st.close()
        super().close(linger)


def _poking(name: str) -> Callable[..., Any]:
    """Wrap a core method that lets libzmq process commands (bind, connect ...)."""
    core = getattr(_CoreSocket, name)

    def method(self: Socket, *args: Any, **kwargs: Any) -> Any:
        st = self._gs
        try:
            return core(self, *args, **kwargs)
        finally:  # also when interrupted: the readiness it may have eaten goes on
            if st.nwait:
                st.poke()
    method.__name__ = method.__qualname__ = name
    method.__doc__ = core.__doc__
    return method


for _name in ("bind", "connect", "unbind", "disconnect", "bind_to_random_port"):
    setattr(Socket, _name, _poking(_name))
del _name


class Context(_CoreContext):
    """A context whose term() runs off the hub thread; makes green sockets."""

    _hub: Hub
    _socket_class: type = Socket
    _instance = None  # instance() is the green one, never the plain Context's (as zmq.green)

    _term_job: _Job | None = None  # the thread running term(), until it ends

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:  # made now, so that term() needs no new fd later (think of the fd limit)
            self._hub.waker().close()
        except OSError:
            pass

    def term(self) -> None:
        """Terminate the context, parking only the calling greenlet while libzmq waits.

        libzmq's term runs in a thread of its own. A term() that is killed, timed out or
        interrupted leaves it running: the next term() or destroy() waits for that same
        one (a second zmq_ctx_term on one context would be a use after free).
        """
        job = self._term_job
        if job is None or job.outcome is not None:
            if self.closed:
                return
            job = self._term_job = _Job(_CoreContext.term, self)
        job.wait(self._hub)
        self._term_job = None


class Poller(_CorePoller):
    """A Poller whose poll() parks only the calling greenlet."""

    _hub: Hub

    def poll(self, timeout: float | None = None) -> list:
        """Poll the registered sockets and fds (green); ``timeout`` in ms, None = forever."""
        return _wait_poll(self._hub, list(self.sockets), timeout,
                          lambda: _CorePoller.poll(self, 0))


class MessageTracker(_CoreTracker):
    """A MessageTracker whose wait() parks only the calling greenlet.

    Green sockets return these for ``track=True``; ``MessageTracker(core_tracker)`` wraps any.
    """

    _hub: Hub
    _polled = False  # it tracks Event-like objects too, which no release signals

    def __init__(self, *towatch: Any) -> None:
        super().__init__(*towatch)
        self._polled = any(getattr(obj, "_polled", False) if isinstance(obj, _CoreTracker)
                           else not isinstance(obj, (_Flag, Frame)) for obj in towatch)

    def wait(self, timeout: float | None = -1) -> None:
        """Wait until ``done``; raise NotDone after ``timeout`` seconds (-1 or None: forever).

        libzmq's release of a zero-copy buffer wakes the waiting hub directly (the core's
        release hook); no thread waits on a tracker's behalf.
        """
        if self.done:
            return
        hub = self._hub
        deadline = None if timeout is None or timeout < 0 else monotonic() + timeout
        try:
            wake = hub.waker()
        except OSError:  # no fd left for a wake-up: wait in this thread instead
            return _CoreTracker.wait(self, timeout)
        w = _Waiter()
        _tracker_waits[w] = (self, wake)
        try:
            while not self.done:
                if deadline is not None and monotonic() >= deadline:
                    raise NotDone(f"tracked frames are not done after {timeout:.3f} s")
                until = deadline
                if self._polled:  # Event-like objects: look again every 10 ms, as the core does
                    soon = monotonic() + 0.01
                    until = soon if deadline is None else min(deadline, soon)
                _park(hub, w, until)
        finally:
            del _tracker_waits[w]
            wake.close()


# parked tracker waits: waiter -> (tracker, its hub's waker)
_tracker_waits: dict[_Waiter, tuple[MessageTracker, Any]] = {}


def _on_release() -> None:
    """The core's release hook (any thread, GIL held): wake the waits that are now done."""
    if not _tracker_waits:  # the common case: releases that nobody waits for
        return
    for w, (tracker, wake) in list(_tracker_waits.items()):
        if tracker.done:
            wake.call(_resume, w, _READY)


_set_release_hook(_on_release)


def poll(hub: Hub, sockets: Sequence[tuple[Any, int]], timeout: float | None = None) -> list:
    """zmq_poll parking only the calling greenlet; ``timeout`` in ms (None: forever)."""
    items = [(obj, int(flags)) for obj, flags in sockets]
    return _wait_poll(hub, items, timeout, lambda: zmq_poll(items, 0))


def select(hub: Hub, rlist: Sequence, wlist: Sequence, xlist: Sequence,
           timeout: float | None = None) -> tuple[list, list, list]:
    """select() for zmq sockets and fds, parking only the calling greenlet.

    ``timeout`` is in seconds (None waits forever), as in ``greenzmq.select``.
    """
    flags: dict[Any, int] = {}
    for seq, bit in ((rlist, POLLIN), (wlist, POLLOUT), (xlist, POLLERR)):
        for obj in seq:
            flags[obj] = flags.get(obj, 0) | bit
    items = list(flags.items())
    ms = None if timeout is None or timeout < 0 else timeout * 1000.0
    ready = _wait_poll(hub, items, ms, lambda: zmq_poll(items, 0) if items else [])
    r, w, x = [], [], []
    for obj, ev in ready:
        if ev & POLLIN:
            r.append(obj)
        if ev & POLLOUT:
            w.append(obj)
        if ev & POLLERR:
            x.append(obj)
    return r, w, x


def bind_functions(hub: Hub, module: str) -> tuple[Callable[..., Any], ...]:
    """An adapter's module-level functions, bound to its ``hub``:
    ``zmq_poll, select, device, proxy, proxy_steerable, monitored_queue``."""
    import inspect

    # the devices live with the devices; they use this engine (so: imported here)
    from greenzmq.devices._green import device, monitored_queue, proxy, proxy_steerable

    def bound(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return fn(hub, *args, **kwargs)
        sig = inspect.signature(fn)
        call.__signature__ = sig.replace(parameters=list(sig.parameters.values())[1:])  # type: ignore[attr-defined]
        call.__name__ = call.__qualname__ = name
        call.__doc__, call.__module__ = fn.__doc__, module
        return call

    return tuple(bound(fn, name) for fn, name in (
        (poll, "zmq_poll"), (select, "select"), (device, "device"), (proxy, "proxy"),
        (proxy_steerable, "proxy_steerable"), (monitored_queue, "monitored_queue")))


def public_names(namespace: dict, package: Any) -> list[str]:
    """``__all__`` for an adapter module: greenzmq's public API plus the green overrides."""
    public = {n for n in vars(package) if not n.startswith("_")} | set(__all__)
    public -= {"Hub"}
    return sorted(n for n, v in namespace.items()
                  if n in public and not isinstance(v, types.ModuleType))


# --- the compiled engine ---------------------------------------------------------
#
# setup.py compiles this very file into ``greenzmq._green_c`` (``greenzmq._compiled``).

#: whether the compiled engine runs (the names above are then greenzmq._green_c's)
COMPILED = __name__ == "greenzmq._green" and _compiled.use(globals(), "greenzmq._green_c")
