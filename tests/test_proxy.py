"""The core's device() and proxy(): libzmq's loop with the GIL released."""
import threading

import pytest

import greenzmq as zmq


def _run(fn, *args):
    out = []

    def target():
        try:
            fn(*args)
        except zmq.ContextTerminated as e:
            out.append(e)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, out


@pytest.mark.timeout(20)
@pytest.mark.parametrize("use_device", [False, True])
def test_queue_between_req_and_rep_until_term(use_device):
    ctx = zmq.Context()
    front, back = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER)
    front.bind("inproc://front")
    back.bind("inproc://back")
    capture = ctx.socket(zmq.PUSH)
    capture.bind("inproc://cap")
    tap = ctx.socket(zmq.PULL)
    tap.connect("inproc://cap")
    if use_device:
        t, out = _run(zmq.device, zmq.QUEUE, front, back)
    else:
        t, out = _run(zmq.proxy, front, back, capture)
    req, rep = ctx.socket(zmq.REQ), ctx.socket(zmq.REP)
    req.connect("inproc://front")
    rep.connect("inproc://back")
    for i in range(50):
        req.send(b"%d" % i)
        assert rep.recv() == b"%d" % i
        rep.send(b"r%d" % i)
        assert req.recv() == b"r%d" % i  # the main thread runs: the proxy holds no GIL
    if not use_device:
        assert tap.recv_multipart()[-1] == b"0"  # capture got the first request
    for s in (req, rep, tap):
        s.close(linger=0)
    ctx._term_thread = threading.Thread(target=ctx.term, daemon=True)
    ctx._term_thread.start()
    t.join(5)
    assert out and out[0].errno == zmq.ETERM
    for s in (front, back, capture):
        s.close(linger=0)
    ctx._term_thread.join(5)
    assert ctx.closed


def test_device_rejects_bad_type(ctx):
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    with pytest.raises(ValueError):
        zmq.device(99, a, b)
    with pytest.raises(TypeError):
        zmq.proxy(a, "not a socket")
    a.close()
    with pytest.raises(zmq.ZMQError) as e:
        zmq.proxy(a, b)
    assert e.value.errno == zmq.ENOTSOCK


def test_frame_wait(push_pull):
    a, b = push_pull
    f = zmq.Frame(b"w" * 100000, track=True)
    a.send(f, copy=False)
    got = b.recv(copy=False)
    with pytest.raises(zmq.NotDone):
        f.wait(0.01)  # the receiver's frame still holds the shared buffer
    del got, f


@pytest.mark.timeout(20)
def test_device_on_one_rep_socket_echoes_and_close_stops_it(ctx):
    rep, req = ctx.socket(zmq.REP), ctx.socket(zmq.REQ)
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    errors = []

    def run():
        try:
            zmq.device(zmq.QUEUE, rep, rep)  # libzmq's proxy echoes through one socket
        except zmq.ZMQError as e:
            errors.append(e.errno)

    t = threading.Thread(target=run)
    t.start()
    req.connect("tcp://127.0.0.1:%d" % port)
    req.rcvtimeo = 5000
    for i in range(3):
        req.send(b"hi %d" % i)
        assert req.recv() == b"hi %d" % i
    rep.close()  # from this thread: wakes the device's thread
    t.join(10)
    assert not t.is_alive() and errors == [zmq.ENOTSOCK]
