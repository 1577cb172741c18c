"""greenzmq.asyncio over the shared wait engine (issue 14), on asyncio's loop and uvloop."""
from __future__ import annotations

import asyncio
import os
import threading

import pytest

import greenzmq as zmq
import toolbox


@pytest.mark.timeout(20)
def test_fast_path_returns_done_futures(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def body():
        f = push.send(b"hi")
        assert f.done() and f.result() is None
        await pull.poll(1000)
        g = pull.recv()
        assert g.done()
        return await g

    assert aio.run(body) == b"hi"


@pytest.mark.timeout(30)
def test_cancelled_receives_lose_no_message(aio):
    """Receives cancelled while pending (directly or by wait_for) never eat a message."""
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)
    n = 300

    async def body():
        got = []
        f = pull.recv()
        assert f.cancel()
        for i in range(n):
            # a receive that times out (cancelled) before the message is sent ...
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(pull.recv(), 0.0005 if i % 2 else 0)
            await push.send(b"%d" % i)
            # ... and one that gets it
            got.append(await asyncio.wait_for(pull.recv(), 5))
        assert pull._gs.nwait == 0 and not pull._gs.rq
        return got

    assert aio.run(body) == [b"%d" % i for i in range(n)]


@pytest.mark.timeout(20)
def test_timeouts_raise_again_and_leave_the_queue(aio):
    ctx = aio.context()
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://t")
    lonely = ctx.socket(zmq.PUSH)  # no peer: sends wait
    lonely.bind("inproc://nobody")

    async def body():
        pull.rcvtimeo = 50
        first = pull.recv()
        pull.rcvtimeo = 2000
        second = pull.recv_multipart()
        with pytest.raises(zmq.Again):
            await first
        lonely.sndtimeo = 30
        with pytest.raises(zmq.Again):
            await lonely.send(b"x")
        assert lonely._gs.nwait == 0
        push = ctx.socket(zmq.PUSH)
        push.connect("inproc://t")
        await push.send_multipart([b"a", b"b"])
        assert await second == [b"a", b"b"]
        assert pull._gs.nwait == 0

    aio.run(body)


