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
    control = ctx.socket(zmq.REP)
    control.bind("inproc://gs-control")
    req = ctx.socket(zmq.REQ)
    req.connect("inproc://gs-control")
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
