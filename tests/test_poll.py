import socket
import time

import pytest

import greenzmq as zmq


def test_poller_register_modify_unregister(push_pull):
    a, b = push_pull
    p = zmq.Poller()
    p.register(b, zmq.POLLIN)
    p.register(a)  # default POLLIN|POLLOUT
    assert b in p and dict(p.poll(0)) == {a: zmq.POLLOUT}
    a.send(b"x")
    assert dict(p.poll(1000))[b] == zmq.POLLIN
    p.modify(a, zmq.POLLIN)
    assert a not in dict(p.poll(0))
    p.unregister(a)
    assert a not in p
    with pytest.raises(KeyError):
        p.unregister(a)
    p.register(b, 0)  # flags 0 unregisters
    assert b not in p and p.poll(0) == []


@pytest.mark.timeout(10)
def test_poller_mixes_sockets_and_fds(push_pull):
    a, b = push_pull
    r, w = socket.socketpair()
    try:
        p = zmq.Poller()
        p.register(b, zmq.POLLIN)
        p.register(r, zmq.POLLIN)
        p.register(w.fileno(), zmq.POLLOUT)
        ready = dict(p.poll(100))
        assert ready == {w.fileno(): zmq.POLLOUT}
        w.send(b"!")
        a.send(b"x")
        p.unregister(w.fileno())
        deadline = time.monotonic() + 5
        ready = {}
        while len(ready) < 2 and time.monotonic() < deadline:
            ready.update(dict(p.poll(100)))
        assert ready == {b: zmq.POLLIN, r.fileno(): zmq.POLLIN}  # fds come back as fds (pyzmq)
    finally:
        r.close()
        w.close()


@pytest.mark.timeout(10)
def test_poll_timeout_is_honest(push_pull):
    _, b = push_pull
    p = zmq.Poller()
    p.register(b, zmq.POLLIN)
    t0 = time.monotonic()
    assert p.poll(120) == []
    assert 0.1 <= time.monotonic() - t0 < 2


def test_select(push_pull):
    a, b = push_pull
    assert zmq.select([b], [a], [], 0) == ([], [a], [])
    a.send(b"x")
    r, w, x = zmq.select([b], [], [], 1)
    assert r == [b]


def test_poll_bad_items(push_pull):
    with pytest.raises(TypeError):
        zmq.zmq_poll([("not a socket", zmq.POLLIN)], 0)
    a, _ = push_pull
    a.close()
    with pytest.raises(zmq.ZMQError):
        zmq.zmq_poll([(a, zmq.POLLIN)], 0)
    with pytest.raises(TypeError):
        zmq.Poller().poll("soon")
