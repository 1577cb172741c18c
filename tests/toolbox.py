"""The one test toolbox: hubs (threads, gevent, eventlet) behind one face, and socket pairs.

A plain module, so subprocess scripts (``reliability/scripts``, ``green/scripts``) import it
as well as the fixtures in ``conftest.py`` do. Only the hub that is asked for is imported:
a subprocess running an eventlet case never loads gevent and the other way round.

- ``pair(ctx, a_type, b_type, transport, **options)``: ``a`` binds, ``b`` connects, both
  with the options set first (HWMs must be set before the connection exists).
- ``get(name)``: the hub called ``name`` ("threads", "gevent" or "eventlet"; ``Asyncio``
  for greenzmq.asyncio); its ``zmq`` is the module of that way to run, ``spawn`` starts a
  task, ``context()`` and ``pair()`` make sockets that ``teardown()`` destroys, with
  whatever the test spawned.
- ``AuthLink``: a monitored tcp link that checks what an authenticator decided.
"""
from __future__ import annotations

import atexit
import itertools
import os
import resource
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

TESTS = os.path.dirname(os.path.abspath(__file__))
HUBS = ("threads", "gevent", "eventlet")
GREEN_HUBS = ("gevent", "eventlet")

_names = itertools.count()
_ipc_dir: list[str] = []


def _ipc_path() -> str:
    """A fresh ipc:// endpoint in this process's own temp dir (removed at exit)."""
    if not _ipc_dir:
        _ipc_dir.append(tempfile.mkdtemp(prefix="gzmq-test-"))
        atexit.register(_remove_ipc_dir, os.getpid())
    return "ipc://%s/%d" % (_ipc_dir[0], next(_names))


def _remove_ipc_dir(owner: int) -> None:
    if os.getpid() == owner:  # a forked child's exit must not take its parent's paths
        shutil.rmtree(_ipc_dir[0], True)


def endpoint(transport: str = "inproc") -> str:
    """A fresh endpoint to bind: unique inproc name, ipc path in a temp dir, or tcp with a
    wildcard port (bind() picks it; read ``LAST_ENDPOINT`` to connect)."""
    if transport == "inproc":
        return "inproc://toolbox-%d-%d" % (os.getpid(), next(_names))
    if transport == "ipc":
        return _ipc_path()
    if transport == "tcp":
        return "tcp://127.0.0.1:*"
    raise ValueError(f"unknown transport {transport!r}")


def pair(ctx: Any, a_type: int, b_type: int, transport: str = "inproc",
         **options: Any) -> tuple[Any, Any]:
    """Sockets ``a`` (bound) and ``b`` (connected to it) of ``ctx``.

    ``options`` (attribute names: ``linger=0``, ``sndhwm=1``) are set on both sockets
    before bind/connect. The sockets close with their context.
    """
    a, b = ctx.socket(a_type), ctx.socket(b_type)
    for s in (a, b):
        for name, value in options.items():
            setattr(s, name, value)
    a.bind(endpoint(transport))
    b.connect(a.last_endpoint)
    return a, b


