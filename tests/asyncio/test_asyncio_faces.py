"""The faces over the asyncio adapter: eventloop.future (tornado) and AsyncioAuthenticator."""
from __future__ import annotations

import asyncio

import pytest

import greenzmq as zmq
import toolbox


@pytest.mark.timeout(20)
def test_future_sockets_on_a_tornado_ioloop():
    pytest.importorskip("tornado")
    from tornado.ioloop import IOLoop

    from greenzmq.eventloop import future

    loop = IOLoop(make_current=False)
    ctx = future.Context()
    pull, push = toolbox.pair(ctx, zmq.PULL, zmq.PUSH, linger=0)

    async def body():
        f = pull.recv_multipart()
        assert not f.done()
        await push.send_multipart([b"a", b"b"])
        got = await f
        pull._get_loop()  # registered with the IOLoop: close(all_fds) closes it
        return got

    try:
        assert loop.run_sync(body, timeout=10) == [b"a", b"b"]
    finally:
        loop.close(all_fds=True)
    assert pull.closed and not push.closed
    push.close()
    ctx.term()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("async_callback", [False, True])
def test_asyncio_authenticator_curve_callback(aio, async_callback):
    """CURVE clients approved by a (sync or async) credentials callback: only the right key."""
    if not zmq.has("curve"):
        pytest.skip("libzmq without CURVE")
    from greenzmq.auth.asyncio import AsyncioAuthenticator

    server_pub, server_sec = zmq.curve_keypair()
    good_pub, good_sec = zmq.curve_keypair()
    bad_pub, bad_sec = zmq.curve_keypair()

    class Provider:
        def callback(self, domain, key):
            return key == good_pub

    class AsyncProvider:
        async def callback(self, domain, key):
            await asyncio.sleep(0)
            return key == good_pub

    ctx = aio.context()

    async def connects(client_pub, client_sec):
        server, client = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
        server.curve_server = True
        server.curve_secretkey = server_sec
        client.curve_serverkey = server_pub
        client.curve_publickey, client.curve_secretkey = client_pub, client_sec
        port = server.bind_to_random_port("tcp://127.0.0.1")
        client.connect(f"tcp://127.0.0.1:{port}")
        await client.send(b"hi")
        ok = await server.poll(500) != 0
        server.close()
        client.close()
        return ok

    async def body():
        auth = AsyncioAuthenticator(ctx)
        auth.start()
        try:
            auth.configure_curve_callback(credentials_provider=AsyncProvider() if async_callback
                                          else Provider())
            return await connects(good_pub, good_sec), await connects(bad_pub, bad_sec)
        finally:
            auth.stop()

    assert aio.run(body, timeout=20) == (True, False)
