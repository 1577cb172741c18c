"""One face over the three ways to run greenzmq: OS threads, gevent, eventlet.

The reliability cases are written once against this face; ``get(name)`` picks the
implementation.  Only the hub that is asked for is imported, so a subprocess that runs an
eventlet case never loads gevent and the other way round.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable


class Handle:
    """A spawned task (thread or greenlet): join(timeout) -> bool, get(timeout)."""

    def __init__(self, hub: "Base", fn: Callable[..., Any], args: tuple) -> None:
        self.value: Any = None
        self.exception: BaseException | None = None
        self._done = hub.event()
        self._hub = hub
        hub._start(self._run, fn, args)

    def _run(self, fn: Callable[..., Any], args: tuple) -> None:
        try:
            self.value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to get() in the caller
            self.exception = exc
        finally:
            self._done.set()

    def join(self, timeout: float | None = None) -> bool:
        return self._hub.wait_event(self._done, timeout)

    def get(self, timeout: float | None = 60.0) -> Any:
        if not self.join(timeout):
            raise RuntimeError(f"task did not finish within {timeout} s")
        if self.exception is not None:
            raise self.exception
        return self.value


class Base:
    name = "base"
    zmq: Any = None

    def spawn(self, fn: Callable[..., Any], *args: Any) -> Handle:
        return Handle(self, fn, args)

    def event(self) -> Any:
        raise NotImplementedError

    def wait_event(self, ev: Any, timeout: float | None) -> bool:
        return bool(ev.wait(timeout))

    def _start(self, fn: Callable[..., Any], *args: Any) -> None:
        raise NotImplementedError

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Threads(Base):
    name = "threads"

    def __init__(self) -> None:
        import greenzmq

        self.zmq = greenzmq

    def event(self) -> Any:
        return threading.Event()

    def _start(self, fn: Callable[..., Any], *args: Any) -> None:
        threading.Thread(target=fn, args=args, daemon=True).start()


class Gevent(Base):
    name = "gevent"

    def __init__(self) -> None:
        import gevent
        import gevent.event

        import greenzmq.green_gevent

        self._gevent = gevent
        self._Event = gevent.event.Event
        self.zmq = greenzmq.green_gevent

    def event(self) -> Any:
        return self._Event()

    def _start(self, fn: Callable[..., Any], *args: Any) -> None:
        self._gevent.spawn(fn, *args)

    def sleep(self, seconds: float) -> None:
        self._gevent.sleep(seconds)


class Eventlet(Base):
    name = "eventlet"

    def __init__(self) -> None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # eventlet's deprecation notice
            import eventlet
            import eventlet.event

            import greenzmq.green_eventlet
        self._eventlet = eventlet
        self.zmq = greenzmq.green_eventlet

    def event(self) -> Any:
        return _EventletEvent(self._eventlet)

    def wait_event(self, ev: Any, timeout: float | None) -> bool:
        return ev.wait(timeout)

    def _start(self, fn: Callable[..., Any], *args: Any) -> None:
        self._eventlet.spawn(fn, *args)

    def sleep(self, seconds: float) -> None:
        self._eventlet.sleep(seconds)


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


def get(name: str) -> Base:
    """The hub face called ``name`` ("threads", "gevent" or "eventlet")."""
    return {"threads": Threads, "gevent": Gevent, "eventlet": Eventlet}[name]()
