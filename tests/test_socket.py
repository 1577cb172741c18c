import json
import pickle
import threading
import time

import pytest

import greenzmq as zmq

ALL_TYPES = ["PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB",
             "XSUB", "STREAM", "XREQ", "XREP"]


@pytest.mark.parametrize("name", ALL_TYPES)
def test_every_socket_type(ctx, name):
    s = ctx.socket(getattr(zmq, name))
    assert s.socket_type == getattr(zmq, name) == s.getsockopt(zmq.TYPE)
    assert not s.closed
    s.close()
    assert s.closed


def test_bad_socket_type(ctx):
    with pytest.raises(zmq.ZMQError) as e:
        ctx.socket(999)
    assert e.value.errno == zmq.EINVAL
    with pytest.raises(TypeError):
        ctx.socket("PUSH")


def test_send_recv_bytes_and_buffers(push_pull):
    a, b = push_pull
    a.send(b"bytes")
    a.send(bytearray(b"bytearray"))
    a.send(memoryview(b"memoryview"))
    a.send(b"")
    assert [b.recv() for _ in range(4)] == [b"bytes", b"bytearray", b"memoryview", b""]


def test_send_str_names_send_string(push_pull):
    a, _ = push_pull
    with pytest.raises(TypeError, match="send_string"):
        a.send("text")
    with pytest.raises(TypeError):
        a.send(12)
    with pytest.raises(TypeError, match="send_string"):
        a.send_multipart([b"ok", "text"])


def test_multipart_is_checked_before_sending(push_pull):
    a, b = push_pull
    with pytest.raises(TypeError):
        a.send_multipart([b"first", object()])
    a.send_multipart([b"x", bytearray(b"y"), memoryview(b"z"), zmq.Frame(b"w")])
    assert b.recv_multipart() == [b"x", b"y", b"z", b"w"]  # nothing of the bad message leaked
    with pytest.raises(ValueError):
        a.send_multipart([])
    a.send_multipart(iter([b"gen", b"erator"]))
    assert b.recv_multipart() == [b"gen", b"erator"]


def test_recv_copy_false_gives_frames(push_pull):
    a, b = push_pull
    a.send_multipart([b"one", b"two"])
    frames = b.recv_multipart(copy=False)
    assert [f.bytes for f in frames] == [b"one", b"two"]
    assert frames[0].more and not frames[1].more
    assert bytes(frames[1].buffer) == b"two" and frames[1].buffer.readonly


def test_sndmore_and_rcvmore(push_pull):
    a, b = push_pull
    a.send(b"a", zmq.SNDMORE)
    a.send(b"b")
    assert b.recv() == b"a" and b.rcvmore == 1
    assert b.recv() == b"b" and b.getsockopt(zmq.RCVMORE) == 0


def test_recv_into(push_pull):
    a, b = push_pull
    buf = bytearray(10)
    a.send(b"hello")
    assert b.recv_into(buf) == 5 and buf[:5] == b"hello"
    a.send(b"0123456789abcdef")
    assert b.recv_into(buf, nbytes=4) == 16 and buf[:4] == b"0123"  # truncated, size reported
    with pytest.raises((TypeError, BufferError)):
        b.recv_into(b"readonly")
    with pytest.raises(ValueError):
        b.recv_into(buf, nbytes=11)
    with pytest.raises(zmq.Again):
        b.recv_into(buf, flags=zmq.NOBLOCK)


def test_noblock_raises_again(push_pull):
    _, b = push_pull
    with pytest.raises(zmq.Again) as e:
        b.recv(zmq.NOBLOCK)
    assert e.value.errno == zmq.EAGAIN and isinstance(e.value, zmq.ZMQError)


@pytest.mark.timeout(10)
@pytest.mark.parametrize("timeout", [0, 50])
def test_rcvtimeo_and_sndtimeo(ctx, timeout):
    s = ctx.socket(zmq.PULL)
    s.rcvtimeo = timeout
    t0 = time.monotonic()
    with pytest.raises(zmq.Again):
        s.recv()
    assert time.monotonic() - t0 >= timeout / 1000 * 0.9
    p = ctx.socket(zmq.PUSH)  # no peer: send would block
    p.sndtimeo = timeout
    with pytest.raises(zmq.Again):
        p.send(b"x")
    with pytest.raises(zmq.Again):
        p.send_multipart([b"x", b"y"])


@pytest.mark.timeout(10)
def test_blocking_recv_releases_the_gil(push_pull):
    a, b = push_pull
    counter = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    b.rcvtimeo = 200
    with pytest.raises(zmq.Again):
        b.recv()
    stop.set()
    t.join()
    assert counter[0] > 1000  # the spinning thread ran while recv blocked