def env(**extra: str) -> dict[str, str]:
    """os.environ with tests/ first on PYTHONPATH: a child Python can ``import toolbox``."""
    path = os.pathsep.join(p for p in (TESTS, os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def cpu_time() -> float:
    """User + system CPU seconds of this whole process (libzmq IO threads included)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def torture_count(default: int) -> int:
    """Message count for torture tests: GREENZMQ_TORTURE_N overrides (the full run: 100000)."""
    raw = os.environ.get("GREENZMQ_TORTURE_N")
    return int(raw) if raw else default


class AuthLink:
    """A PULL server and a PUSH client over tcp, with the client's handshakes monitored:
    ``assert_accepted()`` / ``assert_refused()`` check what an authenticator decided.

    ``server_opts``/``client_opts`` map option numbers to values (mechanism, keys, ZAP
    domain). With a ``ticker`` (``Hub.ticker()``), an accepted link also waits 100 ms for
    stray messages, and every such quiet wait checks that the hub ran during it (a poll
    that blocked the hub lets the ticker tick 0 times).
    """

    POLL_MS = 5000

    def __init__(self, ctx: Any, server_opts: dict | None = None,
                 client_opts: dict | None = None, ticker: Ticker | None = None) -> None:
        import greenzmq

        self.ticker = ticker
        self.server, self.client = ctx.socket(greenzmq.PULL), ctx.socket(greenzmq.PUSH)
        for s in (self.server, self.client):
            s.linger = 0
        # a refused client may retry: let it do so quickly, within the test's window
        self.client.reconnect_ivl = 20
        for opt, val in (server_opts or {}).items():
            self.server.setsockopt(opt, val)
        for opt, val in (client_opts or {}).items():
            self.client.setsockopt(opt, val)
        self.server.bind(endpoint("tcp"))
        self.monitor = self.client.get_monitor_socket(
            greenzmq.EVENT_HANDSHAKE_SUCCEEDED | greenzmq.EVENT_HANDSHAKE_FAILED_AUTH
            | greenzmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL | greenzmq.EVENT_HANDSHAKE_FAILED_PROTOCOL)
        self.client.connect(self.server.last_endpoint)

    def handshake(self) -> dict:
        from greenzmq.utils.monitor import recv_monitor_message

        assert self.monitor.poll(self.POLL_MS), "no handshake result within 5 s"
        return recv_monitor_message(self.monitor)

    def assert_quiet(self, ms: int) -> None:
        """Nothing arrives at the server within ``ms`` (and the hub ran meanwhile)."""
        before = self.ticker.count if self.ticker else 0
        assert self.server.poll(ms) == 0
        if self.ticker:
            assert self.ticker.count > before, "the hub did not run during a green poll"

    def assert_accepted(self) -> Any:
        """The handshake succeeded and a message goes through; returns it (a Frame)."""
        import greenzmq

        ev = self.handshake()
        assert ev["event"] == greenzmq.EVENT_HANDSHAKE_SUCCEEDED, ev
        self.client.send(b"hello")
        assert self.server.poll(self.POLL_MS), "accepted client's message never arrived"
        msg = self.server.recv(copy=False)
        assert msg.bytes == b"hello"
        if self.ticker:
            self.assert_quiet(100)  # nothing else is on the way, and the hub ran meanwhile
        return msg

    def assert_refused(self) -> None:
        import greenzmq

        ev = self.handshake()
        # libzmq 4.3: the server's ZAP refusal (status 400) comes back as an ERROR
        # command, which the client reports as an authentication failure
        assert ev["event"] == greenzmq.EVENT_HANDSHAKE_FAILED_AUTH, ev
        assert ev["value"] == 400
        try:
            self.client.send(b"must not arrive", greenzmq.NOBLOCK)
        except greenzmq.Again:
            pass
        self.assert_quiet(250)
        try:
            self.server.recv(greenzmq.NOBLOCK)
        except greenzmq.Again:
            return
        raise AssertionError("a refused client's message arrived")

    def close(self) -> None:
        self.client.disable_monitor()
        for s in (self.monitor, self.client, self.server):
            s.close(linger=0)


class Handle:
    """A spawned task (thread or greenlet): join(timeout), get(timeout), kill(), dead."""

    def __init__(self, hub: Hub, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        self._hub = hub
        self._done = hub.event()
        self.value: Any = None
        self.exception: BaseException | None = None
        self._task = hub._start(self._run, fn, args, kwargs)

    def _run(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            self.value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to get() in the caller
            self.exception = exc
        finally:
            self._done.set()

    @property
    def dead(self) -> bool:
        return self._done.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the task to end; True when it did within ``timeout``."""
        return bool(self._done.wait(timeout))

    def get(self, timeout: float | None = 5.0) -> Any:
        """The task's return value; re-raises its exception; AssertionError on timeout."""
        if not self.join(timeout):
            raise AssertionError(f"task did not finish within {timeout} s")
        if self.exception is not None:
            raise self.exception
        return self.value

    def kill(self) -> None:
        """Kill the greenlet (GreenletExit inside it) and wait until it is gone."""
        if not self._done.is_set():
            self._hub._kill(self)


class Ticker:
    """A task that counts hub turns; proves the hub was not frozen by a call."""

    def __init__(self, hub: Hub, interval: float = 0.01) -> None:
        self.interval = interval
        self.count = 0
        self.max_gap = 0.0
        self._hub = hub
        self._running = True
        self._handle = hub.spawn(self._loop)

    def _loop(self) -> None:
        last = time.monotonic()
        while self._running:
            self._hub.sleep(self.interval)
            now = time.monotonic()
            self.max_gap = max(self.max_gap, now - last)
            last = now
            self.count += 1

    def reset(self) -> None:
        self.count = 0
        self.max_gap = 0.0

    def stop(self) -> None:
        self._running = False
        self._handle.kill()


class Hub:
    """One way to run greenzmq, and what a test made with it (destroyed by teardown)."""

    name = "base"
    zmq: Any = None
    Timeout: Any = None

    cpu_time = staticmethod(cpu_time)
    torture_count = staticmethod(torture_count)

    def __init__(self) -> None:
        self._handles: list[Handle] = []
        self._contexts: list[Any] = []
        self._closers: list[Callable[[], None]] = []
        self._ctx: Any = None

    # -- primitives (per hub) ------------------------------------------------------------
    def _start(self, fn: Callable[..., Any], *args: Any) -> Any:
        raise NotImplementedError

    def _kill(self, handle: Handle) -> None:
        pass  # a thread ends on its own; teardown's destroy() wakes one blocked in zmq

    def event(self) -> Any:
        """An Event with threading.Event's set/is_set/wait(timeout) -> bool."""
        raise NotImplementedError

    def sleep(self, seconds: float = 0) -> None:
        time.sleep(seconds)

    # -- conveniences --------------------------------------------------------------------
    def spawn(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Handle:
        h = Handle(self, fn, args, kwargs)
        self._handles.append(h)
        return h

    def run(self, fn: Callable[..., Any], *args: Any, timeout: float = 30.0) -> Any:
        """Run ``fn`` in a fresh task and return its result (re-raising its error)."""
        return self.spawn(fn, *args).get(timeout)

    def context(self, **defaults: Any) -> Any:
        """A Context of this hub, destroyed (linger 0) at teardown.

        Its sockets default to LINGER 0 so that a failing test cannot hang teardown in
        term(); tests about lingering set LINGER on their sockets explicitly.
        """
        ctx = self.zmq.Context()
        defaults.setdefault("linger", 0)
        for k, v in defaults.items():
            setattr(ctx, k, v)
        self._contexts.append(ctx)
        return ctx

    @property
    def ctx(self) -> Any:
        """The hub's default context (made on first use, like ``context()``)."""
        if self._ctx is None:
            self._ctx = self.context()
        return self._ctx

    def pair(self, a_type: int, b_type: int, transport: str = "inproc", *,
             ctx: Any = None, **options: Any) -> tuple[Any, Any]:
        """``pair()`` on ``ctx`` (default: ``self.ctx``)."""
        return pair(ctx if ctx is not None else self.ctx, a_type, b_type, transport, **options)

    def socketpair(self) -> tuple[socket.socket, socket.socket]:
        a, b = socket.socketpair()
        self._closers.append(a.close)
        self._closers.append(b.close)
        return a, b

    def ticker(self, interval: float = 0.01) -> Ticker:
        t = Ticker(self, interval)
        self._closers.append(t.stop)
        return t

    @contextmanager
    def ticking(self, interval: float = 0.01) -> Iterator[Ticker]:
        """Count ticks of a ticker task while the body runs."""
        t = self.ticker(interval)
        self.sleep(interval * 2)  # let it start before the body blocks
        t.reset()
        try:
            yield t
        finally:
            t.stop()

    def teardown(self) -> None:
        for h in reversed(self._handles):
            try:
                h.kill()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        for close in reversed(self._closers):
            try:
                close()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        for ctx in self._contexts:
            try:
                if not ctx.closed:
                    ctx.destroy(linger=0)
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass


class Threads(Hub):
    """OS threads and plain greenzmq: a task is a daemon thread (kill() does nothing)."""

    name = "threads"

    def __init__(self) -> None:
        super().__init__()
        import greenzmq

        self.zmq = greenzmq

    def _start(self, fn: Callable[..., Any], *args: Any) -> Any:
        t = threading.Thread(target=fn, args=args, daemon=True)
        t.start()
        return t

    def event(self) -> Any:
        return threading.Event()


class _Green(Hub):
    """What gevent and eventlet share: greenlets can be killed."""

    def _kill(self, handle: Handle) -> None:
        self._raw_kill(handle._task)
        if not handle._done.is_set():
            # killed before it ever ran: the wrapper never started
            import greenlet

            handle.exception = greenlet.GreenletExit()
            handle._done.set()

    def _raw_kill(self, task: Any) -> None:
        raise NotImplementedError


class Gevent(_Green):
    name = "gevent"

    def __init__(self) -> None:
        super().__init__()
        import gevent
        import gevent.event

        import greenzmq.green_gevent

        self._gevent = gevent
        self._Event = gevent.event.Event
        self.zmq = greenzmq.green_gevent
        self.Timeout = gevent.Timeout

    def _start(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._gevent.spawn(fn, *args)

    def _raw_kill(self, task: Any) -> None:
        task.kill(block=True, timeout=5)

    def event(self) -> Any:
        return self._Event()

    def sleep(self, seconds: float = 0) -> None:
        self._gevent.sleep(seconds)


class _EventletEvent:
    """eventlet's one-shot Event with threading.Event's set/is_set/wait(timeout)."""

    def __init__(self, eventlet: Any) -> None:
        self._eventlet = eventlet
        self._ev = eventlet.event.Event()

    def set(self) -> None:
        if not self._ev.ready():
            self._ev.send(True)

    def is_set(self) -> bool:
        return bool(self._ev.ready())

    def wait(self, timeout: float | None = None) -> bool:
        if not self._ev.ready():
            with self._eventlet.Timeout(timeout, False):
                self._ev.wait()
        return bool(self._ev.ready())


class Eventlet(_Green):
    name = "eventlet"

    def __init__(self) -> None:
        super().__init__()
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # eventlet's deprecation notice
            import eventlet
            import eventlet.event

            import greenzmq.green_eventlet
        self._eventlet = eventlet
        self.zmq = greenzmq.green_eventlet
        self.Timeout = eventlet.Timeout

    def _start(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._eventlet.spawn(fn, *args)

    def _raw_kill(self, task: Any) -> None:
        task.kill()

    def event(self) -> Any:
        return _EventletEvent(self._eventlet)

    def sleep(self, seconds: float = 0) -> None:
        self._eventlet.sleep(seconds)


class Asyncio(Hub):
    """greenzmq.asyncio on one loop of ``kind`` ("asyncio", or "uvloop" when installed):
    ``run(coro_fn, *args)`` runs a coroutine function there; tasks are the loop's own."""

    def __init__(self, kind: str = "asyncio") -> None:
        super().__init__()
        import greenzmq.asyncio

        self.name = kind
        self.zmq = self.zaio = greenzmq.asyncio
        self.loop = self.fresh_loop()

    def fresh_loop(self) -> Any:
        """Another loop of this kind (for a thread of its own)."""
        if self.name == "uvloop":
            import uvloop

            return uvloop.new_event_loop()
        import asyncio

        return asyncio.new_event_loop()

    def run(self, fn: Callable[..., Any], *args: Any, timeout: float = 10) -> Any:
        import asyncio

        return self.loop.run_until_complete(asyncio.wait_for(fn(*args), timeout))

    def teardown(self) -> None:
        super().teardown()
        self.loop.close()


def get(name: str) -> Hub:
    """The hub called ``name`` ("threads", "gevent" or "eventlet"; a "+patch" suffix, the
    monkey-patched run, is the same hub)."""
    return {"threads": Threads, "gevent": Gevent, "eventlet": Eventlet}[name.split("+")[0]]()
