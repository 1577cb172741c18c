"""The green layers behave as pyzmq's zmq.green and eventlet.green.zmq do, where programs
rely on it."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


@pytest.mark.timeout(30)
def test_eventlet_rcvtimeo_is_a_timeout_for_eventlet():
    pytest.importorskip("eventlet")
    code = textwrap.dedent("""
        import warnings
        warnings.simplefilter("ignore")
        import eventlet
        from greenzmq import green_eventlet as zmq
        ctx = zmq.Context()
        sub = ctx.socket(zmq.SUB)
        sub.bind("inproc://t")
        sub.rcvtimeo = 50
        try:
            sub.recv()
        except zmq.Again as e:
            print("rcvtimeo", eventlet.is_timeout(e))
        try:
            sub.recv(zmq.NOBLOCK)
        except zmq.Again as e:
            print("noblock", eventlet.is_timeout(e))
        sub.close()
        ctx.term()
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["rcvtimeo", "True", "noblock", "False"]


def test_green_contexts_have_their_own_instance():
    gz = pytest.importorskip("greenzmq.green_gevent")
    import greenzmq

    plain = greenzmq.Context.instance()
    green = gz.Context.instance()
    assert type(green) is gz.Context and green is not plain
    green.term()


@pytest.mark.timeout(20)
def test_green_device_on_one_socket_echoes():
    gevent = pytest.importorskip("gevent")
    import greenzmq.green_gevent as gz

    ctx = gz.Context()
    rep, req = ctx.socket(gz.REP), ctx.socket(gz.REQ)
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    dev = gevent.spawn(gz.device, gz.QUEUE, rep, rep)  # libzmq's proxy echoes so
    req.connect(f"tcp://127.0.0.1:{port}")
    try:
        for i in range(3):
            req.send(b"hi %d" % i)
            assert gevent.spawn(req.recv).get(timeout=5) == b"hi %d" % i
    finally:
        dev.kill(block=True)
        ctx.destroy(linger=0)
