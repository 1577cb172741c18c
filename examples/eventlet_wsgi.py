#!/usr/bin/env python
"""An eventlet.wsgi app whose every request does a zmq round trip to a backend service.

The backend is a ROUTER in the same process, served by a pool of greenthreads; each HTTP
request borrows a REQ socket from a pool, sends the query and waits for the answer, all
with greenzmq.green_eventlet (the drop-in for ``eventlet.green.zmq``).

    python examples/eventlet_wsgi.py [PORT]     # PORT 0 (default) picks a free port

The first line on stdout is ``listening on http://127.0.0.1:PORT/``. Try
``curl 'http://127.0.0.1:PORT/square?n=12'``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable
from urllib.parse import parse_qs

import eventlet
import eventlet.pools
import eventlet.wsgi

from greenzmq import green_eventlet as zmq

BACKEND = "inproc://square-service"


def answer(n: int) -> dict[str, int]:
    """The backend's computation (a test recomputes it to check every body)."""
    return {"n": n, "square": n * n}


def backend(ctx: zmq.Context, concurrency: int = 100) -> None:
    """Serve requests on a ROUTER: one greenthread per request, replies on the shared socket."""
    router = ctx.socket(zmq.ROUTER)
    router.bind(BACKEND)
    pool = eventlet.GreenPool(concurrency)

    def serve(ident: bytes, request: bytes) -> None:
        eventlet.sleep(0)  # a real service would do I/O here
        n = int(request)
        router.send_multipart([ident, b"", json.dumps(answer(n)).encode()])

    while True:
        ident, empty, request = router.recv_multipart()  # REQ's envelope: [id, b"", body]
        pool.spawn_n(serve, ident, request)


class ReqPool(eventlet.pools.Pool):  # type: ignore[misc]  # eventlet ships no types
    """REQ sockets to the backend, one per concurrent HTTP request."""

    def __init__(self, ctx: zmq.Context, max_size: int) -> None:
        self.ctx = ctx
        super().__init__(max_size=max_size)

    def create(self) -> zmq.Socket:
        sock = self.ctx.socket(zmq.REQ)
        sock.rcvtimeo = 5000  # a lost backend gives 504, not a request stuck for ever
        sock.connect(BACKEND)
        return sock


def make_app(ctx: zmq.Context, max_sockets: int = 1000) -> Callable[..., list[bytes]]:
    """The WSGI application."""
    reqs = ReqPool(ctx, max_sockets)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ.get("PATH_INFO") != "/square":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"try /square?n=12\n"]
        try:
            n = int(parse_qs(environ.get("QUERY_STRING", "")).get("n", ["0"])[0])
        except ValueError:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"n must be an integer\n"]
        sock = reqs.get()
        try:
            sock.send(str(n).encode())
            body = sock.recv()
        except zmq.Again:
            # a REQ that missed its reply cannot send again: swap in a fresh one
            sock.close()
            reqs.put(reqs.create())
            start_response("504 Gateway Timeout", [("Content-Type", "text/plain")])
            return [b"backend did not answer\n"]
        except BaseException:
            sock.close()
            reqs.put(reqs.create())
            raise
        reqs.put(sock)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port", nargs="?", type=int, default=0, help="TCP port (0: any free)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("port must be in 0..65535")
    ctx = zmq.Context()
    ctx.linger = 0
    eventlet.spawn_n(backend, ctx)
    listener = eventlet.listen(("127.0.0.1", args.port), backlog=1024)
    port = listener.getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}/", flush=True)
    try:
        eventlet.wsgi.server(listener, make_app(ctx), log_output=False, max_size=2000)
    except KeyboardInterrupt:
        pass
    finally:
        ctx.destroy(linger=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
