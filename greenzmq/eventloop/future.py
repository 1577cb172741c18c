"""Sockets whose I/O returns Futures, for coroutines on tornado's IOLoop.

pyzmq's ``zmq.eventloop.future``: ``msg = await sock.recv_multipart()``. tornado's
Future is asyncio's, so these sockets work in plain asyncio coroutines too.

How it works: an operation is tried at once with NOBLOCK. On EAGAIN it joins a FIFO
queue for its direction and the socket's ZMQ_FD is watched on the loop. ZMQ_FD is
edge-triggered (any send, recv or EVENTS read may swallow its signal), so ZMQ_EVENTS
is read again right after queueing and after every operation, and queued operations
run for as long as the socket says it is ready. RCVTIMEO and SNDTIMEO apply to queued
operations (they fail with :class:`~greenzmq.error.Again`); closing the socket fails
pending ones with ``ZMQError(ENOTSOCK)``.

Use a socket from the loop's thread only, and do not wrap it in a ZMQStream too
(both would register the same fd).
"""
from __future__ import annotations

import asyncio
import pickle
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import greenzmq
from greenzmq.constants import EAGAIN, ENOTSOCK, NOBLOCK, POLLIN, POLLOUT, RCVTIMEO, SNDTIMEO
from greenzmq.core.poll import Poller as _Poller
from greenzmq.error import Again, ZMQError
from greenzmq.eventloop.ioloop import IOLoop
from greenzmq.utils import jsonapi

__all__ = ["Context", "Socket", "Poller", "CancelledError"]

#: what awaiting a cancelled operation raises (its futures are asyncio's; pyzmq's name)
CancelledError = asyncio.CancelledError

_base_send = greenzmq.Socket.send
_base_send_multipart = greenzmq.Socket.send_multipart
_base_recv = greenzmq.Socket.recv
_base_recv_multipart = greenzmq.Socket.recv_multipart


class _Op:
    """One queued operation: ``method(sock, *args, flags=flags | NOBLOCK, **kwargs)``."""

    __slots__ = ("future", "method", "args", "kwargs", "flags", "timer")

    def __init__(self, future: asyncio.Future, method: Callable[..., Any] | None,
                 args: tuple, kwargs: dict, flags: int) -> None:
        self.future = future
        self.method = method  # None for a poll: flags are then the events awaited
        self.args = args
        self.kwargs = kwargs
        self.flags = flags
        self.timer: asyncio.TimerHandle | None = None


def _chain(source: asyncio.Future, convert: Callable[[Any], Any]) -> asyncio.Future:
    """A future for ``convert(source.result())``; cancelling it cancels ``source``."""
    result = source.get_loop().create_future()

    def done(f: asyncio.Future) -> None:
        if result.done():
            return
        if f.cancelled():
            result.cancel()
        elif f.exception() is not None:
            result.set_exception(f.exception())
        else:
            try:
                result.set_result(convert(f.result()))
            except Exception as exc:  # a decoding error belongs to the awaiting caller
                result.set_exception(exc)

    source.add_done_callback(done)
    result.add_done_callback(lambda r: source.cancel() if r.cancelled() else None)
    return result


