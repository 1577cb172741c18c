import gc
import resource
import threading

import pytest

import greenzmq as zmq


def test_frame_basics():
    f = zmq.Frame(b"hello")
    assert len(f) == 5 and f.bytes == b"hello" and bytes(f) == b"hello"
    assert f.buffer.readonly and bytes(f.buffer) == b"hello"
    assert f == b"hello" and f == zmq.Frame(b"hello") and not f.more
    assert zmq.Message is zmq.Frame
    assert len(zmq.Frame()) == 0
    with pytest.raises(TypeError):
        zmq.Frame("text")
    with pytest.raises(TypeError):
        zmq.Frame(3)


def test_frame_copies_cache_bytes():
    data = b"x" * 100
    f = zmq.Frame(data)
    assert f.bytes is data  # bytes input needs no second copy
    g = zmq.Frame(bytearray(data))
    assert g.bytes is g.bytes  # copied once, then cached


def test_frame_zero_copy_and_tracker(push_pull):
    a, b = push_pull
    buf = bytearray(b"z" * 200000)
    f = zmq.Frame(buf, track=True)
    assert f.tracker is not None and not f.done
    tracker = a.send(f, copy=False, track=True)
    assert tracker is f.tracker
    got = b.recv(copy=False)
    assert got.bytes == bytes(buf)
    del got, f
    gc.collect()
    tracker.wait(5)
    assert tracker.done


def test_send_track_returns_tracker_done_after_release(pair):
    b, a = pair(zmq.PULL, zmq.PUSH, "tcp")
    data = b"y" * 300000
    t = a.send(data, copy=False, track=True)
    assert isinstance(t, zmq.MessageTracker)
    assert b.recv() == data
    t.wait(5)
    assert t.done
    # small tracked sends are zero-copy too (track forces it)
    t2 = a.send(b"tiny", copy=False, track=True)
    assert b.recv() == b"tiny"
    t2.wait(5)
    # copy=True with track gives an already-finished tracker
    assert a.send(b"c", track=True).done
    assert b.recv() == b"c"


def test_tracker_wait_times_out_with_notdone(ctx):
    s = ctx.socket(zmq.PUSH)
    s.connect("tcp://127.0.0.1:1")  # never delivered: libzmq keeps the buffer
    t = s.send(b"q" * 100000, copy=False, track=True)
    with pytest.raises(zmq.NotDone):
        t.wait(0.05)
    assert not t.done
    s.close(linger=0)
    t.wait(5)  # closing drops the queued message, releasing the buffer
    assert t.done


def test_tracker_of_trackers_and_events():
    ev = threading.Event()
    t = zmq.MessageTracker(ev)
    assert not t.done
    ev.set()
    assert t.done
    combined = zmq.MessageTracker(t, zmq.MessageTracker())
    assert combined.done
    combined.wait(0)
    with pytest.raises(TypeError):
        zmq.MessageTracker(42)
    with pytest.raises(ValueError):
        zmq.MessageTracker(zmq.Frame(b"untracked"))


def test_untracked_frame_done_raises():
    f = zmq.Frame(b"x")
    with pytest.raises(ValueError):
        f.done


def test_zero_copy_buffer_kept_alive(push_pull):
    a, b = push_pull
    payload = bytearray(b"k" * 100000)
    a.send(payload, copy=False)
    payload_view = memoryview(payload)
    del payload
    gc.collect()
    assert b.recv() == bytes(payload_view)


def test_frame_properties(pair):
    b, a = pair(zmq.PULL, zmq.PUSH, "tcp")
    a.send_multipart([b"a", b"b"])
    f = b.recv(copy=False)
    assert f.more and f.get(zmq.MORE) == 1
    assert f.get("Peer-Address") == "127.0.0.1"
    assert f.get("Socket-Type") == "PUSH"
    with pytest.raises(zmq.ZMQError):
        f.get("No-Such-Property")
    with pytest.raises(zmq.ZMQError):
        f.set(zmq.MORE, 1)
    with pytest.raises(zmq.ZMQError):
        f.routing_id  # draft API only
    b.recv()


def test_received_frame_buffer_is_zero_copy(push_pull):
    a, b = push_pull
    a.send(b"v" * 1000)
    f = b.recv(copy=False)
    m = f.buffer
    assert m.tobytes() == b"v" * 1000 and m.obj is f  # a view on the frame, not a copy


def _rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


@pytest.mark.timeout(120)
def test_no_leak_over_many_zero_copy_sends(push_pull):
    a, b = push_pull
    data = b"m" * 70000

    def run(n):
        for i in range(n):
            t = a.send(data, copy=False, track=(i % 10 == 0))
            b.recv(copy=False)
        if t is not None:
            t.wait(5)

    run(10000)
    before = _rss_mb()
    run(100000)
    gc.collect()
    assert _rss_mb() - before < 5