def test_options_types(ctx):
    s = ctx.socket(zmq.ROUTER)
    s.identity = b"me"
    assert s.identity == b"me" and s.getsockopt(zmq.ROUTING_ID) == b"me"
    s.setsockopt_string(zmq.IDENTITY, "you")
    assert s.getsockopt_string(zmq.IDENTITY) == "you" and s.get_string(zmq.IDENTITY) == "you"
    s.set_string(zmq.IDENTITY, "them")
    assert s.getsockopt_unicode(zmq.IDENTITY) == "them"
    s.set(zmq.AFFINITY, 3)
    assert s.get(zmq.AFFINITY) == 3  # int64 option
    s.maxmsgsize = 2**40
    assert s.maxmsgsize == 2**40
    assert isinstance(s.fd, int) and s.fileno() == s.fd
    assert not s.events & zmq.POLLIN
    with pytest.raises(TypeError, match="setsockopt_string"):
        s.setsockopt(zmq.IDENTITY, "str")
    with pytest.raises(TypeError):
        s.setsockopt(zmq.IDENTITY, 5)
    with pytest.raises(TypeError):
        s.setsockopt(zmq.LINGER, 1.5)
    with pytest.raises(ValueError):
        s.setsockopt(zmq.LINGER, 2**40)
    with pytest.raises(zmq.ZMQError) as e:
        s.setsockopt(9999, 1)
    assert e.value.errno == zmq.EINVAL
    with pytest.raises(zmq.ZMQError):
        s.getsockopt(9999)
    with pytest.raises(TypeError):
        s.getsockopt_string(zmq.LINGER)


def test_hwm_property(ctx):
    s = ctx.socket(zmq.PUSH)
    s.hwm = 5
    assert s.sndhwm == 5 and s.rcvhwm == 5 and s.hwm == 5


def test_curve_key_options_are_z85(ctx):
    pub, sec = zmq.curve_keypair()
    s = ctx.socket(zmq.DEALER)
    s.curve_secretkey = sec
    s.curve_publickey = pub
    assert s.curve_publickey == pub and s.curve_secretkey == sec


def test_last_endpoint_and_bind_context_manager(ctx):
    s = ctx.socket(zmq.PULL)
    with s.bind("tcp://127.0.0.1:*") as bound:
        assert bound is s
        ep = s.last_endpoint.decode()
        assert ep.startswith("tcp://127.0.0.1:")
        c = ctx.socket(zmq.PUSH)
        with c.connect(ep):
            c.send(b"in")
            assert s.recv() == b"in"
    with pytest.raises(zmq.ZMQError) as e:  # already unbound by the with block
        s.unbind(ep)
    assert e.value.errno == zmq.ENOENT


def test_bind_to_random_port(ctx):
    s = ctx.socket(zmq.PULL)
    port = s.bind_to_random_port("tcp://127.0.0.1")
    assert 0 < port < 65536 and s.last_endpoint.endswith(str(port).encode())
    t = ctx.socket(zmq.PULL)
    port2 = t.bind_to_random_port("tcp://127.0.0.1", min_port=20000, max_port=60000)
    assert 20000 <= port2 < 60000
    u = ctx.socket(zmq.PULL)
    with pytest.raises(zmq.ZMQBindError):
        u.bind_to_random_port("tcp://127.0.0.1", min_port=port, max_port=port + 1, max_tries=3)


def test_bind_errors_carry_errno_and_address(ctx):
    s = ctx.socket(zmq.PULL)
    with pytest.raises(zmq.ZMQError) as e:
        s.bind("nonsense")
    assert e.value.errno == zmq.EINVAL and "nonsense" in str(e.value)
    with pytest.raises(zmq.ZMQError) as e:
        s.connect("bogus://x")
    assert e.value.errno == zmq.EPROTONOSUPPORT
    port = s.bind_to_random_port("tcp://127.0.0.1")
    t = ctx.socket(zmq.PULL)
    with pytest.raises(zmq.ZMQError) as e:
        t.bind(f"tcp://127.0.0.1:{port}")
    assert e.value.errno == zmq.EADDRINUSE
    with pytest.raises(TypeError):
        s.bind(5)


def test_unbind_disconnect(ctx, tmp_path):
    s = ctx.socket(zmq.PULL)
    addr = f"ipc://{tmp_path}/sock"
    s.bind(addr)
    s.unbind(addr)
    with pytest.raises(zmq.ZMQError):
        s.unbind(addr)
    c = ctx.socket(zmq.PUSH)
    c.connect(addr)
    c.disconnect(addr)


def test_closed_socket_raises_enotsock(ctx):
    s = ctx.socket(zmq.PAIR)
    s.close()
    s.close()  # idempotent
    for call in (lambda: s.send(b"x"), lambda: s.recv(), lambda: s.bind("inproc://c"),
                 lambda: s.connect("inproc://c"), lambda: s.getsockopt(zmq.LINGER),
                 lambda: s.setsockopt(zmq.LINGER, 0), lambda: s.send_multipart([b"x"]),
                 lambda: s.recv_multipart(), lambda: s.poll(0), lambda: s.fileno(),
                 lambda: s.linger, lambda: s.send_string("x"), lambda: s.recv_into(bytearray(1))):
        with pytest.raises(zmq.ZMQError) as e:
            call()
        assert e.value.errno == zmq.ENOTSOCK


