"""RCVTIMEO/SNDTIMEO, hub timeouts, kill, close and term during a green wait."""
from __future__ import annotations

import errno
import time

import pytest


# --- RCVTIMEO / SNDTIMEO -------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_rcvtimeo_zero_raises_again_at_once(hub):
    zmq = hub.zmq
    pull, _ = hub.pair(zmq.PULL, zmq.PUSH)
    pull.setsockopt(zmq.RCVTIMEO, 0)
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        pull.recv()
    with pytest.raises(zmq.Again):
        pull.recv_multipart()
    assert time.monotonic() - t0 < 0.2


@pytest.mark.timeout(10)
def test_rcvtimeo_positive_raises_again_while_hub_ticks(hub):
    zmq = hub.zmq
    pull, _ = hub.pair(zmq.PULL, zmq.PUSH)
    pull.rcvtimeo = 300
    with hub.ticking() as t:
        t0 = time.monotonic()
        with pytest.raises(zmq.Again):
            pull.recv()
        elapsed = time.monotonic() - t0
    assert 0.25 <= elapsed < 1.5, f"RCVTIMEO=300 ms took {elapsed:.3f} s"
    assert t.count >= 5, f"ticker ticked {t.count} times during a 0.3 s recv"
    assert t.max_gap < 0.25


@pytest.mark.timeout(10)
def test_rcvtimeo_minus_one_waits_for_the_message(hub):
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH)
    pull.rcvtimeo = -1

    def late_send() -> None:
        hub.sleep(0.3)
        push.send(b"late")

    hub.spawn(late_send)
    with hub.ticking() as t:
        assert pull.recv() == b"late"
    assert t.count >= 5


@pytest.mark.timeout(10)
def test_rcvtimeo_minus_one_blocks_until_hub_timeout(hub):
    """RCVTIMEO=-1 never raises Again by itself: only the hub's Timeout ends the wait."""
    pull, _ = hub.pair(hub.zmq.PULL, hub.zmq.PUSH)
    pull.rcvtimeo = -1
    t0 = time.monotonic()
    with pytest.raises(hub.Timeout):
        with hub.Timeout(0.3):
            pull.recv()
    assert time.monotonic() - t0 >= 0.25


@pytest.mark.timeout(10)
def test_sndtimeo_zero_raises_again_at_once(hub):
    zmq = hub.zmq
    ctx = hub.context()
    push = ctx.socket(zmq.PUSH)  # no peer: nothing can be queued
    push.linger = 0
    push.setsockopt(zmq.SNDTIMEO, 0)
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        push.send(b"x")
    with pytest.raises(zmq.Again):
        push.send_multipart([b"a", b"b"])
    assert time.monotonic() - t0 < 0.2


@pytest.mark.timeout(10)
def test_sndtimeo_positive_raises_again_while_hub_ticks(hub):
    zmq = hub.zmq
    ctx = hub.context()
    push = ctx.socket(zmq.PUSH)
    push.linger = 0
    push.sndtimeo = 300
    with hub.ticking() as t:
        t0 = time.monotonic()
        with pytest.raises(zmq.Again):
            push.send(b"x")
        elapsed = time.monotonic() - t0
    assert 0.25 <= elapsed < 1.5, f"SNDTIMEO=300 ms took {elapsed:.3f} s"
    assert t.count >= 5
    assert t.max_gap < 0.25


@pytest.mark.timeout(10)
def test_sndtimeo_minus_one_waits_for_a_peer(hub):
    zmq = hub.zmq
    ctx = hub.context()
    push = ctx.socket(zmq.PUSH)
    push.linger = 0
    push.sndtimeo = -1
    push.bind("inproc://sndtimeo-late-peer")
    got = []

    def late_peer() -> None:
        hub.sleep(0.3)
        pull = ctx.socket(zmq.PULL)
        pull.connect("inproc://sndtimeo-late-peer")
        got.append(pull.recv())
        pull.close()

    peer = hub.spawn(late_peer)
    with hub.ticking() as t:
        push.send(b"eventually")
    assert t.count >= 5
    peer.get(5)
    assert got == [b"eventually"]


# --- hub Timeout and kill: no ghost waiter, no lost message ---------------------------------


@pytest.mark.timeout(10)
def test_hub_timeout_leaves_no_ghost_waiter(hub):
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH, "tcp")
    with pytest.raises(hub.Timeout):
        with hub.Timeout(0.1):
            pull.recv()
    # a new waiter must get the next message: it must not go to the timed-out one
    late = hub.spawn(pull.recv)
    hub.sleep(0.05)
    push.send(b"after-timeout")
    assert late.get(2) == b"after-timeout"
    push.send(b"second")
    assert pull.recv() == b"second"


