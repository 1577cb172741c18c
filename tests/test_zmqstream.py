"""ZMQStream on tornado's asyncio IOLoop with greenzmq core sockets."""
from __future__ import annotations

import asyncio
import logging

import pytest

pytest.importorskip("tornado")

import greenzmq as zmq  # noqa: E402
from greenzmq.eventloop import ioloop, zmqstream  # noqa: E402
from greenzmq.eventloop.zmqstream import ZMQStream  # noqa: E402
import toolbox  # noqa: E402

pytestmark = pytest.mark.timeout(20)


def run(coro_fn, timeout: float = 10.0):
    """Run ``coro_fn()`` on a fresh asyncio loop (tornado's IOLoop wraps it)."""
    async def main():
        return await asyncio.wait_for(coro_fn(), timeout)

    return asyncio.run(main())


def pair(ctx):
    """A connected PAIR-PAIR of ``ctx`` (either Context kind)."""
    return toolbox.pair(ctx, zmq.PAIR, zmq.PAIR, linger=0)


def wait_readable(sock, timeout_ms=5000):
    assert sock.poll(timeout_ms, zmq.POLLIN), "nothing arrived"


# --------------------------------------------------------------------------- names
def test_ioloop_names():
    from tornado.ioloop import IOLoop as TornadoIOLoop

    assert ioloop.IOLoop is TornadoIOLoop
    assert ioloop.ZMQIOLoop is TornadoIOLoop
    with pytest.warns(DeprecationWarning):  # a no-op that says so, as pyzmq's
        assert ioloop.install() is None
    import greenzmq.eventloop as ev

    assert ev.IOLoop is TornadoIOLoop
    assert ev.ZMQStream is ZMQStream
    with pytest.raises(AttributeError):
        ev.nothing_here  # noqa: B018


# --------------------------------------------------------------------------- echo
def test_echo_server_on_ioloop(ctx):
    n = 200

    async def main():
        server, client = toolbox.pair(ctx, zmq.ROUTER, zmq.DEALER, "tcp", linger=0)
        sstream = ZMQStream(server)
        cstream = ZMQStream(client)
        sstream.on_recv(sstream.send_multipart)  # echo [identity, payload] back
        replies = []
        done = asyncio.get_running_loop().create_future()

        def on_reply(msg):
            replies.append(msg)
            if len(replies) == n:
                done.set_result(None)

        cstream.on_recv(on_reply)
        for i in range(n):
            cstream.send_multipart([b"req", str(i).encode()])
        await done
        sstream.close()
        cstream.close()
        return replies

    replies = run(main)
    assert replies == [[b"req", str(i).encode()] for i in range(n)]


def test_on_recv_stream_and_on_send_stream(ctx):
    a, b = pair(ctx)

    async def main():
        sa, sb = ZMQStream(a), ZMQStream(b)
        got = asyncio.get_running_loop().create_future()
        sent = []
        sb.on_recv_stream(lambda stream, msg: got.set_result((stream, msg)))
        sa.on_send_stream(lambda stream, msg, status: sent.append((stream, msg, status)))
        sa.send(b"hi")
        stream, msg = await got
        assert stream is sb and msg == [b"hi"]
        assert sent == [(sa, [b"hi"], None)]
        sa.close()
        sb.close()

    run(main)


