"""Quick checks of the green wait engine (greenzmq._green) on both hubs.

The full green suite lives in the other tests/green files; these are the engine
author's fast smoke checks: basic traffic, timeouts, close/kill while parked,
poll/select, term, trackers and the devices.
"""
from __future__ import annotations

import socket
import struct
import time

import pytest


@pytest.mark.timeout(20)
def test_traffic_with_tight_hwm_loses_and_reorders_nothing(hub) -> None:
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH, "tcp", sndhwm=1, rcvhwm=1)
    n = 3000

    def sender() -> None:
        for i in range(n):
            push.send(b"%d" % i)
            if i % 7 == 0:
                hub.sleep(0)

    s = hub.spawn(sender)
    got = [int(pull.recv()) for _ in range(n)]
    s.get()
    assert got == list(range(n))
    assert pull._gs.nwait == 0 and push._gs.nwait == 0
    assert not pull._gs.watching and not push._gs.watching


@pytest.mark.timeout(10)
def test_rcvtimeo_and_sndtimeo_raise_again_while_hub_runs(hub) -> None:
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH, "tcp")
    pull.rcvtimeo = 150
    tick = hub.ticker(0.005)
    t0 = time.monotonic()
    with pytest.raises(hub.zmq.Again):
        pull.recv()
    assert 0.14 <= time.monotonic() - t0 < 1.0
    assert tick.count >= 5  # the hub ran while we waited
    pull.rcvtimeo = 0
    with pytest.raises(hub.zmq.Again):
        pull.recv_multipart()
    lonely = hub.ctx.socket(hub.zmq.PUSH)  # no peer: send has nowhere to go
    lonely.sndtimeo = 50
    with pytest.raises(hub.zmq.Again):
        lonely.send(b"x")
    tick.stop()
    assert pull._gs.nwait == 0 and lonely._gs.nwait == 0


@pytest.mark.timeout(10)
def test_close_wakes_every_waiter_with_enotsock(hub) -> None:
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH, "tcp")
    waiters = [hub.spawn(pull.recv) for _ in range(3)] + [hub.spawn(pull.poll, None)]
    hub.sleep(0.02)
    assert pull._gs.nwait == 4
    t0 = time.monotonic()
    pull.close()
    for w in waiters:
        with pytest.raises(hub.zmq.ZMQError) as info:
            w.get()
        assert info.value.errno == hub.zmq.ENOTSOCK
    assert time.monotonic() - t0 < 0.5


@pytest.mark.timeout(10)
def test_killed_or_timed_out_waiter_leaves_no_ghost_and_loses_no_message(hub) -> None:
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH, "tcp")
    first = hub.spawn(pull.recv)
    second = hub.spawn(pull.recv)
    hub.sleep(0.02)
    first.kill()
    with hub.Timeout(0.05, False):
        pull.recv()  # a third waiter, timed out by the hub's Timeout
    assert pull._gs.nwait == 1  # only `second` is left
    push.send(b"one")
    assert second.get() == b"one"
    push.send(b"two")
    assert pull.recv() == b"two"
    assert pull._gs.nwait == 0 and not pull._gs.watching


@pytest.mark.timeout(20)
def test_many_greenlets_share_a_dealer_without_interleaving(hub) -> None:
    router, dealer = hub.pair(hub.zmq.ROUTER, hub.zmq.DEALER, "tcp")

    def echo() -> None:
        while True:
            router.send_multipart(router.recv_multipart())

    e = hub.spawn(echo)
    replies: list = []

    def worker(k: int) -> None:
        for i in range(20):
            dealer.send_multipart([b"%d" % k, b"%d" % i, b"%d" % k])
            replies.append(dealer.recv_multipart())

    ws = [hub.spawn(worker, k) for k in range(50)]
    for w in ws:
        w.get(15)
    e.kill()
    assert len(replies) == 50 * 20
    assert all(len(r) == 3 and r[0] == r[2] for r in replies)
    per_worker: dict = {}
    for k, i, _ in replies:
        per_worker.setdefault(k, []).append(int(i))
    assert all(v == sorted(v) for v in per_worker.values())  # FIFO per sender


@pytest.mark.timeout(20)
def test_frame_by_frame_messages_do_not_interleave_under_contention(hub) -> None:
    router, dealer = hub.pair(hub.zmq.ROUTER, hub.zmq.DEALER, "tcp")
    dealer.sndhwm = 1  # senders queue up (a ROUTER would drop replies at a tight RCVHWM)

    def echo() -> None:
        while True:
            router.send_multipart(router.recv_multipart())

    e = hub.spawn(echo)
    replies: list = []

    def worker(k: int) -> None:
        for _ in range(20):
            dealer.send(b"%d" % k, hub.zmq.SNDMORE)
            dealer.send(b"%d" % k)
            first = dealer.recv()
            replies.append((first, dealer.recv()))

    ws = [hub.spawn(worker, k) for k in range(30)]
    for w in ws:
        w.get(15)
    e.kill()
    assert len(replies) == 30 * 20
    assert all(a == b for a, b in replies)


@pytest.mark.timeout(10)
def test_poller_and_select_mix_sockets_and_fds(hub) -> None:
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH, "tcp")
    r, w = socket.socketpair()
    try:
        poller = hub.zmq.Poller()
        poller.register(pull, hub.zmq.POLLIN)
        poller.register(r, hub.zmq.POLLIN)
        t0 = time.monotonic()
        assert poller.poll(80) == []
        assert 0.07 <= time.monotonic() - t0 < 0.5
        hub.spawn(lambda: (hub.sleep(0.02), w.send(b"x")))
        assert dict(poller.poll(2000)) == {r.fileno(): hub.zmq.POLLIN}  # an fd, as in pyzmq
        r.recv(1)
        hub.spawn(lambda: (hub.sleep(0.02), push.send(b"y")))
        assert hub.zmq.select([pull, r], [], [], 2.0)[0] == [pull]
        assert pull.poll(0) == hub.zmq.POLLIN and pull.recv() == b"y"
        assert pull.poll(30) == 0
    finally:
        r.close()
        w.close()


