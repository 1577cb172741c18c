"""Quick checks of the green wait engine (greenzmq._green) on both hubs.

The full green suite lives in the other tests/green files; these are the engine
author's fast smoke checks: basic traffic, timeouts, close/kill while parked,
poll/select, term, trackers and the devices.
"""
from __future__ import annotations

import socket
import struct
import time
from typing import Any, Callable

import pytest


class G:
    """The few hub primitives these tests need, for gevent or eventlet."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name == "gevent":
            import gevent

            from greenzmq import green_gevent as zmq

            self.spawn: Callable[..., Any] = gevent.spawn
            self.sleep = gevent.sleep
            self.Timeout = gevent.Timeout
        else:
            import eventlet

            from greenzmq import green_eventlet as zmq

            self.spawn = eventlet.spawn
            self.sleep = eventlet.sleep
            self.Timeout = eventlet.Timeout
        self.zmq = zmq

    def join(self, g: Any, timeout: float = 5.0) -> Any:
        """The greenlet's result (re-raising its error); fails the test on a hang."""
        with self.Timeout(timeout, AssertionError("greenlet hung")):
            return g.get() if self.name == "gevent" else g.wait()

    def ticker(self) -> list:
        """Start a greenlet that counts 5 ms sleeps; returns [count, greenlet]."""
        box = [0, None]

        def tick() -> None:
            while True:
                self.sleep(0.005)
                box[0] += 1
        box[1] = self.spawn(tick)
        return box


@pytest.fixture(params=["gevent", "eventlet"])
def g(request: pytest.FixtureRequest):
    pytest.importorskip(request.param)
    hub = G(request.param)
    hub.ctx = hub.zmq.Context()
    yield hub
    hub.ctx.destroy(linger=0)


def _pair(g: G, a_type: int, b_type: int, **opts: int) -> tuple:
    a, b = g.ctx.socket(a_type), g.ctx.socket(b_type)
    for s in (a, b):
        for k, v in opts.items():
            s.setsockopt(getattr(g.zmq, k), v)
    port = a.bind_to_random_port("tcp://127.0.0.1")
    b.connect(f"tcp://127.0.0.1:{port}")
    return a, b


@pytest.mark.timeout(20)
def test_traffic_with_tight_hwm_loses_and_reorders_nothing(g: G) -> None:
    pull, push = _pair(g, g.zmq.PULL, g.zmq.PUSH, SNDHWM=1, RCVHWM=1)
    n = 3000

    def sender() -> None:
        for i in range(n):
            push.send(b"%d" % i)
            if i % 7 == 0:
                g.sleep(0)

    s = g.spawn(sender)
    got = [int(pull.recv()) for _ in range(n)]
    g.join(s)
    assert got == list(range(n))
    assert pull._gs.nwait == 0 and push._gs.nwait == 0
    assert not pull._gs.watching and not push._gs.watching


@pytest.mark.timeout(10)
def test_rcvtimeo_and_sndtimeo_raise_again_while_hub_runs(g: G) -> None:
    pull, push = _pair(g, g.zmq.PULL, g.zmq.PUSH)
    pull.rcvtimeo = 150
    tick = g.ticker()
    t0 = time.monotonic()
    with pytest.raises(g.zmq.Again):
        pull.recv()
    assert 0.14 <= time.monotonic() - t0 < 1.0
    assert tick[0] >= 5  # the hub ran while we waited
    pull.rcvtimeo = 0
    with pytest.raises(g.zmq.Again):
        pull.recv_multipart()
    lonely = g.ctx.socket(g.zmq.PUSH)  # no peer: send has nowhere to go
    lonely.sndtimeo = 50
    with pytest.raises(g.zmq.Again):
        lonely.send(b"x")
    tick[1].kill()
    assert pull._gs.nwait == 0 and lonely._gs.nwait == 0


@pytest.mark.timeout(10)
def test_close_wakes_every_waiter_with_enotsock(g: G) -> None:
    pull, push = _pair(g, g.zmq.PULL, g.zmq.PUSH)
    waiters = [g.spawn(pull.recv) for _ in range(3)] + [g.spawn(pull.poll, None)]
    g.sleep(0.02)
    assert pull._gs.nwait == 4
    t0 = time.monotonic()
    pull.close()
    for w in waiters:
        with pytest.raises(g.zmq.ZMQError) as info:
            g.join(w)
        assert info.value.errno == g.zmq.ENOTSOCK
    assert time.monotonic() - t0 < 0.5


@pytest.mark.timeout(10)
def test_killed_or_timed_out_waiter_leaves_no_ghost_and_loses_no_message(g: G) -> None:
    pull, push = _pair(g, g.zmq.PULL, g.zmq.PUSH)
    first = g.spawn(pull.recv)
    second = g.spawn(pull.recv)
    g.sleep(0.02)
    first.kill()
    with g.Timeout(0.05, False):
        pull.recv()  # a third waiter, timed out by the hub's Timeout
    assert pull._gs.nwait == 1  # only `second` is left
    push.send(b"one")
    assert g.join(second) == b"one"
    push.send(b"two")
    assert pull.recv() == b"two"
    assert pull._gs.nwait == 0 and not pull._gs.watching


