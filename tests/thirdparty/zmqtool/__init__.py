"""A stand-in for a third-party library written for pyzmq (a process manager, say).

It imports ``zmq`` on its own, at import time, as such libraries do, and refuses to load
on a pyzmq older than 13.1. tests/test_install_as_zmq.py runs it on greenzmq.
"""
import zmq
from zmq import ssh  # noqa: F401  (imported at load time, as circus does)
from zmq.devices import ThreadDevice  # noqa: F401
from zmq.eventloop import zmqstream  # noqa: F401

if tuple(int(x) for x in zmq.__version__.split(".")[:2]) < (13, 1):
    raise ImportError(f"zmqtool needs pyzmq >= 13.1, found {zmq.__version__}")


def roundtrip(payload: bytes) -> bytes:
    """Send ``payload`` over PAIR sockets and return what arrived."""
    ctx = zmq.Context()
    try:
        a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect(f"tcp://127.0.0.1:{port}")
        b.rcvtimeo = 5000
        a.send(payload)
        got = b.recv()
        a.close(linger=0)
        b.close(linger=0)
        return got
    finally:
        ctx.term()


def binding() -> str:
    """Which module ``import zmq`` gave this library."""
    return zmq.Context.__module__
