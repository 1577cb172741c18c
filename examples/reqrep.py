"""Request/reply: a REP server thread answers a REQ client.

Run: python examples/reqrep.py [-n COUNT]
Exits 0 once every request got its matching reply.
"""
from __future__ import annotations

import argparse
import threading

import greenzmq as zmq


def server(ctx: zmq.Context, addr: str, count: int) -> None:
    with ctx.socket(zmq.REP) as rep:
        # if the client gives up, stop waiting after 5 s rather than block forever
        rep.setsockopt(zmq.RCVTIMEO, 5000)
        rep.connect(addr)
        try:
            for _ in range(count):
                request = rep.recv_string()
                rep.send_string(request.upper())
        except zmq.Again:
            print("server: no more requests")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=100, help="requests to send")
    args = parser.parse_args(argv)

    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    # the client binds and the server connects, so the port is known before the thread starts
    port = req.bind_to_random_port("tcp://127.0.0.1")
    # a reply that never comes raises Again instead of hanging the example
    req.setsockopt(zmq.RCVTIMEO, 5000)
    thread = threading.Thread(target=server, args=(ctx, f"tcp://127.0.0.1:{port}", args.count))
    thread.start()
    try:
        for i in range(args.count):
            req.send_string(f"hello {i}")
            reply = req.recv_string()
            if reply != f"HELLO {i}":
                print(f"unexpected reply {reply!r}")
                return 1
    finally:
        req.close(linger=0)
        thread.join()
        ctx.term()
    print(f"reqrep: {args.count} requests answered")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