def test_close_with_linger_and_context_manager(ctx):
    with ctx.socket(zmq.PUSH) as s:
        pass
    assert s.closed
    t = ctx.socket(zmq.PUSH)
    t.close(linger=0)
    assert t.closed


def test_serialising_helpers(push_pull):
    a, b = push_pull
    a.send_string("héllo")
    assert b.recv_string() == "héllo"
    a.send_unicode("x", encoding="utf-16")
    assert b.recv_unicode(encoding="utf-16") == "x"
    with pytest.raises(TypeError):
        a.send_string(b"bytes")
    a.send_json({"k": [1, 2]})
    assert b.recv_json() == {"k": [1, 2]}
    a.send_pyobj({1, 2})
    raw = b.recv()
    assert pickle.loads(raw) == {1, 2}
    assert raw[1] == pickle.DEFAULT_PROTOCOL  # pickle's default protocol, like pyzmq
    a.send_serialized({"x": 1}, lambda m: [b"json", json.dumps(m).encode()])
    assert b.recv_serialized(lambda fs: (fs[0], json.loads(fs[1]))) == (b"json", {"x": 1})
    assert "untrusted" in zmq.Socket.recv_pyobj.__doc__ or "trust" in zmq.Socket.recv_pyobj.__doc__


def test_subscribe_unsubscribe(pair):
    pub, sub = pair(zmq.PUB, zmq.SUB)
    sub.subscribe("a")
    sub.subscribe(b"b")
    sub.unsubscribe("b")
    # subscriptions travel asynchronously: keep publishing until the first one arrives
    for _ in range(1000):
        pub.send(b"a1")
        if sub.poll(10):
            break
    assert sub.recv() == b"a1"
    pub.send(b"b1")
    pub.send(b"a2")
    msgs = []
    while sub.poll(50):
        msgs.append(sub.recv())
    assert b"b1" not in msgs and b"a2" in msgs


def test_poll_method(push_pull):
    a, b = push_pull
    assert b.poll(0) == 0
    assert a.poll(0, zmq.POLLOUT) == zmq.POLLOUT
    a.send(b"x")
    assert b.poll(1000) == zmq.POLLIN


def test_monitor_socket(ctx):
    s = ctx.socket(zmq.PULL)
    mon = s.get_monitor_socket()
    s.bind("tcp://127.0.0.1:*")
    assert mon.poll(2000)
    event = mon.recv_multipart()
    assert len(event) == 2 and int.from_bytes(event[0][:2], "little") == zmq.EVENT_LISTENING
    s.disable_monitor()
    mon.close()


def test_shadow_socket(ctx):
    s = ctx.socket(zmq.PAIR)
    sh = zmq.Socket.shadow(s.underlying)
    assert sh.socket_type == zmq.PAIR
    sh.bind("inproc://sh")
    sh.close()
    assert not s.closed  # the shadow does not own it


def test_inproc_sequences_that_abort_libzmq_are_refused(ctx):
    st = ctx.socket(zmq.STREAM)
    with pytest.raises(zmq.ZMQError):
        st.bind("inproc://stream")
    with pytest.raises(zmq.ZMQError):
        st.connect("inproc://stream")
    r = ctx.socket(zmq.ROUTER)
    r.connect("inproc://pairname")
    p1, p2 = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    p2.bind("inproc://other")
    p1.connect("inproc://other")
    with pytest.raises(zmq.ZMQError):
        p1.bind("inproc://pairname")


def test_unclosed_socket_warns_resourcewarning(ctx):
    import gc

    s = ctx.socket(zmq.PAIR)
    with pytest.warns(ResourceWarning):
        del s
        gc.collect()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("transport", ["inproc", "tcp"])
def test_big_bytes_with_copy_true_go_by_reference_and_are_released(pair, transport):
    # bytes at or above 64 KiB are sent by reference even with copy=True (they cannot
    # change); the receiver still gets its own bytes, and the sender's reference is dropped
    import sys

    a, b = pair(zmq.PUSH, zmq.PULL, transport)
    big = bytes(range(256)) * 4096  # 1 MiB
    edge = b"e" * 65536
    base = sys.getrefcount(big), sys.getrefcount(edge)
    for _ in range(50):
        assert a.send(big) is None
    tracker = a.send(edge, track=True)
    assert tracker.done  # a copy, as far as the caller can tell
    got = [b.recv() for _ in range(51)]
    assert got[:50] == [big] * 50 and got[50] == edge
    assert all(g is not big for g in got) and type(got[0]) is bytes
    del got
    deadline = time.monotonic() + 10
    while (sys.getrefcount(big), sys.getrefcount(edge)) != base:  # released by another thread
        assert time.monotonic() < deadline, "the sender's bytes were never released"
        time.sleep(0.001)