class Socket(greenzmq.Socket):
    """A socket whose send/recv/poll methods return Futures.

    Parameters are those of ``Context.socket``, plus ``io_loop`` (default: the
    current IOLoop when the first operation waits).
    """

    io_loop: IOLoop | None

    def __init__(self, *args: Any, io_loop: IOLoop | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.io_loop = io_loop
        self._recv_ops: deque[_Op] = deque()
        self._send_ops: deque[_Op] = deque()
        self._poll_ops: list[_Op] = []
        self._watched_fd: int | None = None

    # ------------------------------------------------------------------ I/O
    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
             **kwargs: Any) -> asyncio.Future:
        """Send one frame; the Future gives None, or a MessageTracker with track=True."""
        return self._submit(self._send_ops, _base_send, (data,), dict(copy=copy, track=track,
                                                                       **kwargs), flags, SNDTIMEO)

    def send_multipart(self, msg_parts: Sequence[Any], flags: int = 0, copy: bool = True,
                       track: bool = False, **kwargs: Any) -> asyncio.Future:
        """Send a multipart message (atomically: frames of two sends never mix)."""
        return self._submit(self._send_ops, _base_send_multipart, (msg_parts,),
                            dict(copy=copy, track=track, **kwargs), flags, SNDTIMEO)

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> asyncio.Future:
        """Receive one frame; the Future gives bytes (a Frame with copy=False)."""
        return self._submit(self._recv_ops, _base_recv, (), dict(copy=copy, track=track),
                            flags, RCVTIMEO)

    def recv_multipart(self, flags: int = 0, copy: bool = True,
                       track: bool = False) -> asyncio.Future:
        """Receive a whole multipart message as a list."""
        return self._submit(self._recv_ops, _base_recv_multipart, (),
                            dict(copy=copy, track=track), flags, RCVTIMEO)

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> asyncio.Future:
        """Receive a frame decoded as text."""
        return _chain(self.recv(flags), lambda b: b.decode(encoding))

    recv_unicode = recv_string

    def recv_json(self, flags: int = 0, **kwargs: Any) -> asyncio.Future:
        """Receive a JSON document."""
        return _chain(self.recv(flags), lambda b: jsonapi.loads(b, **kwargs))

    def recv_pyobj(self, flags: int = 0) -> asyncio.Future:
        """Receive a pickled object (never from peers you do not trust)."""
        return _chain(self.recv(flags), pickle.loads)

    def recv_serialized(self, deserialize: Callable[[list], Any], flags: int = 0,
                        copy: bool = True) -> asyncio.Future:
        """Receive a multipart message and give ``deserialize(frames)``."""
        return _chain(self.recv_multipart(flags, copy), deserialize)

    # send_string/send_json/send_pyobj/send_serialized are inherited: they call
    # self.send / self.send_multipart and so return Futures already

    def poll(self, timeout: float | None = None, flags: int = POLLIN) -> asyncio.Future:
        """A Future for the events in ``flags`` that become ready within ``timeout`` ms.

        None (or a negative timeout) waits forever; on timeout the result is 0.
        """
        future = self._new_future()
        if self.closed:
            future.set_exception(ZMQError(ENOTSOCK))
            return future
        ready = self._events() & flags
        if ready or timeout == 0:
            future.set_result(ready)
            return future
        op = _Op(future, None, (), {}, flags)
        self._poll_ops.append(op)
        if timeout is not None and timeout > 0:
            op.timer = future.get_loop().call_later(timeout / 1000, _resolve, future, 0)
        future.add_done_callback(lambda f: self._forget(self._poll_ops, op))
        self._wait()
        return future

    def close(self, linger: int | None = None) -> None:
        """Close the socket; operations still pending fail with ZMQError(ENOTSOCK)."""
        if self.closed:
            return
        pending = [*self._recv_ops, *self._send_ops, *self._poll_ops]
        self._recv_ops.clear()
        self._send_ops.clear()
        self._poll_ops.clear()
        self._unwatch()  # before closing: the fd number may be reused afterwards
        super().close(linger=linger)
        for op in pending:
            if op.timer is not None:
                op.timer.cancel()
            _fail_threadsafe(op.future, ZMQError(ENOTSOCK))

    # ------------------------------------------------------------------ engine
    def _new_future(self) -> asyncio.Future:
        if self.io_loop is None:
            self.io_loop = IOLoop.current()
        return self.io_loop.asyncio_loop.create_future()

    def _submit(self, queue: deque[_Op], method: Callable[..., Any], args: tuple,
                kwargs: dict, flags: int, timeout_option: int) -> asyncio.Future:
        future = self._new_future()
        if self.closed:
            future.set_exception(ZMQError(ENOTSOCK))
            return future
        if flags & NOBLOCK or not queue:  # FIFO: never overtake queued operations
            try:
                result = method(self, *args, flags=flags | NOBLOCK, **kwargs)
            except Again as exc:
                if flags & NOBLOCK:
                    future.set_exception(exc)
                    return future
            except Exception as exc:  # bad input or a libzmq error: the caller's to see
                future.set_exception(exc)
                return future
            else:
                future.set_result(result)
                if self._recv_ops or self._send_ops or self._poll_ops:
                    self._process()  # our call may have swallowed the fd's signal
                return future
        op = _Op(future, method, args, kwargs, flags)
        queue.append(op)
        timeout = self.getsockopt(timeout_option)
        if timeout >= 0:
            op.timer = future.get_loop().call_later(timeout / 1000, _fail, future,
                                                    ZMQError(EAGAIN))
        future.add_done_callback(lambda f: self._forget(queue, op))
        self._wait()
        return future

    def _wait(self) -> None:
        # watch the fd, then look at EVENTS once: the signal may already be gone
        if self._watched_fd is None:
            fd = self.fileno()
            self.io_loop.add_handler(fd, self._on_fd, IOLoop.READ)
            self._watched_fd = fd
        self._process()

    def _unwatch(self) -> None:
        fd, self._watched_fd = self._watched_fd, None
        if fd is not None and self.io_loop is not None:
            try:
                self.io_loop.remove_handler(fd)
            except (OSError, ValueError, RuntimeError, KeyError):
                pass  # the loop is already closed

    def _on_fd(self, fd: Any, events: int) -> None:
        self._process()

    def _process(self) -> None:
        """Run queued operations while the socket is ready for them."""
        while not self.closed:
            try:
                events = self._events()
            except ZMQError as exc:  # context terminated under us
                self._fail_all(exc)
                return
            progress = False
            if events & POLLIN and self._recv_ops:
                progress |= self._run_head(self._recv_ops)
            if events & POLLOUT and self._send_ops:
                progress |= self._run_head(self._send_ops)
            if events and self._poll_ops:
                for op in [op for op in self._poll_ops if events & op.flags]:
                    progress |= _resolve(op.future, events & op.flags)
            if not progress:
                return

    def _run_head(self, queue: deque[_Op]) -> bool:
        op = queue[0]
        if op.future.done():  # cancelled or timed out; its callback has not run yet
            queue.popleft()
            return True
        try:
            result = op.method(self, *op.args, flags=op.flags | NOBLOCK, **op.kwargs)
        except Again:
            return False
        except Exception as exc:
            queue.popleft()
            op.future.set_exception(exc)
            return True
        queue.popleft()
        op.future.set_result(result)
        return True

    def _forget(self, ops: deque[_Op] | list[_Op], op: _Op) -> None:
        # done callback of every queued future: drop its timer and its queue entry
        if op.timer is not None:
            op.timer.cancel()
        try:
            ops.remove(op)
        except ValueError:
            pass  # already taken off by _run_head or close()

    def _fail_all(self, exc: BaseException) -> None:
        for ops in (self._recv_ops, self._send_ops, self._poll_ops):
            while ops:
                _fail(ops.pop().future, exc)