@pytest.mark.timeout(20)
def test_many_greenlets_share_a_dealer_without_interleaving(g: G) -> None:
    router, dealer = _pair(g, g.zmq.ROUTER, g.zmq.DEALER)

    def echo() -> None:
        while True:
            router.send_multipart(router.recv_multipart())

    e = g.spawn(echo)
    replies: list = []

    def worker(k: int) -> None:
        for i in range(20):
            dealer.send_multipart([b"%d" % k, b"%d" % i, b"%d" % k])
            replies.append(dealer.recv_multipart())

    ws = [g.spawn(worker, k) for k in range(50)]
    for w in ws:
        g.join(w, 15)
    e.kill()
    assert len(replies) == 50 * 20
    assert all(len(r) == 3 and r[0] == r[2] for r in replies)
    per_worker: dict = {}
    for k, i, _ in replies:
        per_worker.setdefault(k, []).append(int(i))
    assert all(v == sorted(v) for v in per_worker.values())  # FIFO per sender


@pytest.mark.timeout(20)
def test_frame_by_frame_messages_do_not_interleave_under_contention(g: G) -> None:
    router, dealer = _pair(g, g.zmq.ROUTER, g.zmq.DEALER)
    dealer.sndhwm = 1  # senders queue up (a ROUTER would drop replies at a tight RCVHWM)

    def echo() -> None:
        while True:
            router.send_multipart(router.recv_multipart())

    e = g.spawn(echo)
    replies: list = []

    def worker(k: int) -> None:
        for _ in range(20):
            dealer.send(b"%d" % k, g.zmq.SNDMORE)
            dealer.send(b"%d" % k)
            first = dealer.recv()
            replies.append((first, dealer.recv()))

    ws = [g.spawn(worker, k) for k in range(30)]
    for w in ws:
        g.join(w, 15)
    e.kill()
    assert len(replies) == 30 * 20
    assert all(a == b for a, b in replies)


@pytest.mark.timeout(10)
def test_poller_and_select_mix_sockets_and_fds(g: G) -> None:
    pull, push = _pair(g, g.zmq.PULL, g.zmq.PUSH)
    r, w = socket.socketpair()
    try:
        poller = g.zmq.Poller()
        poller.register(pull, g.zmq.POLLIN)
        poller.register(r, g.zmq.POLLIN)
        t0 = time.monotonic()
        assert poller.poll(80) == []
        assert 0.07 <= time.monotonic() - t0 < 0.5
        g.spawn(lambda: (g.sleep(0.02), w.send(b"x")))
        assert dict(poller.poll(2000)) == {r.fileno(): g.zmq.POLLIN}  # an fd, as in pyzmq
        r.recv(1)
        g.spawn(lambda: (g.sleep(0.02), push.send(b"y")))
        assert g.zmq.select([pull, r], [], [], 2.0)[0] == [pull]
        assert pull.poll(0) == g.zmq.POLLIN and pull.recv() == b"y"
        assert pull.poll(30) == 0
    finally:
        r.close()
        w.close()


@pytest.mark.timeout(10)
def test_green_zmq_poll_watches_plain_greenzmq_sockets_too(g: G) -> None:
    import greenzmq

    plain_pull = g.ctx.socket(g.zmq.PULL, socket_class=greenzmq.Socket)
    push = g.ctx.socket(g.zmq.PUSH)
    port = plain_pull.bind_to_random_port("tcp://127.0.0.1")
    push.connect(f"tcp://127.0.0.1:{port}")
    tick = g.ticker()
    g.spawn(lambda: (g.sleep(0.05), push.send(b"late")))
    ready = g.zmq.zmq_poll([(plain_pull, g.zmq.POLLIN)], 2000)
    assert ready == [(plain_pull, g.zmq.POLLIN)]
    assert tick[0] >= 3  # the hub ran while we waited
    assert plain_pull.recv(g.zmq.NOBLOCK) == b"late"
    tick[1].kill()


@pytest.mark.timeout(15)
def test_term_wakes_waiters_and_does_not_freeze_the_hub(g: G) -> None:
    ctx = g.zmq.Context()
    s = ctx.socket(g.zmq.PULL)
    s.bind("inproc://term-smoke")

    def waiter() -> None:
        try:
            s.recv()
        except g.zmq.ContextTerminated:
            s.close()
            return "terminated"

    w = g.spawn(waiter)
    g.sleep(0.01)
    tick = g.ticker()
    t = g.spawn(ctx.term)
    assert g.join(w) == "terminated"
    g.join(t)
    tick[1].kill()
    assert ctx.closed and tick[0] >= 0