@pytest.mark.timeout(10)
def test_kill_during_wait_leaves_no_ghost_waiter(hub):
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH, "tcp")
    waiters = [hub.spawn(pull.recv) for _ in range(5)]
    hub.sleep(0.05)
    assert not any(w.dead for w in waiters)
    # kill the head of the queue and one in the middle; the others keep their places
    waiters[0].kill()
    waiters[2].kill()
    for i in range(3):
        push.send(b"m%d" % i)
    assert [waiters[i].get(2) for i in (1, 3, 4)] == [b"m0", b"m1", b"m2"]
    # nothing was swallowed by the dead ones
    push.send(b"tail")
    assert pull.recv() == b"tail"


@pytest.mark.timeout(10)
def test_kill_all_waiters_then_recv_gets_message(hub):
    """The message that arrives after every waiter was killed is not lost."""
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    w = hub.spawn(pull.recv_multipart)
    hub.sleep(0.05)
    w.kill()
    push.send_multipart([b"a", b"b"])
    pull.rcvtimeo = 2000
    assert pull.recv_multipart() == [b"a", b"b"]
    pull.rcvtimeo = 0
    with pytest.raises(zmq.Again):
        pull.recv()


@pytest.mark.timeout(10)
def test_hub_timeout_during_send_then_send_works(hub):
    zmq = hub.zmq
    ctx = hub.context()
    push = ctx.socket(zmq.PUSH)
    push.linger = 0
    push.bind("inproc://timeout-send")
    with pytest.raises(hub.Timeout):
        with hub.Timeout(0.1):
            push.send(b"never")  # no peer yet
    pull = ctx.socket(zmq.PULL)
    pull.connect("inproc://timeout-send")
    push.send(b"now")
    pull.rcvtimeo = 2000
    assert pull.recv() == b"now"


# --- close / term / destroy while greenlets wait --------------------------------------------


@pytest.mark.timeout(10)
def test_close_wakes_waiters_with_enotsock(hub):
    zmq = hub.zmq
    ctx = hub.context()
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://close-wakes")
    push = ctx.socket(zmq.PUSH)  # no peer: send parks
    push.linger = 0
    receivers = [hub.spawn(pull.recv) for _ in range(3)]
    sender = hub.spawn(push.send, b"x")
    hub.sleep(0.05)
    assert not any(r.dead for r in receivers) and not sender.dead
    t0 = time.monotonic()
    pull.close()
    push.close()
    for h in [*receivers, sender]:
        assert h.join(1.0), "a waiter did not wake up after close()"
        assert isinstance(h.exception, zmq.ZMQError), h.exception
        assert h.exception.errno == zmq.ENOTSOCK
    assert time.monotonic() - t0 < 1.0
    with pytest.raises(zmq.ZMQError) as exc:
        pull.recv()
    assert exc.value.errno == zmq.ENOTSOCK


@pytest.mark.timeout(15)
def test_term_wakes_waiters_with_context_terminated(hub):
    zmq = hub.zmq
    ctx = hub.context()
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://term-wakes")
    pull.linger = 0

    def wait_then_close() -> None:
        try:
            pull.recv()
        finally:
            pull.close()

    waiter = hub.spawn(wait_then_close)
    hub.sleep(0.05)
    t0 = time.monotonic()
    with hub.ticking():
        term = hub.spawn(ctx.term)
        assert waiter.join(2.0), "waiter not woken by term()"
        assert term.join(5.0), "term() did not finish after the socket closed"
    assert time.monotonic() - t0 < 2.0
    term.get(0)
    exc = waiter.exception
    assert isinstance(exc, zmq.ZMQError), exc
    assert isinstance(exc, zmq.ContextTerminated) or exc.errno in (zmq.ETERM, zmq.ENOTSOCK)
    assert ctx.closed


@pytest.mark.timeout(15)
def test_destroy_wakes_waiters(hub):
    zmq = hub.zmq
    ctx = hub.context()
    router = ctx.socket(zmq.ROUTER)
    router.bind("inproc://destroy-wakes")
    dealer = ctx.socket(zmq.DEALER)  # no peer: send parks
    waiters = [hub.spawn(router.recv_multipart) for _ in range(3)]
    sender = hub.spawn(dealer.send, b"x")
    hub.sleep(0.05)
    t0 = time.monotonic()
    ctx.destroy(linger=0)
    for h in [*waiters, sender]:
        assert h.join(1.0), "a waiter did not wake up after destroy()"
        exc = h.exception
        assert isinstance(exc, zmq.ZMQError), exc
        assert exc.errno in (zmq.ENOTSOCK, zmq.ETERM), errno.errorcode.get(exc.errno, exc.errno)
    assert time.monotonic() - t0 < 2.0
    assert router.closed and dealer.closed and ctx.closed
