"""Devices: a zmq device run in the foreground, in a real OS thread, or in a child process.

A device records how its sockets are to be made (types, options, binds, connects) and makes
them where it runs, because a libzmq socket belongs to the thread (or process) using it.
"""
from __future__ import annotations

import atexit
import errno as _errno
import multiprocessing
import multiprocessing.connection
import os
import random
import select
import socket as _pysocket
import sys
from typing import Any, Callable

from greenzmq.constants import (
    BACKLOG,
    ENOTSOCK,
    ETERM,
    FORWARDER,
    IPV6,
    QUEUE,
    STREAMER,
    USE_FD,
    SocketType,
)
from greenzmq.core._zmq import device
from greenzmq.core.context import Context
from greenzmq.error import ZMQBindError, ZMQError

__all__ = ["Device", "BackgroundDevice", "ThreadDevice", "ProcessDevice"]

_EINVAL = _errno.EINVAL
_DEVICE_TYPES = (QUEUE, FORWARDER, STREAMER)


def _check_socket_type(value: Any, what: str, allow_negative: bool = False) -> int:
    """Return value as an int socket type, or raise a clear error now (not in the device)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a socket type (int), not {type(value).__name__}")
    if allow_negative and value < 0:
        return int(value)
    if value not in SocketType._value2member_map_:
        raise ZMQError(_EINVAL, f"{what}: {value} is not a libzmq socket type")
    return int(value)


def _check_addr(addr: Any) -> str:
    if isinstance(addr, bytes):
        addr = addr.decode("utf-8")
    if not isinstance(addr, str):
        raise TypeError(f"address must be str, not {type(addr).__name__}")
    return addr


class _Reserved:
    """A tcp listening socket made by the caller, handed to libzmq with ZMQ_USE_FD.

    The port is held from bind_*_to_random_port() until libzmq owns the socket, so nothing
    else can take it in between.
    """

    __slots__ = ("addr", "sock")

    def __init__(self, addr: str, sock: _pysocket.socket) -> None:
        self.addr = addr
        self.sock: _pysocket.socket | None = sock

    def __repr__(self) -> str:
        return f"<reserved {self.addr}>"

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _reserve_tcp_port(
    addr: str, min_port: int, max_port: int, max_tries: int, sockopts: list, default_range: bool
) -> _Reserved:
    if not addr.startswith("tcp://"):
        raise ZMQError(_EINVAL, f"random ports need a tcp:// address, not {addr!r}")
    host = addr[len("tcp://"):]
    bracketed = host.startswith("[") and host.endswith("]")
    if not host or (":" in host and not bracketed):
        raise ZMQError(_EINVAL, f"give only the host (IPv6 in brackets), no port: {addr!r}")
    want_v6 = any(opt == IPV6 and value for opt, value in sockopts)
    if host == "*":
        family = _pysocket.AF_INET6 if want_v6 else _pysocket.AF_INET
        sockaddr_host = "::" if want_v6 else "0.0.0.0"
    else:
        name = host[1:-1] if bracketed else host
        # like libzmq: a name means IPv4 unless the socket has ZMQ_IPV6 set
        families = [_pysocket.AF_INET]
        if want_v6 or bracketed:
            families.insert(0, _pysocket.AF_INET6)
        info = None
        for fam in families:
            try:
                info = _pysocket.getaddrinfo(
                    name, 0, fam, _pysocket.SOCK_STREAM, 0, _pysocket.AI_PASSIVE
                )
                break
            except (OSError, UnicodeError) as e:
                problem = e
        if not info:
            raise ZMQError(
                _errno.ENODEV, f"cannot resolve {name!r} in {addr!r}: {problem}"
            ) from None
        family, sockaddr_host = info[0][0], str(info[0][4][0])
    backlog = 100  # libzmq's default ZMQ_BACKLOG
    for opt, value in sockopts:
        if opt == BACKLOG:
            backlog = int(value)
    sock = _pysocket.socket(family, _pysocket.SOCK_STREAM)
    try:
        # as libzmq does for its own listeners
        sock.setsockopt(_pysocket.SOL_SOCKET, _pysocket.SO_REUSEADDR, 1)
        if family == _pysocket.AF_INET6 and host == "*":
            sock.setsockopt(_pysocket.IPPROTO_IPV6, _pysocket.IPV6_V6ONLY, 0)
        if default_range:
            sock.bind((sockaddr_host, 0))
        else:
            for _ in range(max_tries):
                try:
                    sock.bind((sockaddr_host, random.randrange(min_port, max_port)))
                    break
                except OSError as e:
                    if e.errno not in (_errno.EADDRINUSE, _errno.EACCES):
                        raise
            else:
                raise ZMQBindError("Could not bind socket to random port.")
        sock.listen(backlog)
        # libzmq accepts on readiness; a non-blocking fd cannot stall its IO thread
        sock.setblocking(False)
    except OSError as e:
        sock.close()
        raise ZMQError(e.errno or _EINVAL, f"cannot bind {addr!r}: {e.strerror or e}") from None
    except BaseException:
        sock.close()
        raise
    port = sock.getsockname()[1]
    shown = f"[{sockaddr_host}]" if family == _pysocket.AF_INET6 else sockaddr_host
    if host == "*":
        shown = "*"
    return _Reserved(f"tcp://{shown}:{port}", sock)


class _Signal:
    """A one-shot event that a thread sets and anyone waits on, green or not.

    Waiting is ``select`` on a pipe, looked up at call time: after gevent or eventlet
    monkey patching it parks only the calling greenlet, otherwise it blocks the thread.
    """

    def __init__(self) -> None:
        self._r, self._w = os.pipe()
        self._set = False

    def set(self) -> None:
        if not self._set:
            self._set = True
            os.write(self._w, b"x")

    def is_set(self) -> bool:
        return self._set

    def fileno(self) -> int:
        return self._r

    def wait(self, timeout: float | None = None) -> bool:
        if not self._set:
            _wait_readable([self._r], timeout)
        return self._set

    def close(self) -> None:
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._r = self._w = -1

    def __del__(self) -> None:
        if getattr(self, "_r", -1) >= 0:
            try:
                self.close()
            except (TypeError, AttributeError):  # interpreter shutdown: os is gone
                pass


def _wait_readable(fds: list[int], timeout: float | None) -> None:
    # looked up at call time, so monkey patching makes it green; poll has no FD_SETSIZE
    # limit, and eventlet's patching removes it in favour of its green select
    poll = getattr(select, "poll", None)
    if poll is None:
        select.select(fds, [], [], timeout)
        return
    poller = poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    poller.poll(None if timeout is None else max(0.0, timeout) * 1000.0)


def _wait_any(signals: list[_Signal], timeout: float | None = None) -> None:
    if not any(s.is_set() for s in signals):
        _wait_readable([s.fileno() for s in signals], timeout)


class Device:
    """A zmq device between two sockets, run in the calling thread by ``start()``.

    Parameters
    ----------
    device_type : int
        QUEUE, FORWARDER or STREAMER (libzmq forwards the same way for all three; any
        other int is accepted and forwards the same way too, as in pyzmq).
    in_type, out_type : int
        Socket types of the two ends. ``out_type < 0`` uses one socket for both ends.

    Attributes
    ----------
    daemon : bool
        For background devices: the thread or process does not keep the interpreter alive.
    context_factory : callable
        Makes the context the device's sockets live in (called where the device runs).
    done : bool
        True once the device has stopped.
    """

    context_factory: Callable[[], Any] = Context.instance
    daemon: bool = True

    def __init__(
        self, device_type: int = QUEUE, in_type: int | None = None, out_type: int | None = None
    ) -> None:
        # pyzmq accepts any int here (libzmq forwards the same way whatever the type), and
        # pyzmq's own tests pass e.g. ThreadDevice(PULL, PUSH, -1): only the type is checked
        if isinstance(device_type, bool) or not isinstance(device_type, int):
            raise TypeError(f"device_type must be an int, not {type(device_type).__name__}")
        if in_type is None:
            raise TypeError("in_type must be specified")
        if out_type is None:
            raise TypeError("out_type must be specified")
        self.device_type = int(device_type)
        self.in_type = _check_socket_type(in_type, "in_type")
        self.out_type = _check_socket_type(out_type, "out_type", allow_negative=True)
        self._in_binds: list[str | _Reserved] = []
        self._in_connects: list[str] = []
        self._in_sockopts: list[tuple[int, Any]] = []
        self._out_binds: list[str | _Reserved] = []
        self._out_connects: list[str] = []
        self._out_sockopts: list[tuple[int, Any]] = []
        self._context: Any = None
        self._sockets: list[Any] = []
        self.done = False
        self._started = False
        self._ready = _Signal()
        self._done = _Signal()
        self._error: BaseException | None = None

    # -- recording the socket setup -----------------------------------------------------

    def bind_in(self, addr: str) -> None:
        """Enqueue an address for the in socket to bind (see Socket.bind)."""
        self._in_binds.append(_check_addr(addr))

    def bind_out(self, addr: str) -> None:
        """Enqueue an address for the out socket to bind (see Socket.bind)."""
        self._out_binds.append(_check_addr(addr))

    def connect_in(self, addr: str) -> None:
        """Enqueue an address for the in socket to connect to (see Socket.connect)."""
        self._in_connects.append(_check_addr(addr))

    def connect_out(self, addr: str) -> None:
        """Enqueue an address for the out socket to connect to (see Socket.connect)."""
        self._out_connects.append(_check_addr(addr))

    def setsockopt_in(self, opt: int, value: Any) -> None:
        """Enqueue a socket option for the in socket (applied before binds and connects)."""
        self._in_sockopts.append((opt, value))

    def setsockopt_out(self, opt: int, value: Any) -> None:
        """Enqueue a socket option for the out socket (applied before binds and connects)."""
        self._out_sockopts.append((opt, value))

    def _reserve(
        self, binds: list, sockopts: list, addr: str, min_port: int, max_port: int, max_tries: int
    ) -> int:
        addr = _check_addr(addr)
        default_range = (min_port, max_port) == (49152, 65536)
        res = _reserve_tcp_port(addr, min_port, max_port, max_tries, sockopts, default_range)
        binds.append(res)
        assert res.sock is not None  # just made
        return res.sock.getsockname()[1]

    def bind_in_to_random_port(
        self, addr: str, min_port: int = 49152, max_port: int = 65536, max_tries: int = 100
    ) -> int:
        """Bind the in socket to a random tcp port of ``addr``; return the port.

        The port is held by a listening socket from now on and given to libzmq when the
        device makes its sockets, so no other program can take it in between.
        """
        return self._reserve(self._in_binds, self._in_sockopts, addr, min_port, max_port, max_tries)

    def bind_out_to_random_port(
        self, addr: str, min_port: int = 49152, max_port: int = 65536, max_tries: int = 100
    ) -> int:
        """Bind the out socket to a random tcp port of ``addr``; return the port."""
        return self._reserve(
            self._out_binds, self._out_sockopts, addr, min_port, max_port, max_tries
        )

    # -- running --------------------------------------------------------------------------

    def _configure(self, sock: Any, sockopts: list, binds: list, connects: list) -> None:
        for opt, value in sockopts:
            sock.setsockopt(opt, value)
        for addr in binds:
            if isinstance(addr, _Reserved):
                if addr.sock is None:
                    raise ZMQError(_EINVAL, f"{addr.addr} was already used by an earlier run")
                fd = addr.sock.detach()
                addr.sock = None
                try:
                    sock.setsockopt(USE_FD, fd)
                except BaseException:
                    os.close(fd)
                    raise
                # libzmq owns fd from here (it closes it with the socket)
                try:
                    sock.bind(addr.addr)
                finally:
                    sock.setsockopt(USE_FD, -1)
            else:
                sock.bind(addr)
        for addr in connects:
            sock.connect(addr)

    def _make_socket(self, socket_type: int) -> Any:
        sock = self._context.socket(socket_type)
        self._sockets.append(sock)
        return sock

    def _setup_sockets(self) -> tuple[Any, Any]:
        self._context = self.context_factory()
        ins = self._make_socket(self.in_type)
        outs = ins if self.out_type < 0 else self._make_socket(self.out_type)
        self._configure(ins, self._in_sockopts, self._in_binds, self._in_connects)
        if outs is not ins:
            self._configure(outs, self._out_sockopts, self._out_binds, self._out_connects)
        else:
            self._configure(ins, self._out_sockopts, self._out_binds, self._out_connects)
        return ins, outs

    def _notify_setup_done(self) -> None:
        """Tell start() that the sockets are made; called right before the device loop."""
        self._ready.set()

    def run_device(self) -> None:
        """Make the sockets and run the device loop (returns when the context ends)."""
        ins, outs = self._setup_sockets()
        self._notify_setup_done()
        device(self.device_type if self.device_type in _DEVICE_TYPES else QUEUE, ins, outs)

    def _close_sockets(self) -> None:
        for sock in self._sockets:
            try:
                sock.close()
            except ZMQError:
                pass
        self._sockets = []
        self._close_reserved()

    def _reserved_lists(self) -> list:
        return [self._in_binds, self._out_binds]

    def _close_reserved(self) -> None:
        for binds in self._reserved_lists():
            for addr in binds:
                if isinstance(addr, _Reserved):
                    addr.close()

    def run(self) -> None:
        """Run the device here; it ends quietly when its context is terminated."""
        try:
            self.run_device()
        except ZMQError as e:
            if e.errno not in (ETERM, ENOTSOCK):
                raise
        finally:
            self.done = True
            self._close_sockets()
            self._finish()

    def _finish(self) -> None:
        # a foreground device is done as run() returns; background ones signal it
        # after storing the error for the caller (see BackgroundDevice._run_captured)
        self._done.set()

    def start(self) -> None:
        """Run the device in the calling thread (blocks until it stops)."""
        self._mark_started()
        self.run()

    def _mark_started(self) -> None:
        if self._started:
            raise RuntimeError("a device can be started only once")
        self._started = True

    def join(self, timeout: float | None = None) -> None:
        """Wait until the device stops, at most ``timeout`` seconds."""
        self._done.wait(timeout)


class BackgroundDevice(Device):
    """A device that runs in the background; ``start()`` returns once its sockets are made.

    ``start()`` raises the error the device hit while making its sockets (a bad address, a
    bad option); ``join()`` raises an error that stopped it later (other than the context
    ending). A subclass that overrides ``run_device`` calls ``self._notify_setup_done()``
    once its sockets are ready (until then, or until the device stops, start() waits).
    """

    launcher: Any = None

    def _finish(self) -> None:
        pass

    def _launch(self) -> None:  # pragma: no cover - subclasses define how
        raise NotImplementedError

    def start(self) -> None:
        """Start the device and wait until its sockets are set up.

        Raises
        ------
        ZMQError
            The device could not make, configure, bind or connect its sockets.
        """
        self._mark_started()
        self._launch()
        self._wait_setup()

    def _wait_setup(self) -> None:
        while not (self._ready.is_set() or self._done.is_set()):
            _wait_any([self._ready, self._done])
        if not self._ready.is_set():
            self._raise_error(f"{type(self).__name__} stopped while making its sockets")

    def _raise_error(self, fallback: str | None = None) -> None:
        err, self._error = self._error, None
        if err is not None:
            raise err
        if fallback is not None:
            raise RuntimeError(fallback)

    def join(self, timeout: float | None = None) -> None:
        """Wait until the device stops, at most ``timeout`` seconds.

        Raises the error that stopped the device, if any (once).
        """
        if self.launcher is None:
            raise RuntimeError("the device was not started")
        self.launcher.join(timeout)
        if self._done.is_set():
            self._raise_error()

    def _run_captured(self) -> None:
        try:
            self.run()
        except BaseException as e:  # noqa: BLE001 - handed to start()/join() in the caller
            self._error = e
        finally:
            self.done = True
            self._done.set()

    def __getstate__(self) -> dict:
        # what a spawned child needs: the recipe, not this process's runtime state
        state = self.__dict__.copy()
        for key in ("launcher", "_ready", "_done", "_conn"):
            state.pop(key, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._ready = _Signal()
        self._done = _Signal()


def _original_start_new_thread() -> Callable:
    """``_thread.start_new_thread`` as it was before any gevent or eventlet monkey patching."""
    patcher = sys.modules.get("eventlet.patcher")
    if patcher is not None and patcher.is_monkey_patched("thread"):
        return patcher.original("_thread").start_new_thread
    gmonkey = sys.modules.get("gevent.monkey")
    if gmonkey is not None:
        # the saved original if gevent patched _thread, else the current (real) one
        return gmonkey.get_original("_thread", "start_new_thread")
    import _thread

    return _thread.start_new_thread


class _OSThread:
    """A real OS thread, whatever monkey patching did to ``threading``.

    ``join()`` waits on a pipe with ``select``, so after patching it parks one greenlet
    instead of freezing the hub.
    """

    def __init__(self, target: Callable[[], None], daemon: bool, name: str) -> None:
        self._target = target
        self.daemon = daemon
        self.name = name
        self.ident: int | None = None
        self._finished = _Signal()

    def start(self) -> None:
        self.ident = _original_start_new_thread()(self._bootstrap, ())
        if not self.daemon:
            atexit.register(self.join)

    def _bootstrap(self) -> None:
        try:
            self._target()
        finally:
            self._finished.set()
            if not self.daemon:
                atexit.unregister(self.join)

    def is_alive(self) -> bool:
        return self.ident is not None and not self._finished.is_set()

    def join(self, timeout: float | None = None) -> None:
        if self.ident is None:
            raise RuntimeError("cannot join a thread before it is started")
        self._finished.wait(timeout)


class ThreadDevice(BackgroundDevice):
    """A device in a real OS thread (also after gevent or eventlet monkey patching).

    Its sockets live in ``Context.instance()`` unless ``context_factory`` says otherwise.
    """

    def _launch(self) -> None:
        self.launcher = _OSThread(self._run_captured, self.daemon, f"{type(self).__name__}")
        self.launcher.start()


class ProcessDevice(BackgroundDevice):
    """A device in a child process (``multiprocessing``), with its own new Context."""

    context_factory: Callable[[], Any] = Context
    #: multiprocessing start method; None uses multiprocessing's default
    start_method: str | None = None

    def _launch(self) -> None:
        mp = multiprocessing.get_context(self.start_method)
        recv_end, send_end = mp.Pipe(duplex=False)
        self._conn = recv_end
        proc = mp.Process(  # type: ignore[attr-defined]  # typeshed's BaseContext lacks it
target=self._child_main, args=(send_end,), daemon=self.daemon)
        self.launcher = proc
        proc.start()
        send_end.close()
        # the child holds its own copies of reserved ports now
        self._close_reserved()

    def _child_main(self, conn: Any) -> None:
        self._child_conn = conn
        err = None
        try:
            self.run()
        except BaseException as e:  # noqa: BLE001 - reported to the parent process
            err = e
        finally:
            self._report(("done", err))
            conn.close()

    def _report(self, msg: tuple) -> None:
        try:
            self._child_conn.send(msg)
        except (TypeError, AttributeError, ValueError, ImportError):  # unpicklable error
            self._child_conn.send((msg[0], RuntimeError(repr(msg[1]))))
        except OSError:
            pass  # the parent is gone: nobody to tell

    def _notify_setup_done(self) -> None:
        if getattr(self, "_child_conn", None) is not None:
            self._report(("ready", None))
        else:
            super()._notify_setup_done()

    def _poll_reports(self, timeout: float | None) -> None:
        """Read what the child said; sets the ready/done signals (EOF means it died)."""
        conn = getattr(self, "_conn", None)
        if conn is None or conn.closed:
            return
        if not multiprocessing.connection.wait([conn], timeout):
            return
        try:
            kind, err = conn.recv()
        except (EOFError, OSError):
            conn.close()
            self.done = True
            self._done.set()
            return
        if kind == "ready":
            self._ready.set()
        else:
            if err is not None:
                self._error = err
            conn.close()
            self.done = True
            self._done.set()

    def _wait_setup(self) -> None:
        while not (self._ready.is_set() or self._done.is_set()):
            self._poll_reports(None)
        if not self._ready.is_set():
            self.launcher.join(5)
            self._raise_error(
                f"{type(self).__name__} process exited while making its sockets "
                f"(exit code {self.launcher.exitcode})"
            )

    def join(self, timeout: float | None = None) -> None:
        """Wait until the device process exits, at most ``timeout`` seconds.

        Raises the error that stopped the device, if any (once). A process killed by a
        signal just ends; see ``launcher.exitcode``.
        """
        if self.launcher is None:
            raise RuntimeError("the device was not started")
        self.launcher.join(timeout)
        if self.launcher.exitcode is not None:
            # the child is gone: read what it said; EOF (or silence) means it is done
            for _ in range(3):
                if self._done.is_set():
                    break
                self._poll_reports(0.1)
            self.done = True
            self._done.set()
            self._raise_error()
