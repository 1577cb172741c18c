"""greenzmq.asyncio's fast paths: what a send that goes at once returns, and on which loop
the Futures are."""
from __future__ import annotations

import asyncio
import threading

import pytest

import greenzmq as zmq


@pytest.mark.timeout(20)
def test_sends_that_go_at_once_return_done_futures_that_behave_as_fresh_ones(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def body():
        calls = []
        futs = [push.send(b"a"), push.send_multipart([b"b", b"c"]), push.send(b"d")]
        for f in futs:
            assert isinstance(f, asyncio.Future)
            assert f.done() and not f.cancelled()
            assert f.result() is None and f.exception() is None
            assert not f.cancel()  # done: cancel() is refused, and changes nothing
            assert f.result() is None
            f.add_done_callback(calls.append)  # runs soon, once per registration
            assert f.remove_done_callback(calls.append) == 0  # a done Future keeps none
            f.add_done_callback(calls.append)
        assert calls == []
        assert await asyncio.gather(*futs) == [None, None, None]
        assert len(calls) == 6 and all(c.result() is None for c in calls)
        assert await asyncio.wait_for(push.send(b"e"), 1) is None
        return [await pull.recv(), await pull.recv_multipart(), await pull.recv(),
                await pull.recv()]

    assert aio.run(body) == [b"a", [b"b", b"c"], b"d", b"e"]


@pytest.mark.timeout(20)
def test_send_results_that_are_not_none_get_their_own_future(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def body():
        f1 = push.send(b"x" * 100, copy=False, track=True)
        f2 = push.send_multipart([b"y"], copy=False, track=True)
        assert f1 is not f2
        t1, t2 = await f1, await f2
        assert isinstance(t1, zmq.MessageTracker) and isinstance(t2, zmq.MessageTracker)
        assert t1 is not t2
        return [await pull.recv(), await pull.recv()]

    assert aio.run(body) == [b"x" * 100, b"y"]


@pytest.mark.timeout(30)
def test_a_send_future_on_one_loop_is_never_handed_out_on_another(aio):
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)

    async def send_one():
        f = push.send(b"m")
        assert f.get_loop() is asyncio.get_running_loop()
        return await f

    other = aio.fresh_loop()
    try:
        for _ in range(3):
            assert aio.run(send_one) is None
            assert other.run_until_complete(send_one()) is None
    finally:
        other.close()

    async def drain():
        return [await pull.recv() for _ in range(6)]

    assert aio.run(drain) == [b"m"] * 6


@pytest.mark.timeout(30)
def test_every_future_belongs_to_the_loop_that_runs_the_call(aio):
    # the running loop is remembered per socket between calls: it must be let go when
    # that loop's run ends, and when the call comes from another thread while it still runs
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)
    seen = []

    async def round_trip(tag):
        loop = asyncio.get_running_loop()
        sent, got = push.send(tag), pull.recv()
        seen.append((sent.get_loop() is loop, got.get_loop() is loop))
        await sent
        return await got

    async def from_another_thread_meanwhile():
        # this loop keeps running (blocked here) while another thread's loop uses the socket
        out = [await round_trip(b"before")]

        def in_thread():
            loop = aio.fresh_loop()
            try:
                out.append(loop.run_until_complete(round_trip(b"thread")))
            finally:
                loop.close()

        t = threading.Thread(target=in_thread)
        t.start()
        t.join(10)
        return out + [await round_trip(b"back")]

    other = aio.fresh_loop()
    try:
        assert aio.run(round_trip, b"a") == b"a"
        assert other.run_until_complete(round_trip(b"b")) == b"b"
        assert aio.run(round_trip, b"c") == b"c"  # the same loop object, a new run
        assert aio.run(from_another_thread_meanwhile) == [b"before", b"thread", b"back"]
    finally:
        other.close()
    assert seen == [(True, True)] * 6


@pytest.mark.timeout(20)
def test_warnings_name_the_callers_line(aio):
    # the compiled module has no frames of its own: a fixed stacklevel would name a line
    # further up the caller's stack there
    push, pull = aio.pair(zmq.PUSH, zmq.PULL)
    with pytest.warns(RuntimeWarning, match="No running event loop") as record:
        fut = push.send(b"no loop")
    assert record[0].filename == __file__
    assert fut.result() is None
    with pytest.warns(DeprecationWarning) as record:
        aio.zaio.Socket(push.context, zmq.PUSH, io_loop=object()).close()
    assert record[0].filename == __file__

    async def body():
        return await pull.recv()

    assert aio.run(body) == b"no loop"
