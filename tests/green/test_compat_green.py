"""pyzmq/eventlet conformance of the green layers (issue 13)."""
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
