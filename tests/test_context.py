import os
import threading

import pytest

import greenzmq as zmq
import toolbox


def test_context_defaults_and_options():
    ctx = zmq.Context()
    try:
        assert not ctx.closed
        assert ctx.get(zmq.IO_THREADS) == 1
        ctx.set(zmq.MAX_SOCKETS, 100)
        assert ctx.get(zmq.MAX_SOCKETS) == 100
        assert ctx.max_sockets == 100
        assert ctx.get(zmq.SOCKET_LIMIT) > 0
        assert isinstance(ctx.underlying, int) and ctx.underlying
    finally:
        ctx.term()
    assert ctx.closed


def test_io_threads_argument():
    ctx = zmq.Context(io_threads=2)
    assert ctx.get(zmq.IO_THREADS) == 2
    ctx.term()
    with pytest.raises(zmq.ZMQError) as info:  # what libzmq says, as in pyzmq
        zmq.Context(io_threads=-1)
    assert info.value.errno == zmq.EINVAL
    with pytest.raises(ValueError):  # libzmq would abort starting that many IO threads
        zmq.Context(io_threads=100000)
    with pytest.raises(TypeError):
        zmq.Context(io_threads="2")


def test_default_socket_options_apply_to_new_sockets(ctx):
    ctx.linger = 0
    ctx.setsockopt(zmq.SNDHWM, 7)
    ctx.subscribe = b""  # only meaningful for SUB: skipped elsewhere, as in pyzmq
    s = ctx.socket(zmq.PUSH)
    assert s.linger == 0 and s.sndhwm == 7
    assert ctx.getsockopt(zmq.LINGER) == 0
    del ctx.linger
    assert ctx.socket(zmq.PUSH).linger == -1


def test_socket_class_and_kwargs(ctx):
    class MySocket(zmq.Socket):
        tag: str | None  # declared: an undeclared public attribute is refused, as in pyzmq

        def __init__(self, *a, tag=None, **kw):
            super().__init__(*a, **kw)
            self.tag = tag

    s = ctx.socket(zmq.PAIR, socket_class=MySocket, tag="x")
    assert isinstance(s, MySocket) and s.tag == "x" and s.context is ctx
    assert s.socket_type == zmq.PAIR


def test_term_with_sockets_waits_per_linger():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.connect("tcp://127.0.0.1:1")  # nobody there: the message stays queued
    s.send(b"x")
    s.close(linger=50)
    ctx.term()  # returns after ~50 ms instead of waiting forever
    assert ctx.closed


@pytest.mark.timeout(10)
def test_destroy_never_hangs_and_closes_sockets():
    ctx = zmq.Context()
    socks = [ctx.socket(zmq.PUSH) for _ in range(5)]
    for s in socks:
        s.connect("tcp://127.0.0.1:1")
        s.send(b"unsent")
    ctx.destroy(linger=0)
    assert all(s.closed for s in socks) and ctx.closed


@pytest.mark.timeout(10)
def test_term_wakes_blocked_thread_with_context_terminated():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.bind("inproc://t")
    got = []

    def blocked():
        try:
            s.recv()
        except zmq.ContextTerminated as e:
            got.append(e)
        s.close()

    t = threading.Thread(target=blocked)
    t.start()
    ctx.term()
    t.join(5)
    assert got and got[0].errno == zmq.ETERM


@pytest.mark.timeout(10)
def test_destroy_with_socket_blocked_in_another_thread():
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.bind("inproc://d")
    started = threading.Event()
    got = []

    def blocked():
        started.set()
        try:
            s.recv()
        except zmq.ContextTerminated as e:
            got.append(e)

    t = threading.Thread(target=blocked)
    t.start()
    started.wait()
    while not s._blocking:
        pass
    ctx.destroy(linger=0)  # wakes the thread; its socket closes as the call returns
    t.join(5)
    assert got and s.closed and ctx.closed


def test_closed_context_refuses_sockets():
    ctx = zmq.Context()
    ctx.term()
    with pytest.raises(zmq.ContextTerminated):
        ctx.socket(zmq.PUSH)
    with pytest.raises(zmq.ContextTerminated):
        ctx.get(zmq.IO_THREADS)
    ctx.term()  # a second term is a no-op


def test_context_manager_terms():
    with zmq.Context() as ctx:
        ctx.socket(zmq.PAIR).close()
    assert ctx.closed


def test_instance_is_singleton_per_class_and_renewed():
    a = zmq.Context.instance()
    assert zmq.Context.instance() is a

    class Inherit(zmq.Context):  # pyzmq's rule: shares its base class's instance...
        pass

    class Own(zmq.Context):  # ...unless it declares its own
        _instance = None

    assert Inherit.instance() is a
    assert Own.instance() is not a and type(Own.instance()) is Own
    Own.instance().term()
    a.term()
    b = zmq.Context.instance()
    assert b is not a and not b.closed


@pytest.mark.timeout(20)
def test_instance_is_new_after_fork():
    parent = zmq.Context.instance()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            c = zmq.Context.instance()
            ok = c is not parent and not c.closed
            a, b = toolbox.pair(c, zmq.PAIR, zmq.PAIR)
            a.send(b"child")
            ok = ok and b.recv() == b"child"
            os.write(w, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(w)
    assert os.read(r, 1) == b"1"
    os.waitpid(pid, 0)
    assert not parent.closed


def test_shadow_context(ctx):
    shadow = zmq.Context.shadow(ctx.underlying)
    s = shadow.socket(zmq.PAIR)
    s.bind("inproc://shadowed")
    peer = ctx.socket(zmq.PAIR)
    peer.connect("inproc://shadowed")
    peer.send(b"via shadow")
    assert s.recv() == b"via shadow"
    s.close()
    shadow.term()  # does not terminate the real context
    assert not ctx.closed


@pytest.mark.timeout(20)
def test_context_cycle_collected_without_hang():
    import gc

    for _ in range(20):
        ctx = zmq.Context()
        s = ctx.socket(zmq.PUSH)
        s.connect("tcp://127.0.0.1:1")
        s.send(b"stuck")  # linger -1 and unsent: a blocking term would hang
        ctx._cycle = s
        s._cycle = ctx
        del ctx, s
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