@pytest.mark.timeout(15)
def test_term_waits_in_a_thread_while_greenlets_run(g: G) -> None:
    ctx = g.zmq.Context()
    s = ctx.socket(g.zmq.PUSH)
    s.connect("tcp://127.0.0.1:9")  # never connects; LINGER -1 keeps the message
    s.send(b"stuck")
    s.setsockopt(g.zmq.LINGER, 200)
    s.close()
    tick = g.ticker()
    t0 = time.monotonic()
    ctx.term()  # waits ~200 ms for the linger, green
    assert time.monotonic() - t0 >= 0.15
    assert tick[0] >= 10
    tick[1].kill()


@pytest.mark.timeout(15)
def test_concurrent_terms_wait_for_one_another(g: G) -> None:
    ctx = g.zmq.Context()
    s = ctx.socket(g.zmq.PAIR)
    terms = [g.spawn(ctx.term) for _ in range(3)]
    g.sleep(0.05)
    assert not ctx.closed  # all three wait for the open socket
    s.close()
    for t in terms:
        g.join(t)
    assert ctx.closed


@pytest.mark.timeout(15)
def test_tracker_wait_is_green(g: G) -> None:
    pull, push = g.ctx.socket(g.zmq.PULL), g.ctx.socket(g.zmq.PUSH)
    pull.bind("inproc://tracker-smoke")
    push.connect("inproc://tracker-smoke")
    tracker = push.send(b"z" * 200_000, copy=False, track=True)
    assert isinstance(tracker, g.zmq.MessageTracker)
    with pytest.raises(g.zmq.NotDone):
        tracker.wait(0.05)
    tick = g.ticker()
    waiter = g.spawn(tracker.wait)
    g.sleep(0.1)
    assert tick[0] >= 5 and not tracker.done
    assert len(pull.recv(copy=False)) == 200_000
    g.join(waiter)
    assert tracker.done
    tick[1].kill()


@pytest.mark.timeout(15)
def test_proxy_steerable_forwards_counts_and_terminates(g: G) -> None:
    z = g.zmq
    front, client = _pair(g, z.ROUTER, z.DEALER)
    back, worker = _pair(g, z.DEALER, z.DEALER)
    ctrl_a, ctrl_b = g.ctx.socket(z.PAIR), g.ctx.socket(z.PAIR)
    ctrl_a.bind("inproc://ctrl-smoke")
    ctrl_b.connect("inproc://ctrl-smoke")
    p = g.spawn(z.proxy_steerable, front, back, None, ctrl_a)  # the test runs beside it
    for i in range(10):
        client.send_multipart([b"req", b"%d" % i])
    for i in range(10):
        msg = worker.recv_multipart()
        assert msg[-2:] == [b"req", b"%d" % i]
        worker.send_multipart(msg)
    for i in range(10):
        assert client.recv_multipart() == [b"req", b"%d" % i]
    ctrl_b.send(b"STATISTICS")
    stats = [struct.unpack("=Q", f)[0] for f in ctrl_b.recv_multipart()]
    assert stats[0] == 10 and stats[2] == 10 and stats[4] == 10 and stats[6] == 10
    ctrl_b.send(b"TERMINATE")
    assert g.join(p) == 0


@pytest.mark.timeout(15)
def test_proxy_steerable_pause_resume_with_a_rep_control(g: G) -> None:
    z = g.zmq
    front, client = _pair(g, z.PULL, z.PUSH)
    back, sink = _pair(g, z.PUSH, z.PULL)
    ctrl, steer = _pair(g, z.REP, z.REQ)
    p = g.spawn(z.proxy_steerable, front, back, None, ctrl)
    steer.send(b"PAUSE")
    assert steer.recv() == b""  # a REP control answers every command
    client.send(b"held")
    sink.rcvtimeo = 100
    with pytest.raises(z.Again):
        sink.recv()
    steer.send(b"RESUME")
    assert steer.recv() == b""
    sink.rcvtimeo = 2000
    assert sink.recv() == b"held"
    steer.send(b"TERMINATE")
    assert steer.recv() == b""
    assert g.join(p) == 0


@pytest.mark.timeout(15)
def test_monitored_queue_copies_both_directions_and_dies_cleanly(g: G) -> None:
    z = g.zmq
    ins, client = _pair(g, z.ROUTER, z.DEALER)
    outs, server = _pair(g, z.DEALER, z.ROUTER)
    mon, sub = _pair(g, z.PUB, z.SUB)
    sub.setsockopt(z.SUBSCRIBE, b"")
    q = g.spawn(z.monitored_queue, ins, outs, mon, b"IN", b"OUT")
    g.sleep(0.2)  # PUB/SUB join
    client.send(b"hello")
    ident, *req = server.recv_multipart()
    assert req[-1] == b"hello"
    server.send_multipart([ident, *req[:-1], b"world"])
    assert client.recv() == b"world"
    seen = [sub.recv_multipart()[0], sub.recv_multipart()[0]]
    assert seen == [b"IN", b"OUT"]
    q.kill()
    assert ins._gs.nwait == 0 and outs._gs.nwait == 0
