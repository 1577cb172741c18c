"""Calls that block in C elsewhere must not freeze the hub (pyzmq#809 and friends).

Each test runs one of term, destroy, proxy, device, proxy_steerable, monitored_queue,
select and MessageTracker.wait while a ticker greenlet counts hub turns, and asserts it
kept ticking.
"""
from __future__ import annotations

import socket
import time

import pytest

MIN_TICKS = 5  # a 10 ms ticker over >= 0.3 s: a frozen hub gives 0 or 1
MAX_GAP = 0.25


def _assert_hub_alive(t, what: str) -> None:
    assert t.count >= MIN_TICKS, f"hub frozen during {what}: {t.count} ticks"
    assert t.max_gap < MAX_GAP, f"hub stalled {t.max_gap:.2f} s during {what}"


def _dead_tcp_endpoint(hub) -> str:
    """A tcp endpoint nobody listens on (port held so nobody else takes it)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    hub._closers.append(s.close)
    return "tcp://127.0.0.1:%d" % s.getsockname()[1]


def _stuck_push(hub, ctx, linger_ms: int):
    """A PUSH holding an undeliverable message, so term() has to linger."""
    zmq = hub.zmq
    push = ctx.socket(zmq.PUSH)
    push.linger = linger_ms
    push.connect(_dead_tcp_endpoint(hub))
    push.send(b"undeliverable")
    return push


@pytest.mark.timeout(15)
def test_term_lets_the_hub_run(hub):
    ctx = hub.context()
    push = _stuck_push(hub, ctx, 400)
    push.close()
    with hub.ticking() as t:
        t0 = time.monotonic()
        ctx.term()
        elapsed = time.monotonic() - t0
    assert elapsed >= 0.3, f"term() returned after {elapsed:.3f} s, before LINGER expired"
    _assert_hub_alive(t, "Context.term()")
    assert ctx.closed


@pytest.mark.timeout(15)
def test_destroy_lets_the_hub_run(hub):
    ctx = hub.context()
    push = _stuck_push(hub, ctx, -1)
    with hub.ticking() as t:
        t0 = time.monotonic()
        ctx.destroy(linger=400)
        elapsed = time.monotonic() - t0
    assert elapsed >= 0.3, f"destroy(linger=400) returned after {elapsed:.3f} s"
    assert elapsed < 5
    _assert_hub_alive(t, "Context.destroy()")
    assert push.closed and ctx.closed


def _stop(handle, ctx, zmq) -> None:
    """Destroy the context under a running proxy/device: it must end with a ZMQError."""
    ctx.destroy(linger=0)
    assert handle.join(2.0), "proxy/device greenlet still running after destroy()"
    exc = handle.exception
    assert exc is None or isinstance(exc, zmq.ZMQError), repr(exc)


@pytest.mark.timeout(15)
def test_proxy_lets_the_hub_run(hub):
    zmq = hub.zmq
    ctx = hub.context()
    front = ctx.socket(zmq.PULL)
    front.bind("inproc://proxy-front")
    back = ctx.socket(zmq.PUSH)
    back.bind("inproc://proxy-back")
    src = ctx.socket(zmq.PUSH)
    src.connect("inproc://proxy-front")
    sink = ctx.socket(zmq.PULL)
    sink.connect("inproc://proxy-back")
    p = hub.spawn(zmq.proxy, front, back)
    with hub.ticking() as t:
        for i in range(50):
            src.send(b"%d" % i)
            assert sink.recv() == b"%d" % i
        hub.sleep(0.3)  # proxy idle and parked
        src.send(b"again")
        assert sink.recv() == b"again"
    _assert_hub_alive(t, "proxy()")
    assert not p.dead
    _stop(p, ctx, zmq)


@pytest.mark.timeout(15)
def test_device_lets_the_hub_run(hub):
    zmq = hub.zmq
    ctx = hub.context()
    front = ctx.socket(zmq.ROUTER)
    front.bind("inproc://device-front")
    back = ctx.socket(zmq.DEALER)
    back.bind("inproc://device-back")
    d = hub.spawn(zmq.device, zmq.QUEUE, front, back)

    def worker() -> None:
        rep = ctx.socket(zmq.REP)
        rep.connect("inproc://device-back")
        try:
            while True:
                rep.send(b"re:" + rep.recv())
        finally:
            rep.close()

    hub.spawn(worker)
    req = ctx.socket(zmq.REQ)
    req.connect("inproc://device-front")
    with hub.ticking() as t:
        for i in range(30):
            req.send(b"%d" % i)
            assert req.recv() == b"re:%d" % i
        hub.sleep(0.3)
    _assert_hub_alive(t, "device(QUEUE)")
    assert not d.dead
    _stop(d, ctx, zmq)


@pytest.mark.timeout(15)
def test_proxy_steerable_cooperates_and_terminates(hub):
    zmq = hub.zmq
    ctx = hub.context()
    front = ctx.socket(zmq.PULL)
    front.bind("inproc://steer-front")
    back = ctx.socket(zmq.PUSH)
    back.bind("inproc://steer-back")
    capture = ctx.socket(zmq.PUSH)
    capture.bind("inproc://steer-capture")
    control, ctl = hub.pair(zmq.PAIR, zmq.PAIR, ctx=ctx)
    src = ctx.socket(zmq.PUSH)
    src.connect("inproc://steer-front")
    sink = ctx.socket(zmq.PULL)
    sink.connect("inproc://steer-back")
    tap = ctx.socket(zmq.PULL)
    tap.connect("inproc://steer-capture")
    p = hub.spawn(zmq.proxy_steerable, front, back, capture, control)
    with hub.ticking() as t:
        for i in range(20):
            src.send_multipart([b"k", b"%d" % i])
            assert sink.recv_multipart() == [b"k", b"%d" % i]
            assert tap.recv_multipart() == [b"k", b"%d" % i]
        hub.sleep(0.3)
        assert not p.dead
        ctl.send(b"TERMINATE")
        assert p.join(2.0), "proxy_steerable ignored TERMINATE"
    p.get(0)
    _assert_hub_alive(t, "proxy_steerable()")


@pytest.mark.timeout(15)
def test_monitored_queue_cooperates(hub):
    zmq = hub.zmq
    ctx = hub.context()
    qin = ctx.socket(zmq.ROUTER)
    qin.bind("inproc://mq-in")
    qout = ctx.socket(zmq.DEALER)
    qout.bind("inproc://mq-out")
    mon = ctx.socket(zmq.PUSH)  # PUSH, not PUB: a monitor line can never be dropped
    mon.bind("inproc://mq-mon")
    watch = ctx.socket(zmq.PULL)
    watch.connect("inproc://mq-mon")
    q = hub.spawn(zmq.monitored_queue, qin, qout, mon, b"in", b"out")

    def worker() -> None:
        rep = ctx.socket(zmq.REP)
        rep.connect("inproc://mq-out")
        try:
            while True:
                rep.send(rep.recv().upper())
        finally:
            rep.close()

    hub.spawn(worker)
    req = ctx.socket(zmq.REQ)
    req.connect("inproc://mq-in")
    lines = []
    with hub.ticking() as t:
        for word in (b"alpha", b"beta", b"gamma"):
            req.send(word)
            assert req.recv() == word.upper()
            lines.append(watch.recv_multipart())
            lines.append(watch.recv_multipart())
        hub.sleep(0.3)
    _assert_hub_alive(t, "monitored_queue()")
    assert [ln[0] for ln in lines] == [b"in", b"out"] * 3
    assert [ln[-1] for ln in lines] == [b"alpha", b"ALPHA", b"beta", b"BETA", b"gamma", b"GAMMA"]
    assert not q.dead
    _stop(q, ctx, zmq)


@pytest.mark.timeout(10)
def test_select_lets_the_hub_run(hub):
    zmq = hub.zmq
    ctx = hub.context()
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://select-idle")
    with hub.ticking() as t:
        t0 = time.monotonic()
        assert zmq.select([pull], [], [], 0.3) == ([], [], [])
        elapsed = time.monotonic() - t0
    assert 0.25 <= elapsed < 1.5
    _assert_hub_alive(t, "select()")


@pytest.mark.timeout(10)
def test_tracker_wait_lets_the_hub_run(hub):
    zmq = hub.zmq
    ctx = hub.context()
    push = ctx.socket(zmq.PUSH)
    push.linger = 0
    push.connect(_dead_tcp_endpoint(hub))
    tracker = push.send(b"z" * 100_000, copy=False, track=True)
    assert not tracker.done
    with hub.ticking() as t:
        t0 = time.monotonic()
        with pytest.raises(zmq.NotDone):
            tracker.wait(0.3)
        elapsed = time.monotonic() - t0
    assert 0.25 <= elapsed < 1.5
    _assert_hub_alive(t, "MessageTracker.wait(0.3)")

    # an untimed wait parks only its greenlet and ends when libzmq drops the frame
    w = hub.spawn(tracker.wait)
    hub.sleep(0.1)
    assert not w.dead
    push.close()  # linger 0: the queued frame is released
    assert w.join(2.0), "tracker.wait() not woken when the frame was released"
    w.get(0)
    assert tracker.done


@pytest.mark.timeout(10)
def test_tracker_wait_after_delivery(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    payload = b"q" * 200_000
    tracker = push.send(payload, copy=False, track=True)
    with hub.ticking():
        assert pull.recv() == payload
        tracker.wait(5)
    assert tracker.done
