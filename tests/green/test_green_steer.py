"""The green proxy_steerable speaks the core's control protocol (tests/test_proxy_steerable.py)."""
from __future__ import annotations

import pytest


@pytest.mark.timeout(15)
def test_rep_control_gets_answers_and_errors(hub):
    zmq = hub.zmq
    ctx = hub.context()
    front, back = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    front.bind("inproc://gs-front")
    back.bind("inproc://gs-back")
    control, req = hub.pair(zmq.REP, zmq.REQ, ctx=ctx)
    src, sink = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    src.connect("inproc://gs-front")
    sink.connect("inproc://gs-back")
    p = hub.spawn(zmq.proxy_steerable, front, back, None, control)
    for cmd, answer in ((b"HELLO", b"ERROR"), (b"PAUSE", b""), (b"RESUME", b"")):
        req.send(cmd)
        assert req.recv_multipart() == [answer]
    req.send_multipart([b"PAUSE", b"extra"])  # a command is one whole frame
    assert req.recv_multipart() == [b"ERROR"]
    src.send(b"still forwarding")
    assert sink.recv() == b"still forwarding"
    req.send(b"STATISTICS")
    stats = req.recv_multipart()
    assert len(stats) == 8 and int.from_bytes(stats[0], "little") == 1
    req.send(b"TERMINATE")
    assert req.recv() == b""
    assert p.join(5) and p.exception is None


@pytest.mark.timeout(30)
def test_proxy_under_tight_hwm_loses_nothing(hub):
    """dst refuses messages mid-burst (HWM 1): the proxy holds them and keeps order."""
    zmq = hub.zmq
    ctx = hub.context()
    front, back = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    back.sndhwm = 1
    front.bind("inproc://hwm-front")
    back.bind("inproc://hwm-back")
    src, sink = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    sink.rcvhwm = 1
    src.connect("inproc://hwm-front")
    sink.connect("inproc://hwm-back")
    n = 5000
    hub.spawn(zmq.proxy, front, back)
    sender = hub.spawn(lambda: [src.send_multipart([b"%d" % i, b"x"]) for i in range(n)])
    got = []
    for i in range(n):
        got.append(sink.recv_multipart()[0])
        if i % 97 == 0:
            hub.sleep(0.001)  # a slow consumer: the proxy's dst fills up
    assert got == [b"%d" % i for i in range(n)]
    assert sender.join(5)


@pytest.mark.timeout(30)
def test_broker_both_ways_under_pressure_does_not_deadlock(hub):
    """ROUTER/DEALER broker, tiny HWMs, many requests in flight both ways."""
    zmq = hub.zmq
    ctx = hub.context()
    front, back = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER)
    for s in (front, back):
        s.sndhwm = s.rcvhwm = 2
    front.bind("inproc://b-front")
    back.bind("inproc://b-back")
    hub.spawn(zmq.proxy, front, back)
    worker = ctx.socket(zmq.DEALER)
    worker.connect("inproc://b-back")

    def serve():
        while True:
            worker.send_multipart(worker.recv_multipart())

    hub.spawn(serve)
    clients = [ctx.socket(zmq.DEALER) for _ in range(4)]
    for c in clients:
        c.connect("inproc://b-front")
    n = 500

    def client(c, k):
        for i in range(n):
            c.send(b"%d-%d" % (k, i))
        return [c.recv() for _ in range(n)]

    tasks = [hub.spawn(client, c, k) for k, c in enumerate(clients)]
    for k, t in enumerate(tasks):
        assert t.get(20) == [b"%d-%d" % (k, i) for i in range(n)]