# --------------------------------------------------------------------------- flush
def test_flush_with_limits(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(b)
        got = []
        stream.on_recv(got.append)
        for i in range(10):
            a.send(b"%d" % i)
        assert stream.flush(zmq.POLLIN, limit=3) == 3
        assert got == [[b"0"], [b"1"], [b"2"]]
        assert stream.flush(zmq.POLLIN, limit=None) == 7
        assert [m[0] for m in got] == [b"%d" % i for i in range(10)]
        assert stream.flush() == 0  # nothing left

        # sends: queued messages go out only as far as the limit allows
        for i in range(5):
            stream.send(b"out%d" % i)
        assert stream.sending()
        assert stream.flush(zmq.POLLOUT, limit=2) == 2
        assert [a.recv() for _ in range(2)] == [b"out0", b"out1"]
        assert a.poll(50, zmq.POLLIN) == 0  # the other three still wait in the stream
        assert stream.flush(zmq.POLLIN) == 0  # POLLIN alone does not send
        assert stream.flush(zmq.POLLOUT) == 3
        assert not stream.sending()
        assert [a.recv() for _ in range(3)] == [b"out2", b"out3", b"out4"]

        # with POLLIN and no receive callback, flush drops (and counts) messages
        stream.stop_on_recv()
        for _ in range(4):
            a.send(b"drop")
        assert stream.flush(zmq.POLLIN, limit=0) == 4  # 0 means no limit, as in pyzmq
        assert b.poll(0, zmq.POLLIN) == 0
        assert len(got) == 10

        with pytest.raises(ValueError):
            stream.flush(zmq.POLLERR)
        with pytest.raises(ValueError):
            stream.flush(limit=-1)
        with pytest.raises(TypeError):
            stream.flush(limit="3")
        stream.close()

    run(main)


def test_flush_then_loop_delivers_each_message_once(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(b)
        got = []
        done = asyncio.get_running_loop().create_future()

        def on_msg(msg):
            got.append(msg[0])
            if len(got) == 6:
                done.set_result(None)

        stream.on_recv(on_msg)
        for i in range(6):
            a.send(b"%d" % i)
        assert stream.flush(limit=2) == 2
        await done  # the loop delivers the rest
        await asyncio.sleep(0.05)  # give a duplicate delivery the chance to show
        stream.close()
        return got

    assert run(main) == [b"%d" % i for i in range(6)]


# --------------------------------------------------------------------------- trackers
def test_on_send_gets_tracker_with_copy_false(ctx):
    a, b = pair(ctx)
    payload = b"x" * 100_000  # above the zero-copy threshold

    async def main():
        stream = ZMQStream(a)
        statuses = asyncio.Queue()
        stream.on_send(lambda msg, status: statuses.put_nowait((msg, status)))
        stream.send(payload, copy=False, track=True)
        msg, tracker = await statuses.get()
        assert msg == [payload]
        assert isinstance(tracker, zmq.MessageTracker)
        assert b.recv() == payload
        tracker.wait(5)
        assert tracker.done

        # without track there is no tracker
        stream.send_multipart([b"a", b"b"], copy=False)
        msg, status = await statuses.get()
        assert msg == [b"a", b"b"] and status is None
        assert b.recv_multipart() == [b"a", b"b"]

        # a per-message callback takes the place of on_send for that message only
        own = asyncio.get_running_loop().create_future()
        stream.send(b"c", callback=lambda msg, status: own.set_result(msg))
        assert await own == [b"c"]
        stream.send(b"d")
        msg, status = await statuses.get()
        assert msg == [b"d"]
        stream.close()

    run(main)


def test_on_recv_copy_false_gives_frames(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(b)
        got = asyncio.get_running_loop().create_future()
        stream.on_recv(got.set_result, copy=False)
        a.send_multipart([b"one", b"two"])
        frames = await got
        assert all(isinstance(f, zmq.Frame) for f in frames)
        assert [f.bytes for f in frames] == [b"one", b"two"]
        stream.close()

    run(main)


# --------------------------------------------------------------------------- close
def test_close_callback_and_closed_state(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(b)
        calls = []
        stream.set_close_callback(lambda: calls.append("closed"))
        assert not stream.closed()
        stream.close(linger=0)
        assert calls == ["closed"]
        assert stream.closed() and stream.socket is None
        assert b.closed
        stream.close()  # a second close is harmless and does not call back again
        assert calls == ["closed"]
        with pytest.raises(OSError):
            stream.send(b"x")
        with pytest.raises(OSError):
            stream.on_recv(lambda msg: None)
        with pytest.raises(zmq.ZMQError):
            stream.getsockopt(zmq.TYPE)  # still reaches the (closed) socket

        # a socket closed behind the stream's back is noticed
        other = ZMQStream(a)
        other.set_close_callback(lambda: calls.append("other"))
        a.close()
        with pytest.warns(RuntimeWarning, match="after closing socket"):  # as pyzmq warns
            assert other.closed()
        assert calls == ["closed", "other"]

    run(main)


def test_set_close_callback_rejects_non_callable(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(a)
        with pytest.raises(TypeError):
            stream.set_close_callback(42)
        with pytest.raises(TypeError):
            stream.on_recv("nope")
        with pytest.raises(AssertionError):  # what pyzmq raises: the error is both
            stream.on_recv(1)
        with pytest.raises(TypeError):
            ZMQStream(object())
        stream.close()

    run(main)


# --------------------------------------------------------------------------- edge trigger
@pytest.mark.parametrize("transport", ["inproc", "tcp"])
def test_ten_thousand_messages_in_bursts(ctx, transport):
    total, burst = 10_000, 1_000

    async def main():
        # HWMs 0, unbounded: a burst never blocks the loop
        pull, push = toolbox.pair(ctx, zmq.PULL, zmq.PUSH, transport, linger=0, rcvhwm=0,
                                  sndhwm=0)
        stream = ZMQStream(pull)
        got = []
        done = asyncio.get_running_loop().create_future()

        def on_msg(msg):
            got.append(msg[0])
            if len(got) == total:
                done.set_result(None)

        stream.on_recv(on_msg)
        for start in range(0, total, burst):
            # a whole burst lands between two loop iterations: one fd edge at most
            for i in range(start, start + burst):
                push.send(b"%d" % i)
            await asyncio.sleep(0)
        await done
        stream.close()
        push.close()
        return got

    got = run(main, timeout=15)
    assert got == [b"%d" % i for i in range(total)]


def test_message_waiting_before_on_recv_is_delivered(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(b)
        a.send(b"early")
        wait_readable(b)
        # reading EVENTS consumed the fd's edge: only re-checking EVENTS finds it
        assert b.getsockopt(zmq.EVENTS) & zmq.POLLIN
        got = asyncio.get_running_loop().create_future()
        stream.on_recv(got.set_result)
        assert await got == [b"early"]
        stream.close()

    run(main)


def test_stop_on_recv_and_resume(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(b)
        queue = asyncio.Queue()
        stream.on_recv(queue.put_nowait)
        a.send(b"1")
        assert await queue.get() == [b"1"]
        stream.stop_on_recv()
        assert not stream.receiving()
        a.send(b"2")
        wait_readable(b)  # b.poll: the message is there, and stays unread
        await asyncio.sleep(0.02)
        assert queue.empty()
        stream.on_recv(queue.put_nowait)
        assert stream.receiving()
        assert await queue.get() == [b"2"]
        stream.close()

    run(main)


# --------------------------------------------------------------------------- errors
def test_raising_callback_is_logged_and_loop_goes_on(ctx, caplog):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(b)
        got = []
        done = asyncio.get_running_loop().create_future()

        def on_msg(msg):
            got.append(msg[0])
            if msg[0] == b"boom":
                raise RuntimeError("callback failed")
            if len(got) == 3:
                done.set_result(None)

        stream.on_recv(on_msg)
        for m in (b"ok", b"boom", b"after"):
            a.send(m)
        await done
        stream.close()
        return got

    with caplog.at_level(logging.ERROR, logger="tornado.general"):
        assert run(main) == [b"ok", b"boom", b"after"]
    errors = [r for r in caplog.records if "ZMQStream callback" in r.getMessage()]
    assert len(errors) == 1
    assert errors[0].exc_info[0] is RuntimeError


def test_coroutine_callback_runs_and_its_error_is_logged(ctx, caplog):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(b)
        seen = asyncio.Queue()

        async def on_msg(msg):
            await asyncio.sleep(0)
            await seen.put(msg)
            if msg == [b"bad"]:
                raise ValueError("async failure")

        stream.on_recv(on_msg)
        a.send(b"good")
        a.send(b"bad")
        assert await seen.get() == [b"good"]
        assert await seen.get() == [b"bad"]
        for _ in range(5):
            await asyncio.sleep(0)  # let the failed coroutine's done-callback run
        stream.close()

    with caplog.at_level(logging.ERROR, logger="tornado.general"):
        run(main)
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)


def test_on_err_gets_send_failures(ctx):
    async def main():
        router = ctx.socket(zmq.ROUTER)
        dealer = ctx.socket(zmq.DEALER)
        router.linger = dealer.linger = 0
        router.setsockopt(zmq.ROUTER_MANDATORY, 1)
        router.bind("inproc://mandatory")
        dealer.connect("inproc://mandatory")
        # with ROUTER_MANDATORY the router is writable only once it has a peer
        dealer.send(b"hello")
        wait_readable(router)
        router.recv_multipart()
        stream = ZMQStream(router)
        errors = asyncio.Queue()
        statuses = asyncio.Queue()
        stream.on_err(errors.put_nowait)
        stream.on_send(lambda msg, status: statuses.put_nowait(status))
        stream.send_multipart([b"unknown-peer", b"hello"])
        err = await errors.get()
        assert isinstance(err, zmq.ZMQError) and err.errno == zmq.EHOSTUNREACH
        assert await statuses.get() is err
        assert not stream.closed()  # an unroutable message does not end the stream
        stream.close()

    run(main)


# --------------------------------------------------------------------------- API
def test_send_helpers(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(a)
        stream.send_string("héllo")
        stream.send_unicode("wörld", encoding="latin-1")
        stream.send_json({"k": [1, 2]})
        stream.send_pyobj({"set": {1, 2}})
        stream.send_multipart([b"m1", memoryview(b"m2")])
        assert stream.flush(zmq.POLLOUT) == 5
        assert b.recv_string() == "héllo"
        assert b.recv() == "wörld".encode("latin-1")
        assert b.recv_json() == {"k": [1, 2]}
        assert b.recv_pyobj() == {"set": {1, 2}}
        assert b.recv_multipart() == [b"m1", b"m2"]

        with pytest.raises(TypeError):
            stream.send("text")
        with pytest.raises(TypeError):
            stream.send_string(b"bytes")
        with pytest.raises(TypeError):
            stream.send_multipart(b"not a list")
        with pytest.raises(TypeError):
            stream.send_multipart([b"ok", "text"])
        with pytest.raises(ValueError):
            stream.send_multipart([])
        assert not stream.sending()  # refused messages were not queued
        stream.close()

    run(main)


def test_socket_methods_reachable_through_stream(ctx):
    async def main():
        sock = ctx.socket(zmq.PUB)
        stream = ZMQStream(sock)
        assert stream.bind is stream.bind  # cached on the stream
        assert stream.bind == stream.socket.bind
        assert stream.getsockopt == sock.getsockopt
        port = stream.bind_to_random_port("tcp://127.0.0.1")
        assert stream.getsockopt(zmq.LAST_ENDPOINT).endswith(f":{port}".encode())
        assert stream.getsockopt(zmq.TYPE) == zmq.PUB
        assert stream.type == zmq.PUB  # plain attributes too
        assert "connect" in dir(stream)
        with pytest.raises(AttributeError):
            stream.no_such_method  # noqa: B018
        with pytest.raises(AttributeError):
            stream._private  # noqa: B018
        stream.close(linger=0)

    run(main)


def test_default_io_loop_is_current(ctx):
    a, b = pair(ctx)

    async def main():
        stream = ZMQStream(a)
        assert stream.io_loop is ioloop.IOLoop.current()
        assert "ZMQStream" in repr(stream)
        stream.close()
        assert "closed" in repr(stream)

    run(main)


def test_module_exports():
    assert zmqstream.__all__ == ["ZMQStream", "CallbackError"]


# --------------------------------------------------------------------------- future
from greenzmq.eventloop import future as zfuture  # noqa: E402


@pytest.fixture
def fctx():
    c = zfuture.Context()
    yield c
    c.destroy(linger=0)


def test_future_socket_round_trip(fctx):
    a, b = pair(fctx)

    async def main():
        assert isinstance(a, zfuture.Socket)
        pending = b.recv_multipart()  # nothing there yet: waits on the loop
        assert not pending.done()
        await a.send_multipart([b"x", b"y"])
        assert await pending == [b"x", b"y"]
        await a.send_string("txt")
        assert await b.recv_string() == "txt"
        await a.send_json({"n": 1})
        assert await b.recv_json() == {"n": 1}
        await a.send_pyobj((1, 2))
        assert await b.recv_pyobj() == (1, 2)
        await a.send(b"f")
        frame = await b.recv(copy=False)
        assert frame.bytes == b"f"

    run(main)


def test_future_many_messages_keep_order_and_none_lost(fctx):
    total = 5000

    async def main():
        pull, push = toolbox.pair(fctx, zmq.PULL, zmq.PUSH, "tcp", linger=0)

        async def consume():
            return [await pull.recv() for _ in range(total)]

        consumer = asyncio.ensure_future(consume())
        # queue every send at once (HWM is reached): they must go out in order
        await asyncio.gather(*[push.send(b"%d" % i) for i in range(total)])
        return await consumer

    assert run(main, timeout=15) == [b"%d" % i for i in range(total)]


def test_future_poll_timeout_cancel_and_close(fctx):
    a, b = pair(fctx)

    async def main():
        assert await b.poll(timeout=20) == 0  # times out with no events
        polled = b.poll(timeout=5000)
        await a.send(b"1")
        assert await polled == zmq.POLLIN
        assert await b.recv() == b"1"

        b.rcvtimeo = 30
        with pytest.raises(zmq.Again):
            await b.recv()
        b.rcvtimeo = -1

        cancelled = b.recv()
        cancelled.cancel()
        await a.send(b"2")
        assert await b.recv() == b"2"  # the cancelled recv took nothing

        with pytest.raises(zmq.Again):
            await b.recv(zmq.NOBLOCK)

        waiting = b.recv()
        b.close()
        with pytest.raises(zmq.ZMQError) as info:
            await waiting
        assert info.value.errno == zmq.ENOTSOCK

    run(main)


def test_future_poller(fctx):
    a, b = pair(fctx)

    async def main():
        poller = zfuture.Poller()
        poller.register(b, zmq.POLLIN)
        assert await poller.poll(timeout=20) == []
        waiting = poller.poll(timeout=5000)
        await a.send(b"ping")
        assert await waiting == [(b, zmq.POLLIN)]

    run(main)


def test_future_poller_with_plain_socket(ctx):
    a, b = pair(ctx)  # ordinary greenzmq sockets

    async def main():
        poller = zfuture.Poller()
        poller.register(b, zmq.POLLIN)
        waiting = poller.poll()
        await asyncio.sleep(0)
        assert not waiting.done()
        a.send(b"ping")  # its fd wakes the poller; zmq_poll confirms
        assert await waiting == [(b, zmq.POLLIN)]

    run(main)


def test_future_waiter_survives_own_send_swallowing_the_fd_signal(fctx):
    a = fctx.socket(zmq.PAIR)
    b = fctx.socket(zmq.PAIR, socket_class=zmq.Socket)  # a plain peer
    a.linger = b.linger = 0
    a.bind("inproc://swallow")
    b.connect("inproc://swallow")

    async def main():
        waiting = a.recv()  # queued: a's fd is watched
        b.send(b"in")  # signals a's fd ...
        await a.send(b"out")  # ... and a's own send consumes that signal
        assert await asyncio.wait_for(waiting, 5) == b"in"
        assert b.recv() == b"out"

    run(main)


def test_clear_import_error_without_tornado():
    import subprocess
    import sys

    code = ("import sys; sys.modules['tornado'] = None\n"
            "import greenzmq.eventloop\n"  # the package itself needs no tornado
            "try:\n"
            "    import greenzmq.eventloop.zmqstream\n"
            "except ImportError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    assert "pip install greenzmq[tornado]" in out.stdout
