"""Many greenlets on one socket (pyzmq#1154).

Several greenthreads on one socket: FIFO, no interleaved multipart.
"""

from __future__ import annotations

import random

import pytest


def _message(gid: int, seq: int, nparts: int) -> list[bytes]:
    # every frame names its owner, so an interleaved message is detectable frame by frame
    head = [b"G%d" % gid, b"S%d" % seq, b"N%d" % nparts]
    return head + [b"g%d:s%d:p%d:" % (gid, seq, i) + b"." * (i * 7) for i in range(nparts)]


def _check_intact(parts: list[bytes]) -> tuple[int, int]:
    assert len(parts) >= 3, f"truncated message {parts!r}"
    gid = int(parts[0][1:])
    seq = int(parts[1][1:])
    nparts = int(parts[2][1:])
    assert parts == _message(gid, seq, nparts), f"frames interleaved or mangled: {parts!r}"
    return gid, seq


@pytest.mark.timeout(60)
def test_hundred_greenlets_share_one_dealer(hub):
    """100 greenlets send and receive multipart messages on one DEALER against a ROUTER echo.

    All complete; no message has frames of two greenlets; the echo sees each greenlet's
    messages in the order that greenlet sent them.
    """
    zmq = hub.zmq
    n_greenlets, per_greenlet = 100, 20
    ctx = hub.context()
    router = ctx.socket(zmq.ROUTER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    dealer = ctx.socket(zmq.DEALER)
    # small queues so greenlets really do park and contend on both directions
    dealer.setsockopt(zmq.SNDHWM, 2)
    dealer.setsockopt(zmq.RCVHWM, 2)
    dealer.connect(f"tcp://127.0.0.1:{port}")
    total = n_greenlets * per_greenlet
    seen_by_echo: dict[int, list[int]] = {}

    def echo() -> None:
        rng = random.Random(1)
        for _ in range(total):
            ident, *parts = router.recv_multipart()
            gid, seq = _check_intact(parts)
            seen_by_echo.setdefault(gid, []).append(seq)
            if rng.random() < 0.3:
                hub.sleep(0)
            router.send_multipart([ident, *parts])

    received: list[tuple[int, int]] = []

    def client(gid: int) -> int:
        rng = random.Random(gid)
        for seq in range(per_greenlet):
            dealer.send_multipart(_message(gid, seq, rng.randint(1, 6)))
            if rng.random() < 0.5:
                hub.sleep(0)
            # the reply may be any greenlet's: the socket is shared; it must be whole
            received.append(_check_intact(dealer.recv_multipart()))
        return gid

    e = hub.spawn(echo)
    clients = [hub.spawn(client, g) for g in range(n_greenlets)]
    for g, c in enumerate(clients):
        assert c.get(30) == g
    e.get(5)
    assert sorted(received) == sorted(
        (g, s) for g in range(n_greenlets) for s in range(per_greenlet)
    )
    for gid, seqs in seen_by_echo.items():
        assert seqs == list(range(per_greenlet)), f"greenlet {gid}'s sends reordered: {seqs}"


@pytest.mark.timeout(20)
def test_recv_waiters_are_served_fifo(hub):
    """Greenlets parked in recv on one socket get messages in the order they parked."""
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH)
    waiters = []
    for _ in range(10):
        waiters.append(hub.spawn(pull.recv))
        hub.sleep(0)  # let it park before the next one queues up
    hub.sleep(0.05)
    assert not any(w.dead for w in waiters)
    for i in range(10):
        push.send(b"%d" % i)
    assert [w.get(5) for w in waiters] == [b"%d" % i for i in range(10)]


@pytest.mark.timeout(20)
def test_send_and_recv_waiters_on_one_socket(hub):
    """One greenlet parked in send and another parked in recv on the same DEALER both finish."""
    zmq = hub.zmq
    ctx = hub.context()
    dealer = ctx.socket(zmq.DEALER)
    dealer.setsockopt(zmq.SNDHWM, 1)
    dealer.linger = 0
    # no peer yet: send parks (DEALER blocks with no pipes), recv parks
    sender = hub.spawn(dealer.send_multipart, [b"a", b"b"])
    receiver = hub.spawn(dealer.recv_multipart)
    hub.sleep(0.05)
    assert not sender.dead and not receiver.dead
    router = ctx.socket(zmq.ROUTER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    dealer.connect(f"tcp://127.0.0.1:{port}")
    sender.get(5)
    ident, a, b = router.recv_multipart()
    assert (a, b) == (b"a", b"b")
    router.send_multipart([ident, b"back"])
    assert receiver.get(5) == [b"back"]
