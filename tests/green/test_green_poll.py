"""Green Poller, select and Socket.poll: zmq sockets and plain fds mixed, honest timeouts,
no busy loop (eventlet#573; the green Poller and select keep their timeouts)."""
from __future__ import annotations

import time

import pytest


def _norm(items) -> dict:
    """Poll results keyed by zmq socket or by fd: pyzmq reports plain sockets by fileno."""
    out = {}
    for obj, ev in items:
        if hasattr(obj, "fileno") and not hasattr(obj, "getsockopt_string"):
            obj = obj.fileno()
        out[obj] = ev
    return out


def _fds(objs) -> list:
    return sorted(
        (o if isinstance(o, int) or hasattr(o, "getsockopt_string") else o.fileno() for o in objs),
        key=lambda o: (not isinstance(o, int), o if isinstance(o, int) else id(o)),
    )


def _later(hub, delay: float, fn, *args) -> None:
    def run() -> None:
        hub.sleep(delay)
        fn(*args)

    hub.spawn(run)


@pytest.mark.timeout(10)
def test_poller_timeout_is_honest_and_idle(hub):
    zmq = hub.zmq
    pull, _ = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    a, _b = hub.socketpair()
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    poller.register(a, zmq.POLLIN)
    with hub.ticking() as t:
        c0 = hub.cpu_time()
        t0 = time.monotonic()
        assert poller.poll(500) == []
        elapsed = time.monotonic() - t0
        cpu = hub.cpu_time() - c0
    assert 0.45 <= elapsed < 1.5, f"poll(500) took {elapsed:.3f} s"
    assert cpu < 0.15 * elapsed, f"poll(500) burnt {cpu:.3f} s CPU: a busy loop"
    assert t.count >= 10, f"hub frozen in Poller.poll: {t.count} ticks"


@pytest.mark.timeout(10)
def test_poller_zero_timeout_returns_at_once(hub):
    zmq = hub.zmq
    pull, _ = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    a, _b = hub.socketpair()
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    poller.register(a.fileno(), zmq.POLLIN)
    t0 = time.monotonic()
    assert poller.poll(0) == []
    assert time.monotonic() - t0 < 0.1


@pytest.mark.timeout(10)
def test_poller_wakes_on_plain_fd(hub):
    zmq = hub.zmq
    pull, _ = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    a, b = hub.socketpair()
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    poller.register(a, zmq.POLLIN)
    _later(hub, 0.1, b.send, b"fd data")
    t0 = time.monotonic()
    events = _norm(poller.poll(5000))
    assert time.monotonic() - t0 < 1.0
    assert events == {a.fileno(): zmq.POLLIN}
    assert a.recv(100) == b"fd data"


@pytest.mark.timeout(10)
def test_poller_wakes_on_zmq_socket(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    a, _b = hub.socketpair()
    poller = zmq.Poller()
    poller.register(a.fileno(), zmq.POLLIN)
    poller.register(pull, zmq.POLLIN)
    _later(hub, 0.1, push.send, b"zmq data")
    t0 = time.monotonic()
    events = _norm(poller.poll(5000))
    assert time.monotonic() - t0 < 1.0
    assert events == {pull: zmq.POLLIN}
    assert pull.recv(zmq.NOBLOCK) == b"zmq data"


@pytest.mark.timeout(10)
def test_poller_none_timeout_waits_until_ready(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    _later(hub, 0.3, push.send, b"x")
    with hub.ticking() as t:
        assert dict(poller.poll()) == {pull: zmq.POLLIN}
    assert t.count >= 5


@pytest.mark.timeout(10)
def test_poller_reports_both_kinds_ready(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    a, b = hub.socketpair()
    push.send(b"ready")
    b.send(b"ready")
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    poller.register(a, zmq.POLLIN)
    poller.register(push, zmq.POLLOUT)
    deadline = time.monotonic() + 2
    got: dict = {}
    while len(got) < 3 and time.monotonic() < deadline:
        got.update(_norm(poller.poll(500)))
    assert got == {pull: zmq.POLLIN, a.fileno(): zmq.POLLIN, push: zmq.POLLOUT}


@pytest.mark.timeout(10)
def test_poller_many_greenlets_parked_on_one_socket(hub):
    """Several greenlets polling the same socket all wake when it becomes readable."""
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")

    def waiter() -> list:
        poller = zmq.Poller()
        poller.register(pull, zmq.POLLIN)
        return poller.poll(5000)

    waiters = [hub.spawn(waiter) for _ in range(5)]
    hub.sleep(0.05)
    push.send(b"wake all")
    for w in waiters:
        assert w.get(2) == [(pull, zmq.POLLIN)]


@pytest.mark.timeout(10)
def test_select_mixed_timeout_and_readiness(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    a, b = hub.socketpair()
    c0 = hub.cpu_time()
    t0 = time.monotonic()
    assert zmq.select([pull, a], [], [], 0.4) == ([], [], [])
    elapsed = time.monotonic() - t0
    assert 0.35 <= elapsed < 1.5
    assert hub.cpu_time() - c0 < 0.15 * elapsed

    _later(hub, 0.1, b.send, b"!")
    r, w, x = zmq.select([pull, a], [], [], 5)
    assert (_fds(r), w, x) == ([a.fileno()], [], [])
    a.recv(10)

    _later(hub, 0.1, push.send, b"!")
    r, w, x = zmq.select([pull, a.fileno()], [push], [], 5)
    # push is writable at once: select may return before the message arrives
    assert w == [push] and x == []
    if not r:
        r, _, _ = zmq.select([pull, a.fileno()], [], [], 5)
    assert _fds(r) == [pull]


@pytest.mark.timeout(10)
def test_socket_poll_is_green(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    with hub.ticking() as t:
        t0 = time.monotonic()
        assert pull.poll(300) == 0
        elapsed = time.monotonic() - t0
    assert 0.25 <= elapsed < 1.5
    assert t.count >= 5
    _later(hub, 0.1, push.send, b"x")
    assert pull.poll(5000) == zmq.POLLIN
