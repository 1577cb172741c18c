"""ZMQStream: a ZeroMQ socket driven by tornado's IOLoop through callbacks.

The stream registers the socket's ZMQ_FD with ``IOLoop.add_handler(fd, ..., READ)``.
ZMQ_FD is edge-triggered: it signals that the socket has internal commands to
process, and any send, recv or ``ZMQ_EVENTS`` read may consume that signal while
messages are still waiting. So after every operation the stream reads ``ZMQ_EVENTS``
again and, when a direction it cares about is still ready, schedules another round
with ``io_loop.add_callback`` instead of waiting for an edge that will not come.
Each round handles at most one receive and one send, so several streams on one loop
are served fairly.

Example
-------
>>> stream = ZMQStream(sock)                    # doctest: +SKIP
>>> stream.on_recv(lambda msg: stream.send_multipart(msg))  # an echo server
"""
from __future__ import annotations

import inspect
import pickle
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import greenzmq
from greenzmq.constants import EAGAIN, ENOTSOCK, ETERM, EVENTS, FD, NOBLOCK, POLLIN, POLLOUT
from greenzmq.error import ZMQError
from greenzmq.eventloop.ioloop import IOLoop
from greenzmq.utils import jsonapi

from tornado import gen
from tornado.log import gen_log

if TYPE_CHECKING:  # pragma: no cover
    from greenzmq.core._zmq import MessageTracker
    from greenzmq.core.socket import Socket

__all__ = ["ZMQStream", "CallbackError"]

RecvCallback = Callable[[list], Any]
SendCallback = Callable[[list, Any], Any]


class CallbackError(TypeError, AssertionError):
    """A callback that is not callable: a TypeError, and an AssertionError as pyzmq raises."""


def _check_callback(callback: Any, what: str) -> None:
    if callback is not None and not callable(callback):
        raise CallbackError(f"{what} must be callable or None, not {type(callback).__name__}")