@pytest.mark.timeout(20)
def test_close_fails_pending_operations(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def body():
        r = pull.recv()
        p = pull.poll(5000)
        pull.close()
        with pytest.raises(zmq.ZMQError) as e:
            await r
        assert e.value.errno == zmq.ENOTSOCK
        await asyncio.sleep(0)
        assert p.cancelled()
        with pytest.raises(zmq.ZMQError) as e:
            await pull.recv()
        assert e.value.errno == zmq.ENOTSOCK

    aio.run(body)


@pytest.mark.timeout(20)
def test_term_fails_pending_operations(aio):
    """Context.term() in another thread: the pending recv raises ContextTerminated, the
    task closes its socket, and term returns."""
    ctx = aio.zaio.Context()
    pull = ctx.socket(zmq.PULL)
    pull.linger = 0
    pull.bind("inproc://term")

    async def body():
        r = pull.recv()
        t = threading.Thread(target=ctx.term)
        t.start()
        with pytest.raises(zmq.ContextTerminated):
            await r
        pull.close()
        await asyncio.get_running_loop().run_in_executor(None, t.join, 10)
        assert not t.is_alive()

    aio.run(body)
    assert ctx.closed


@pytest.mark.timeout(30)
def test_many_tasks_on_one_socket_in_fifo_order(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def body():
        futs = [pull.recv() for _ in range(50)]
        assert pull._gs.nwait == 50
        for i in range(50):
            await push.send(b"%d" % i)
        return await asyncio.gather(*futs)

    assert aio.run(body) == [b"%d" % i for i in range(50)]


@pytest.mark.timeout(60)
def test_fifty_tasks_share_a_dealer(aio):
    router, dealer = aio.pair(zmq.ROUTER, zmq.DEALER, "tcp")

    async def echo():
        while True:
            await router.send_multipart(await router.recv_multipart())

    async def worker(i):
        for j in range(40):
            await dealer.send_multipart([b"%d" % i, b"%d" % j])
            await dealer.recv_multipart()
        return i

    async def body():
        e = asyncio.ensure_future(echo())
        try:
            return sorted(await asyncio.gather(*(worker(i) for i in range(50))))
        finally:
            e.cancel()

    assert aio.run(body, timeout=50) == list(range(50))
    assert dealer._gs.nwait == 0


@pytest.mark.timeout(20)
def test_send_waits_at_hwm_and_goes_on(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL, sndhwm=5, rcvhwm=5)

    async def body():
        sends = [push.send(b"%d" % i) for i in range(40)]
        assert not all(f.done() for f in sends)
        got = [await pull.recv() for _ in range(40)]
        await asyncio.gather(*sends)
        return got

    assert aio.run(body) == [b"%d" % i for i in range(40)]


@pytest.mark.timeout(60)
def test_loops_in_several_threads(aio):
    """Four threads, each its own loop (of the fixture's kind) and sockets; and one
    socket that moves from loop to loop between waits."""
    ctx = aio.context()
    shared_pull = ctx.socket(zmq.PULL)
    shared_pull.bind("inproc://moving")
    errors, results = [], []

    def thread_main(k):
        loop = aio.fresh_loop()
        try:
            a, b = aio.pair(zmq.PAIR, zmq.PAIR, ctx=ctx)

            async def body():
                r = b.recv()
                await a.send(b"%d" % k)
                return await r

            results.append(loop.run_until_complete(asyncio.wait_for(body(), 10)))
            a.close()
            b.close()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            loop.close()

    threads = [threading.Thread(target=thread_main, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and sorted(results) == [b"0", b"1", b"2", b"3"]

    sender = zmq.Socket(ctx, zmq.PUSH)  # a plain socket: it sends from an executor thread
    sender.linger = 0
    sender.connect("inproc://moving")
    for k in range(3):  # the same socket, parked on in a new loop (and thread) each time
        box = []

        def moved(k=k, box=box):
            loop = aio.fresh_loop()
            try:
                async def body():
                    r = shared_pull.recv()
                    assert not r.done()
                    await loop.run_in_executor(None, sender.send, b"m%d" % k)
                    return await r
                box.append(loop.run_until_complete(asyncio.wait_for(body(), 10)))
            finally:
                loop.close()

        t = threading.Thread(target=moved)
        t.start()
        t.join(20)
        assert box == [b"m%d" % k]


@pytest.mark.timeout(20)
def test_bad_input_raises_from_the_await_as_the_plain_socket_does(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)
    plain = zmq.Context.instance().socket(zmq.PUSH)
    plain.linger = 0
    calls = [
        lambda s: s.send("text"),
        lambda s: s.send(b"x", flags="bad"),
        lambda s: s.send_multipart([b"a", object()]),
        lambda s: s.send_multipart(12),
        lambda s: s.send_json(object()),
        lambda s: s.send_string(b"bytes"),
        lambda s: s.recv_into(bytearray(4), nbytes=-1),
        lambda s: s.recv_into(b"immutable"),
    ]

    async def body():
        for call in calls:
            try:
                call(plain)
            except Exception as e:  # noqa: BLE001
                expected = type(e)
            else:
                expected = None
            try:
                fut = call(push if "recv" not in str(call.__code__.co_names) else pull)
            except Exception as e:  # noqa: BLE001
                raise AssertionError(f"raised at the call, not at the await: {e!r}") from e
            with pytest.raises(expected or Exception):
                await fut
        push.close()
        with pytest.raises(zmq.ZMQError) as e:
            await push.send(b"x")
        assert e.value.errno == zmq.ENOTSOCK

    try:
        aio.run(body)
    finally:
        plain.close()


@pytest.mark.timeout(20)
def test_poller(aio):
    a, b = aio.pair(zmq.PAIR, zmq.PAIR)
    sync_ctx = zmq.Context()
    sa, sb = toolbox.pair(sync_ctx, zmq.PAIR, zmq.PAIR, linger=0)
    r, w = os.pipe()

    async def body():
        p = aio.zaio.Poller()
        p.register(b, zmq.POLLIN)
        p.register(sb, zmq.POLLIN)
        p.register(r, zmq.POLLIN)
        assert await p.poll(10) == []
        f = p.poll()
        assert not f.done()
        await a.send(b"x")
        assert await asyncio.wait_for(f, 5) == [(b, zmq.POLLIN)]
        assert await b.recv() == b"x"
        f = p.poll(5000)
        await asyncio.sleep(0)
        sa.send(b"y")
        assert await asyncio.wait_for(f, 5) == [(sb, zmq.POLLIN)]
        sb.recv()
        f = p.poll(5000)
        await asyncio.sleep(0)
        os.write(w, b"z")
        assert dict(await asyncio.wait_for(f, 5))
        os.read(r, 1)
        # cancelled polls leave nothing registered
        for _ in range(5):
            f = p.poll(5000)
            await asyncio.sleep(0)
            f.cancel()
            await asyncio.sleep(0)
        assert b._gs.nwait == 0

    try:
        aio.run(body)
    finally:
        os.close(r)
        os.close(w)
        sync_ctx.destroy(linger=0)


@pytest.mark.timeout(20)
def test_contexts_and_wrapping(aio):
    zaio = aio.zaio
    inst = zaio.Context.instance()
    assert type(inst) is zaio.Context and zaio.Context.instance() is inst
    assert zmq.Context.instance() is not inst
    sync_ctx = zmq.Context()
    try:
        actx = zaio.Context(sync_ctx)
        assert actx.underlying == sync_ctx.underlying
        shadow = zaio.Context.shadow(sync_ctx.underlying)
        s = sync_ctx.socket(zmq.PULL)
        s.linger = 0
        a = zaio.Socket.from_socket(s)
        b = zaio.Socket(s)
        assert isinstance(a, zaio.Socket) and a.underlying == s.underlying == b.underlying
        assert a.type == zmq.PULL
        push = actx.socket(zmq.PUSH)
        push.linger = 0
        s.bind("inproc://wrapped")
        push.connect("inproc://wrapped")

        async def body():
            await push.send(b"w")
            return await a.recv()

        assert aio.run(body) == b"w"
        push.close()
        s.close()
        assert shadow.underlying == sync_ctx.underlying
    finally:
        sync_ctx.destroy(linger=0)


@pytest.mark.timeout(20)
def test_close_from_another_thread_fails_the_pending_await(aio):
    """A loop thread awaits recv; the main thread closes the socket: ENOTSOCK there."""
    ctx = aio.context()
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://xclose")
    waiting, outcome = threading.Event(), []

    def loop_thread():
        loop = aio.fresh_loop()
        try:
            async def body():
                f = pull.recv()
                waiting.set()
                try:
                    await f
                except zmq.ZMQError as e:
                    return e.errno
            outcome.append(loop.run_until_complete(asyncio.wait_for(body(), 10)))
        except BaseException as e:  # noqa: BLE001 - reported below
            outcome.append(e)
        finally:
            loop.close()

    t = threading.Thread(target=loop_thread)
    t.start()
    assert waiting.wait(10)
    pull.close()
    t.join(15)
    assert outcome == [zmq.ENOTSOCK]