def _resolve(future: asyncio.Future, value: Any) -> bool:
    if future.done():
        return False
    future.set_result(value)
    return True


def _fail(future: asyncio.Future, exc: BaseException) -> bool:
    if future.done():
        return False
    future.set_exception(exc)
    return True


def _fail_threadsafe(future: asyncio.Future, exc: BaseException) -> None:
    # close() may come from another thread (Context.term): hand over to the loop
    loop = future.get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop or not loop.is_running():
        _fail(future, exc)
    elif not loop.is_closed():
        loop.call_soon_threadsafe(_fail, future, exc)


class Context(greenzmq.Context):
    """A Context whose sockets are :class:`Socket` (Future-returning)."""

    _socket_class = Socket


class Poller(_Poller):
    """A Poller whose :meth:`poll` returns a Future of ``[(socket, events)]``."""

    def poll(self, timeout: float | None = None) -> asyncio.Future:  # type: ignore[override]
        """Wait up to ``timeout`` ms (None: forever) for any registered item."""
        loop = IOLoop.current()
        return asyncio.ensure_future(self._poll(loop, timeout), loop=loop.asyncio_loop)

    async def _poll(self, io_loop: IOLoop, timeout: float | None) -> list[tuple[Any, int]]:
        aloop = io_loop.asyncio_loop
        deadline = None if timeout is None or timeout < 0 else aloop.time() + timeout / 1000
        while True:
            ready = _Poller.poll(self, 0)
            remaining = None if deadline is None else max(0.0, deadline - aloop.time())
            if ready or remaining == 0:
                return ready
            wake = aloop.create_future()
            waiters: list[asyncio.Future] = []
            fds: list[int] = []
            try:
                for item, flags in self.sockets:
                    if isinstance(item, Socket):
                        waiter = item.poll(None, flags)
                        waiter.add_done_callback(lambda f: _resolve(wake, None))
                        waiters.append(waiter)
                    else:
                        # a plain socket or fd: its fd is readable when something
                        # changed; zmq_poll above and at the next round does the rest
                        fd = item.fileno() if hasattr(item, "fileno") else int(item)
                        mask = IOLoop.READ if isinstance(item, greenzmq.Socket) else (
                            (IOLoop.READ if flags & POLLIN else 0)
                            | (IOLoop.WRITE if flags & POLLOUT else 0))
                        io_loop.add_handler(fd, lambda *a: _resolve(wake, None), mask)
                        fds.append(fd)
                await asyncio.wait([wake], timeout=remaining)
            finally:
                for waiter in waiters:
                    waiter.cancel()
                for fd in fds:
                    io_loop.remove_handler(fd)
                wake.cancel()