class ZMQStream:
    """A socket on tornado's IOLoop: callbacks for received and sent messages.

    Parameters
    ----------
    socket : greenzmq.Socket
        The socket to drive. The stream owns its event registration; do not call
        ``recv`` on it directly while a receive callback is set.
    io_loop : tornado.ioloop.IOLoop, optional
        The loop to run on; default ``IOLoop.current()``.

    Notes
    -----
    The socket's public methods and attributes are reachable through the stream
    (``stream.bind(...)``, ``stream.getsockopt(...)``). A method fetched through the
    stream is cached on it, so ``stream.bind is stream.bind`` and
    ``stream.bind == stream.socket.bind``. ``stream.bind is stream.socket.bind`` cannot
    hold in Python without changing the socket, because every ``socket.bind``
    access builds a new bound-method object.

    Callbacks run on the loop. One that raises is logged on ``tornado.general``
    and the stream goes on; a callback returning an awaitable is scheduled, and
    its exception (if any) is logged the same way.
    """

    socket: "Socket | None"
    io_loop: IOLoop

    def __init__(self, socket: "Socket", io_loop: IOLoop | None = None) -> None:
        if not (hasattr(socket, "recv_multipart") and hasattr(socket, "send_multipart")):
            raise TypeError(f"ZMQStream needs a greenzmq Socket, not {type(socket).__name__}")
        if socket.closed:
            raise ZMQError(ENOTSOCK)
        aio = sys.modules.get("greenzmq.asyncio")
        if aio is not None and isinstance(socket, aio.Socket):
            # its send/recv return Futures: the stream drives a plain socket over the same
            # libzmq socket instead, as pyzmq does
            warnings.warn("ZMQStream needs a plain greenzmq.Socket; using one that shadows "
                          f"the {type(socket).__name__} given", RuntimeWarning, stacklevel=2)
            st = socket._gs
            if st.watching and not st.nwait:
                aio._unwatch_anywhere(st)  # its reader kept between waits: the fd is ours now
            socket = greenzmq.Socket(shadow=socket.underlying)
        self.socket = socket
        # kept after close() so that delegated methods still reach the (closed)
        # socket and raise ENOTSOCK rather than a confusing AttributeError
        self._sock = socket
        self.io_loop = io_loop if io_loop is not None else IOLoop.current()
        self._recv_callback: RecvCallback | None = None
        self._recv_copy = True
        self._send_callback: SendCallback | None = None
        self._err_callback: Callable[[BaseException], Any] | None = None
        self._close_callback: Callable[[], Any] | None = None
        # (parts, flags, copy, track, extra kwargs, per-message callback)
        self._send_queue: deque[tuple[list, int, bool, bool, dict, SendCallback | None]] = deque()
        self._scheduled = False
        probe = getattr(socket, "_events", None)
        self._probe: Callable[[], int] = probe if probe is not None else (
            lambda: socket.getsockopt(EVENTS))
        fileno = getattr(socket, "fileno", None)
        self._fd: int = int(fileno() if fileno is not None else socket.getsockopt(FD))
        self.io_loop.add_handler(self._fd, self._handle_events, IOLoop.READ)

    # ------------------------------------------------------------------ delegation
    def __getattr__(self, name: str) -> Any:
        # only reached for names the stream itself lacks
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            sock = self.__dict__["_sock"]
        except KeyError:  # during __init__ or unpickling: nothing to delegate to
            raise AttributeError(name) from None
        value = getattr(sock, name)
        if callable(value) and getattr(value, "__self__", None) is sock:
            # cache bound methods so repeated access is cheap and gives one object;
            # plain attributes (socket options) stay live
            self.__dict__[name] = value
        return value

    def __dir__(self) -> Iterable[str]:
        names = set(super().__dir__())
        sock = self.__dict__.get("_sock")
        if sock is not None:
            names.update(n for n in dir(sock) if not n.startswith("_"))
        return sorted(names)

    def __repr__(self) -> str:
        state = "closed" if self.socket is None else f"fd={self._fd}"
        return f"<{type(self).__name__} {state} socket={self._sock!r}>"

    # ------------------------------------------------------------------ callbacks
    def on_recv(self, callback: RecvCallback | None, copy: bool = True) -> None:
        """Call ``callback(msg)`` with each message received (a list of frames).

        Parameters
        ----------
        callback : callable or None
            Gets the list ``recv_multipart`` returns; None stops receiving.
        copy : bool
            False delivers :class:`Frame` objects instead of bytes.
        """
        self._check_closed()
        _check_callback(callback, "on_recv callback")
        self._recv_callback = callback
        self._recv_copy = bool(copy)
        self._rebuild_io_state()

    def on_recv_stream(self, callback: Callable[["ZMQStream", list], Any] | None,
                       copy: bool = True) -> None:
        """Like :meth:`on_recv`, but call ``callback(stream, msg)``."""
        _check_callback(callback, "on_recv_stream callback")
        if callback is None:
            self.on_recv(None)
        else:
            self.on_recv(lambda msg: callback(self, msg), copy=copy)

    def on_send(self, callback: SendCallback | None) -> None:
        """Call ``callback(msg, status)`` after each queued message is sent.

        ``msg`` is the list of parts that was sent; ``status`` is what
        ``send_multipart`` returned (a MessageTracker with ``track=True``, else None),
        or the exception if the send failed. A ``callback`` given to one
        :meth:`send` call replaces this one for that message only.
        """
        self._check_closed()
        _check_callback(callback, "on_send callback")
        self._send_callback = callback

    def on_send_stream(self, callback: Callable[["ZMQStream", list, Any], Any] | None) -> None:
        """Like :meth:`on_send`, but call ``callback(stream, msg, status)``."""
        _check_callback(callback, "on_send_stream callback")
        if callback is None:
            self.on_send(None)
        else:
            self.on_send(lambda msg, status: callback(self, msg, status))

    def on_err(self, callback: Callable[[BaseException], Any] | None) -> None:
        """Call ``callback(exc)`` when a send or receive fails with a ZMQError.

        Without an error callback such errors are logged on ``tornado.general``.
        (pyzmq's ``on_err`` had become a no-op; here it reports real failures.)
        """
        self._check_closed()
        _check_callback(callback, "on_err callback")
        self._err_callback = callback

    def stop_on_recv(self) -> None:
        """Stop receiving (drop the receive callback)."""
        self.on_recv(None)

    def stop_on_send(self) -> None:
        """Drop the send callback."""
        self.on_send(None)

    def stop_on_err(self) -> None:
        """Drop the error callback."""
        self.on_err(None)

    def set_close_callback(self, callback: Callable[[], Any] | None) -> None:
        """Call ``callback()`` once, when the stream is closed."""
        _check_callback(callback, "close callback")
        self._close_callback = callback

    # ------------------------------------------------------------------ sending
    def send(self, msg: Any, flags: int = 0, copy: bool = True, track: bool = False,
             callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Queue a one-part message; it is sent from the loop.

        Parameters
        ----------
        msg : bytes-like or Frame
            The message (``str`` is refused: use :meth:`send_string`).
        flags, copy, track
            As for ``Socket.send``; NOBLOCK is always added.
        callback : callable, optional
            ``callback(msg, status)`` for this message instead of the ``on_send`` one.
        """
        if isinstance(msg, str):
            raise TypeError("str messages are not allowed: use send_string() or encode them")
        self.send_multipart([msg], flags=flags, copy=copy, track=track, callback=callback,
                            **kwargs)

    def send_multipart(self, msg_parts: Iterable[Any], flags: int = 0, copy: bool = True,
                       track: bool = False, callback: SendCallback | None = None,
                       **kwargs: Any) -> None:
        """Queue a multipart message; it is sent from the loop.

        Parameters are as for :meth:`send`, with ``msg_parts`` a sequence of frames.
        Queued messages are sent in order; a message still queued when the stream
        is closed is dropped (call ``flush(POLLOUT)`` first to push them out).
        """
        self._check_closed()
        if isinstance(msg_parts, (str, bytes, bytearray, memoryview)) or not isinstance(
                msg_parts, Iterable):
            raise TypeError("send_multipart expects a sequence of frames, "
                            f"not {type(msg_parts).__name__}")
        parts = list(msg_parts)
        if not parts:
            raise ValueError("cannot send an empty multipart message")
        for part in parts:
            if isinstance(part, str):
                raise TypeError("str frames are not allowed: encode them to bytes")
        if not isinstance(flags, int):
            raise TypeError(f"flags must be an int, not {type(flags).__name__}")
        _check_callback(callback, "send callback")
        self._send_queue.append((parts, flags, bool(copy), bool(track), kwargs, callback))
        self._rebuild_io_state()

    def send_string(self, u: str, flags: int = 0, encoding: str = "utf-8",
                    callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Queue a str, encoded with ``encoding``."""
        if not isinstance(u, str):
            raise TypeError(f"send_string expects a str, not {type(u).__name__}")
        self.send(u.encode(encoding), flags=flags, callback=callback, **kwargs)

    send_unicode = send_string

    def send_json(self, obj: Any, flags: int = 0, callback: SendCallback | None = None,
                  **kwargs: Any) -> None:
        """Queue ``obj`` as JSON (UTF-8)."""
        self.send(jsonapi.dumps(obj), flags=flags, callback=callback, **kwargs)

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = pickle.DEFAULT_PROTOCOL,
                   callback: SendCallback | None = None, **kwargs: Any) -> None:
        """Queue ``obj`` pickled with ``protocol``."""
        self.send(pickle.dumps(obj, protocol), flags=flags, callback=callback, **kwargs)

    # ------------------------------------------------------------------ state
    def receiving(self) -> bool:
        """True while a receive callback is set."""
        return self._recv_callback is not None

    def sending(self) -> bool:
        """True while messages wait in the send queue."""
        return bool(self._send_queue)

    def closed(self) -> bool:
        """True once the stream (or its socket) is closed."""
        sock = self.socket
        if sock is None:
            return True
        if sock.closed:
            # closed behind our back (socket.close(), context term): clean up
            self.close()
            return True
        return False

    def close(self, linger: int | None = None) -> None:
        """Unregister from the loop, close the socket and run the close callback.

        Parameters
        ----------
        linger : int, optional
            Passed to ``socket.close``; None keeps the socket's LINGER.
        """
        sock = self.socket
        if sock is None:
            return
        self.socket = None
        if sock.closed:
            warnings.warn(f"Unregistering FD {self._fd} after closing socket: another file "
                          "may have that number by now (close the stream first)",
                          RuntimeWarning, stacklevel=2)
        # unregister before closing: once closed, the fd number may be reused
        try:
            self.io_loop.remove_handler(self._fd)
        except (OSError, ValueError, RuntimeError, KeyError):
            pass  # loop already closed: nothing left to unregister
        if not sock.closed:
            sock.close(linger=linger)
        self._send_queue.clear()
        self._recv_callback = self._send_callback = self._err_callback = None
        callback, self._close_callback = self._close_callback, None
        if callback is not None:
            self._run_callback(callback)

    def flush(self, flag: int = POLLIN | POLLOUT, limit: int | None = None) -> int:
        """Handle pending messages now, without waiting for the loop.

        Received messages go to the receive callback (or are dropped when none is
        set); queued messages are sent. Stops when nothing matching ``flag`` is
        ready or after ``limit`` messages.

        Parameters
        ----------
        flag : int
            POLLIN, POLLOUT or both.
        limit : int, optional
            Most messages to handle, sends and receives together; None (or 0, as
            in pyzmq) for no limit.

        Returns
        -------
        int
            How many messages were handled.
        """
        self._check_closed()
        if not isinstance(flag, int) or isinstance(flag, bool):
            raise TypeError(f"flag must be an int, not {type(flag).__name__}")
        if flag & ~(POLLIN | POLLOUT):
            raise ValueError(f"flag must be a combination of POLLIN and POLLOUT, not {flag!r}")
        if limit is not None:
            if not isinstance(limit, int) or isinstance(limit, bool):
                raise TypeError(f"limit must be an int or None, not {type(limit).__name__}")
            if limit < 0:
                raise ValueError(f"limit must be >= 0, not {limit}")
            if limit == 0:
                limit = None
        count = 0
        while limit is None or count < limit:
            if self.socket is None:
                break
            try:
                events = self._probe()
            except ZMQError as exc:
                self._handle_error(exc)
                break
            progress = False
            if flag & POLLIN and events & POLLIN:
                if self._handle_recv():
                    count += 1
                    progress = True
                if self.socket is None or (limit is not None and count >= limit):
                    break
            if flag & POLLOUT and events & POLLOUT and self._send_queue:
                if self._handle_send():
                    count += 1
                    progress = True
            if not progress:
                break
        if self.socket is not None:
            self._rebuild_io_state()
        return count

    # ------------------------------------------------------------------ internals
    def _check_closed(self) -> None:
        if self.closed():
            raise OSError("Stream is closed")

    def _handle_events(self, fd: Any, events: int) -> None:
        # called by the loop when ZMQ_FD turns readable, and by _run_scheduled
        sock = self.socket
        if sock is None:
            return
        if sock.closed:
            # closed behind our back (a shadow's original closed, say), as pyzmq logs it
            gen_log.warning("Got events for stream %r attached to closed socket", self)
            self.close()
            return
        try:
            zevents = self._probe()
        except ZMQError as exc:
            self._handle_error(exc)
            return
        if zevents & POLLIN and self._recv_callback is not None:
            self._handle_recv()
            if self.socket is None:
                return
        if zevents & POLLOUT and self._send_queue:
            self._handle_send()
            if self.socket is None:
                return
        self._rebuild_io_state()

    def _run_scheduled(self) -> None:
        self._scheduled = False
        self._handle_events(self._fd, 0)

    def _rebuild_io_state(self) -> None:
        state = 0
        if self._recv_callback is not None:
            state |= POLLIN
        if self._send_queue:
            state |= POLLOUT
        self._update_handler(state)

    def _update_handler(self, state: int) -> None:
        # The fd may already have been drained by our last operation (edge
        # trigger): ask the socket directly and schedule a round if work is ready.
        if not state or self._scheduled or self.socket is None:
            return
        try:
            ready = self._probe() & state
        except ZMQError as exc:
            self._handle_error(exc)
            return
        if ready:
            self._scheduled = True
            self.io_loop.add_callback(self._run_scheduled)

    def _handle_recv(self) -> bool:
        sock = self.socket
        assert sock is not None  # callers return first when the stream is closed
        try:
            msg = sock.recv_multipart(NOBLOCK, copy=self._recv_copy)
        except ZMQError as exc:
            if exc.errno != EAGAIN:
                self._handle_error(exc)
            return False
        callback = self._recv_callback
        if callback is not None:
            self._run_callback(callback, msg)
        return True

    def _handle_send(self) -> bool:
        item = self._send_queue.popleft()
        parts, flags, copy, track, kwargs, callback = item
        sock = self.socket
        assert sock is not None  # callers return first when the stream is closed
        status: MessageTracker | Exception | None
        try:
            status = sock.send_multipart(parts, flags | NOBLOCK, copy=copy, track=track,
                                         **kwargs)
        except ZMQError as exc:
            if exc.errno == EAGAIN:
                # not ready after all (HWM reached between probe and send): keep order
                self._send_queue.appendleft(item)
                return False
            status = exc
            self._handle_error(exc)
        except (TypeError, ValueError) as exc:  # a bad frame: report it, keep going
            status = exc
            gen_log.error("ZMQStream could not send %r", parts, exc_info=True)
        callback = callback if callback is not None else self._send_callback
        if callback is not None:
            self._run_callback(callback, parts, status)
        return True

    def _handle_error(self, exc: ZMQError) -> None:
        callback = self._err_callback
        if callback is not None:
            self._run_callback(callback, exc)
        else:
            gen_log.error("ZMQStream %r: %s", self, exc)
        if exc.errno in (ETERM, ENOTSOCK):
            # the socket is unusable: stop watching it
            self.close()

    def _run_callback(self, callback: Callable[..., Any], *args: Any) -> None:
        try:
            result = callback(*args)
        except Exception:  # noqa: BLE001 - a callback's error is logged, the stream lives on
            gen_log.error("Uncaught exception in ZMQStream callback %r", callback,
                          exc_info=True)
            return
        # a coroutine callback: run it, and log its failure like a plain callback's
        if result is not None and (inspect.isawaitable(result) or gen.is_future(result)):
            self.io_loop.add_future(gen.convert_yielded(result), _log_future_exception)


def _log_future_exception(future: Any) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        gen_log.error("Uncaught exception in ZMQStream callback (a coroutine)",
                      exc_info=(type(exc), exc, exc.__traceback__))

