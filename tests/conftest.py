"""Shared fixtures: a fresh Context per test, destroyed at the end so nothing lingers."""
import pytest

import greenzmq as zmq


@pytest.fixture
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture
def pair(ctx):
    """A connected PAIR-PAIR over inproc."""
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    a.bind("inproc://pair-%x" % id(a))
    b.connect("inproc://pair-%x" % id(a))
    return a, b


@pytest.fixture
def push_pull(ctx):
    a, b = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    a.bind("inproc://pp-%x" % id(a))
    b.connect("inproc://pp-%x" % id(a))
    return a, b
