"""Shared fixtures for the green (gevent / eventlet) tests.

Every test body takes the ``hub`` fixture, which is parametrised over both hubs, so the
same promise is checked once per hub (one body, two hubs: the promises are the same).
Tests run in the main greenlet: gevent and eventlet both switch to their hub from there on the first
cooperative call, so no explicit "run inside the hub" wrapper is needed; ``hub.run`` exists
for symmetry and for the rare body that must run in a spawned greenlet.
"""
from __future__ import annotations

import importlib
import os
import resource
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

HUBS = ("gevent", "eventlet")


def cpu_time() -> float:
    """User + system CPU seconds of this whole process (libzmq IO threads included)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Handle:
    """A spawned greenlet with a hub-neutral face: join(timeout), get(timeout), kill()."""

    def __init__(self, hub: "Hub", fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        self._hub = hub
        self._done = hub.Event()
        self.value: Any = None
        self.exception: BaseException | None = None
        self._g = hub._raw_spawn(self._run, fn, args, kwargs)

    def _run(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            self.value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - recorded so get() re-raises it in the test
            self.exception = exc
        finally:
            self._done.set()

    @property
    def dead(self) -> bool:
        return self._done.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the greenlet to end; True when it did within ``timeout``."""
        return self._done.wait(timeout)

    def get(self, timeout: float | None = 5.0) -> Any:
        """The greenlet's return value; re-raises its exception; AssertionError on timeout."""
        if not self.join(timeout):
            raise AssertionError(f"greenlet did not finish within {timeout} s")
        if self.exception is not None:
            raise self.exception
        return self.value

    def kill(self) -> None:
        """Kill the greenlet (GreenletExit inside it) and wait until it is gone."""
        if self._done.is_set():
            return
        self._hub._raw_kill(self._g)
        if not self._done.is_set():
            # killed before it ever ran: the wrapper never started
            import greenlet

            self.exception = greenlet.GreenletExit()
            self._done.set()


class Ticker:
    """A greenlet that counts hub turns; proves the hub was not frozen by a call."""

    def __init__(self, hub: "Hub", interval: float = 0.01) -> None:
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
    """The little per-hub toolbox the green tests share."""

    name: str
    zmq: Any  # greenzmq.green_gevent or greenzmq.green_eventlet
    Timeout: type[BaseException]

    def __init__(self, name: str) -> None:
        self.name = name
        self._handles: list[Handle] = []
        self._contexts: list[Any] = []
        self._closers: list[Callable[[], None]] = []

    # -- hub primitives (set by subclasses) --------------------------------------------
    def _raw_spawn(self, fn: Callable[..., Any], *args: Any) -> Any:
        raise NotImplementedError

    def _raw_kill(self, g: Any) -> None:
        raise NotImplementedError

    def sleep(self, seconds: float = 0) -> None:
        raise NotImplementedError

    def Event(self) -> Any:  # noqa: N802 - mirrors gevent.event.Event
        raise NotImplementedError

    # -- conveniences --------------------------------------------------------------------
    def spawn(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Handle:
        h = Handle(self, fn, args, kwargs)
        self._handles.append(h)
        return h

    def run(self, fn: Callable[..., Any], *args: Any, timeout: float = 30.0) -> Any:
        """Run ``fn`` in a fresh greenlet and return its result (re-raising its error)."""
        return self.spawn(fn, *args).get(timeout)

    cpu_time = staticmethod(cpu_time)

    @staticmethod
    def torture_count(default: int) -> int:
        """Message count for torture tests: GREENZMQ_TORTURE_N overrides (the full run: 100000)."""
        raw = os.environ.get("GREENZMQ_TORTURE_N")
        return int(raw) if raw else default

    def ticker(self, interval: float = 0.01) -> Ticker:
        t = Ticker(self, interval)
        self._closers.append(t.stop)
        return t

    def context(self, **defaults: Any) -> Any:
        """A green Context destroyed (linger 0) at teardown.

        Its sockets default to LINGER 0 so that a failing test cannot hang teardown in
        term(); tests about lingering set LINGER on their sockets explicitly.
        """
        ctx = self.zmq.Context()
        defaults.setdefault("linger", 0)
        for k, v in defaults.items():
            setattr(ctx, k, v)
        self._contexts.append(ctx)
        return ctx

    def socketpair(self) -> tuple[socket.socket, socket.socket]:
        a, b = socket.socketpair()
        self._closers.append(a.close)
        self._closers.append(b.close)
        return a, b

    @contextmanager
    def ticking(self, interval: float = 0.01) -> Iterator[Ticker]:
        """Count ticks of a ticker greenlet while the body runs."""
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
            except Exception:  # noqa: BLE001
                pass
        for ctx in self._contexts:
            try:
                if not ctx.closed:
                    ctx.destroy(linger=0)
            except Exception:  # noqa: BLE001
                pass


class GeventHub(Hub):
    def __init__(self) -> None:
        super().__init__("gevent")
        import gevent
        import gevent.event

        self._gevent = gevent
        self.zmq = importlib.import_module("greenzmq.green_gevent")
        self.Timeout = gevent.Timeout

    def _raw_spawn(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._gevent.spawn(fn, *args)

    def _raw_kill(self, g: Any) -> None:
        g.kill(block=True, timeout=5)

    def sleep(self, seconds: float = 0) -> None:
        self._gevent.sleep(seconds)

    def Event(self) -> Any:  # noqa: N802
        import gevent.event

        return gevent.event.Event()


class _EventletEvent:
    """gevent.event.Event's face over eventlet.event.Event."""

    def __init__(self) -> None:
        import eventlet.event

        self._ev = eventlet.event.Event()

    def set(self) -> None:
        if not self._ev.ready():
            self._ev.send(True)

    def is_set(self) -> bool:
        return self._ev.ready()

    def wait(self, timeout: float | None = None) -> bool:
        if not self._ev.ready():
            self._ev.wait(timeout)
        return self._ev.ready()


class EventletHub(Hub):
    def __init__(self) -> None:
        super().__init__("eventlet")
        import eventlet

        self._eventlet = eventlet
        self.zmq = importlib.import_module("greenzmq.green_eventlet")
        self.Timeout = eventlet.Timeout

    def _raw_spawn(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._eventlet.spawn(fn, *args)

    def _raw_kill(self, g: Any) -> None:
        g.kill()

    def sleep(self, seconds: float = 0) -> None:
        self._eventlet.sleep(seconds)

    def Event(self) -> Any:  # noqa: N802
        return _EventletEvent()


_HUB_CLASSES = {"gevent": GeventHub, "eventlet": EventletHub}


@pytest.fixture(params=HUBS)
def hub(request: pytest.FixtureRequest) -> Iterator[Hub]:
    """A per-hub toolbox; the green module is ``hub.zmq``."""
    pytest.importorskip(request.param)
    h = _HUB_CLASSES[request.param]()
    try:
        yield h
    finally:
        h.teardown()

