"""The ZMQ_FD reader kept on the loop between waits (greenzmq.asyncio, issue 14 speed).

A socket's reader stays registered after a wait ends; it must still go before its fd does
(close, garbage collection), follow the socket to another loop, and never cost a wake-up.
"""
from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import textwrap
import threading

import pytest

import greenzmq as zmq


@pytest.mark.timeout(20)
def test_reader_stays_between_waits_and_wakes_the_next(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def later(data):
        await asyncio.sleep(0)
        await push.send(data)

    async def body():
        got = []
        for i in range(50):
            task = asyncio.ensure_future(later(b"%d" % i))
            got.append(await pull.recv())  # waits: nothing sent yet
            await task
            assert pull._gs.watching  # kept for the next wait
        return got

    assert aio.run(body) == [b"%d" % i for i in range(50)]


@pytest.mark.timeout(20)
def test_fd_event_with_nobody_waiting_loses_no_later_wakeup(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def body():
        task = asyncio.ensure_future(pull.recv())
        await asyncio.sleep(0)
        await push.send(b"first")
        assert await task == b"first"
        # messages arrive while nobody waits: the fd fires with no waiter
        for i in range(5):
            await push.send(b"%d" % i)
        for _ in range(10):
            await asyncio.sleep(0)
        got = [await pull.recv() for _ in range(5)]
        # and a wait that begins after that still gets woken
        task = asyncio.ensure_future(pull.recv())
        await asyncio.sleep(0)
        assert not task.done()
        await push.send(b"last")
        got.append(await task)
        return got

    assert aio.run(body) == [b"0", b"1", b"2", b"3", b"4", b"last"]


@pytest.mark.timeout(20)
def test_close_removes_the_kept_reader(aio):
    ctx = aio.context()
    pull, push = aio.pair(zmq.PULL, zmq.PUSH, ctx=ctx)

    async def body():
        task = asyncio.ensure_future(pull.recv())
        await asyncio.sleep(0)
        await push.send(b"x")
        await task
        fd = pull.fileno()
        pull.close()
        # nothing is registered for that fd any more
        assert not asyncio.get_running_loop().remove_reader(fd)

    aio.run(body)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["asyncio", "uvloop"])
def test_collected_socket_takes_its_reader_along(kind):
    """A socket dropped (never closed) with its reader kept: the reader goes before the fd,
    and sockets that reuse the fd number work (a stale registration hangs them on asyncio's
    selectors and aborts uvloop: hence a subprocess)."""
    if kind == "uvloop":
        pytest.importorskip("uvloop")
    code = textwrap.dedent(f"""
        import asyncio, gc, warnings
        import greenzmq as zmq, greenzmq.asyncio as zaio
        warnings.simplefilter("ignore", ResourceWarning)
        if {kind!r} == "uvloop":
            import uvloop
            loop = uvloop.new_event_loop()
        else:
            loop = asyncio.new_event_loop()
        ctx = zaio.Context()
        ctx.linger = 0

        async def main():
            fds = set()
            for i in range(30):
                push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
                pull.bind(f"inproc://gc-{{i}}")
                push.connect(f"inproc://gc-{{i}}")
                task = asyncio.ensure_future(pull.recv())
                await asyncio.sleep(0)
                await push.send(b"x")
                assert await asyncio.wait_for(task, 5) == b"x"
                fd = pull.fileno()
                fds.add(fd)
                del push, pull, task
                gc.collect()
                assert not loop.remove_reader(fd), "reader left behind"
            return len(fds)

        print("fds", loop.run_until_complete(main()))
        ctx.destroy(0)
        loop.close()
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=50)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("fds ")


@pytest.mark.timeout(30)
def test_socket_moves_to_another_loop(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def one(data):
        task = asyncio.ensure_future(pull.recv())
        await asyncio.sleep(0)
        await push.send(data)
        return await asyncio.wait_for(task, 5)

    assert aio.run(one, b"a") == b"a"  # reader kept on aio.loop
    other = aio.fresh_loop()
    try:
        assert other.run_until_complete(one(b"b")) == b"b"
        assert aio.run(one, b"c") == b"c"
        # and to a loop that runs in another thread, while this one is idle
        ready = threading.Event()
        t = threading.Thread(target=lambda: (ready.set(), other.run_forever()))
        t.start()
        ready.wait()
        try:
            got = asyncio.run_coroutine_threadsafe(one(b"d"), other).result(10)
            assert got == b"d"
            # back here while that loop keeps running: its reader leaves it first
            assert aio.run(one, b"e") == b"e"
            fd = pull.fileno()
            left = asyncio.run_coroutine_threadsafe(_remove_reader(fd), other).result(10)
            assert not left
        finally:
            other.call_soon_threadsafe(other.stop)
            t.join(10)
    finally:
        other.close()


async def _remove_reader(fd):
    return asyncio.get_running_loop().remove_reader(fd)


@pytest.mark.timeout(20)
def test_shadow_sockets_do_not_keep_the_reader(aio):
    ctx = aio.context()
    sync_ctx = zmq.Context.shadow(ctx.underlying)
    raw = sync_ctx.socket(zmq.PULL)
    raw.bind("inproc://shadow-reader")
    push = ctx.socket(zmq.PUSH)
    push.connect("inproc://shadow-reader")
    pull = aio.zaio.Socket.from_socket(raw)

    async def body():
        task = asyncio.ensure_future(pull.recv())
        await asyncio.sleep(0)
        await push.send(b"x")
        assert await task == b"x"
        assert not pull._gs.watching  # the owner may close the fd behind our back
        raw.close()
        # the loop still serves sockets that may reuse that fd number
        a, b = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
        b.bind("inproc://after-shadow")
        a.connect("inproc://after-shadow")
        task = asyncio.ensure_future(b.recv())
        await asyncio.sleep(0)
        await a.send(b"y")
        return await asyncio.wait_for(task, 5)

    assert aio.run(body) == b"y"
    gc.collect()


@pytest.mark.timeout(30)
def test_owner_and_shadow_take_turns_on_one_fd(aio):
    """An asyncio socket and an asyncio shadow of it share one ZMQ_FD: each wait's reader
    replaces the other's on the loop, and neither may lose its wake-ups or remove the
    other's reader."""
    ctx = aio.context()
    pull, push = aio.pair(zmq.PULL, zmq.PUSH, ctx=ctx)
    shadow = aio.zaio.Socket(shadow=pull.underlying)

    async def one(sock, data):
        task = asyncio.ensure_future(sock.recv())
        await asyncio.sleep(0)
        await push.send(data)
        return await asyncio.wait_for(task, 5)

    async def body():
        got = []
        for i in range(6):
            got.append(await one(pull if i % 2 == 0 else shadow, b"%d" % i))
        return got

    assert aio.run(body) == [b"%d" % i for i in range(6)]
    shadow.close()


@pytest.mark.timeout(30)
def test_zmqstream_over_an_asyncio_socket_that_waited(aio):
    if aio.name == "uvloop":
        pytest.skip("tornado's IOLoop runs on asyncio's loop here")
    pytest.importorskip("tornado")
    from greenzmq.eventloop.zmqstream import ZMQStream

    ctx = aio.context()
    pull, push = aio.pair(zmq.PULL, zmq.PUSH, ctx=ctx)

    async def body():
        task = asyncio.ensure_future(pull.recv())
        await asyncio.sleep(0)
        await push.send(b"first")
        assert await task == b"first"  # its reader is kept on this loop
        with pytest.warns(RuntimeWarning):
            stream = ZMQStream(pull)  # over a plain shadow, on this loop too
        got = asyncio.get_running_loop().create_future()
        stream.on_recv(lambda msg: got.done() or got.set_result(msg))
        await push.send(b"second")
        msg = await asyncio.wait_for(got, 5)
        stream.close()
        # the stream is gone (and its handler with it): the socket waits on its own again
        task = asyncio.ensure_future(pull.recv())
        await asyncio.sleep(0)
        await push.send(b"third")
        return msg, await asyncio.wait_for(task, 5)

    assert aio.run(body) == ([b"second"], b"third")