@pytest.mark.timeout(10)
def test_green_zmq_poll_watches_plain_greenzmq_sockets_too(hub) -> None:
    import greenzmq

    plain_pull = hub.ctx.socket(hub.zmq.PULL, socket_class=greenzmq.Socket)
    push = hub.ctx.socket(hub.zmq.PUSH)
    port = plain_pull.bind_to_random_port("tcp://127.0.0.1")
    push.connect(f"tcp://127.0.0.1:{port}")
    tick = hub.ticker(0.005)
    hub.spawn(lambda: (hub.sleep(0.05), push.send(b"late")))
    ready = hub.zmq.zmq_poll([(plain_pull, hub.zmq.POLLIN)], 2000)
    assert ready == [(plain_pull, hub.zmq.POLLIN)]
    assert tick.count >= 3  # the hub ran while we waited
    assert plain_pull.recv(hub.zmq.NOBLOCK) == b"late"
    tick.stop()


@pytest.mark.timeout(15)
def test_term_wakes_waiters_and_does_not_freeze_the_hub(hub) -> None:
    ctx = hub.zmq.Context()
    s = ctx.socket(hub.zmq.PULL)
    s.bind("inproc://term-smoke")

    def waiter() -> None:
        try:
            s.recv()
        except hub.zmq.ContextTerminated:
            s.close()
            return "terminated"

    w = hub.spawn(waiter)
    hub.sleep(0.01)
    tick = hub.ticker(0.005)
    t = hub.spawn(ctx.term)
    assert w.get() == "terminated"
    t.get()
    tick.stop()
    assert ctx.closed and tick.count >= 0


@pytest.mark.timeout(15)
def test_term_waits_in_a_thread_while_greenlets_run(hub) -> None:
    ctx = hub.zmq.Context()
    s = ctx.socket(hub.zmq.PUSH)
    s.connect("tcp://127.0.0.1:9")  # never connects; LINGER -1 keeps the message
    s.send(b"stuck")
    s.setsockopt(hub.zmq.LINGER, 200)
    s.close()
    tick = hub.ticker(0.005)
    t0 = time.monotonic()
    ctx.term()  # waits ~200 ms for the linger, green
    assert time.monotonic() - t0 >= 0.15
    assert tick.count >= 10
    tick.stop()


@pytest.mark.timeout(15)
def test_concurrent_terms_wait_for_one_another(hub) -> None:
    ctx = hub.zmq.Context()
    s = ctx.socket(hub.zmq.PAIR)
    terms = [hub.spawn(ctx.term) for _ in range(3)]
    hub.sleep(0.05)
    assert not ctx.closed  # all three wait for the open socket
    s.close()
    for t in terms:
        t.get()
    assert ctx.closed


@pytest.mark.timeout(15)
def test_tracker_wait_is_green(hub) -> None:
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH)
    tracker = push.send(b"z" * 200_000, copy=False, track=True)
    assert isinstance(tracker, hub.zmq.MessageTracker)
    with pytest.raises(hub.zmq.NotDone):
        tracker.wait(0.05)
    tick = hub.ticker(0.005)
    waiter = hub.spawn(tracker.wait)
    hub.sleep(0.1)
    assert tick.count >= 5 and not tracker.done
    assert len(pull.recv(copy=False)) == 200_000
    waiter.get()
    assert tracker.done
    tick.stop()


@pytest.mark.timeout(15)
def test_proxy_steerable_forwards_counts_and_terminates(hub) -> None:
    z = hub.zmq
    front, client = hub.pair(z.ROUTER, z.DEALER, "tcp")
    back, worker = hub.pair(z.DEALER, z.DEALER, "tcp")
    ctrl_a, ctrl_b = hub.pair(z.PAIR, z.PAIR)
    p = hub.spawn(z.proxy_steerable, front, back, None, ctrl_a)  # the test runs beside it
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
    assert p.get() == 0


@pytest.mark.timeout(15)
def test_proxy_steerable_pause_resume_with_a_rep_control(hub) -> None:
    z = hub.zmq
    front, client = hub.pair(z.PULL, z.PUSH, "tcp")
    back, sink = hub.pair(z.PUSH, z.PULL, "tcp")
    ctrl, steer = hub.pair(z.REP, z.REQ, "tcp")
    p = hub.spawn(z.proxy_steerable, front, back, None, ctrl)
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
    assert p.get() == 0


@pytest.mark.timeout(15)
def test_monitored_queue_copies_both_directions_and_dies_cleanly(hub) -> None:
    z = hub.zmq
    ins, client = hub.pair(z.ROUTER, z.DEALER, "tcp")
    outs, server = hub.pair(z.DEALER, z.ROUTER, "tcp")
    mon, sub = hub.pair(z.PUB, z.SUB, "tcp")
    sub.setsockopt(z.SUBSCRIBE, b"")
    q = hub.spawn(z.monitored_queue, ins, outs, mon, b"IN", b"OUT")
    hub.sleep(0.2)  # PUB/SUB join
    client.send(b"hello")
    ident, *req = server.recv_multipart()
    assert req[-1] == b"hello"
    server.send_multipart([ident, *req[:-1], b"world"])
    assert client.recv() == b"world"
    seen = [sub.recv_multipart()[0], sub.recv_multipart()[0]]
    assert seen == [b"IN", b"OUT"]
    q.kill()
    assert ins._gs.nwait == 0 and outs._gs.nwait == 0
