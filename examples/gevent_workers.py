#!/usr/bin/env python
"""A gevent request broker with greenzmq.green_gevent.

The parent runs a ROUTER/DEALER broker as a green device in one greenlet and a client in
others; four worker processes each serve up to 100 requests at once, one greenlet per
request, all sharing one DEALER socket. The client fires N requests (default 10000) and
checks every reply; the exit status is non-zero on any mismatch or missing reply.

    python examples/gevent_workers.py [N] [--workers 4] [--concurrency 100]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
import time

import gevent
import gevent.lock
import gevent.pool

import greenzmq.green_gevent as zmq


def reply_for(payload: bytes) -> bytes:
    """What a worker answers to a payload (the client recomputes it to check)."""
    return hashlib.sha256(payload).digest()


# -- worker process ----------------------------------------------------------------------


def worker_main(backend: str, ready: str, worker_id: int, concurrency: int) -> None:
    """Serve requests from the broker's backend, ``concurrency`` greenlets at a time."""
    ctx = zmq.Context()
    ctx.linger = 0
    sock = ctx.socket(zmq.DEALER)
    sock.connect(backend)
    wid = b"w%d" % worker_id
    pool = gevent.pool.Pool(concurrency)
    parent = os.getppid()

    def watch_parent() -> None:
        # an orphaned worker would otherwise wait for requests for ever
        while os.getppid() == parent:
            gevent.sleep(0.5)
        os._exit(0)

    def handle(envelope: list[bytes], body: list[bytes]) -> None:
        req_id, payload = body
        gevent.sleep(random.random() * 0.002)  # stands in for real I/O per request
        # many greenlets send on the one DEALER: each multipart reply stays whole
        sock.send_multipart(envelope + [req_id, wid, reply_for(payload)])

    gevent.spawn(watch_parent)
    hello = ctx.socket(zmq.PUSH)  # stays open: LINGER 0 would drop the greeting on close
    hello.connect(ready)
    hello.send(wid)
    while True:
        msg = sock.recv_multipart()
        split = msg.index(b"") + 1  # the routing envelope ends with an empty frame
        pool.spawn(handle, msg[:split], msg[split:])  # waits while 100 are in flight


# -- broker and client (parent) ------------------------------------------------------------


def run(n: int, workers: int, concurrency: int, window: int = 1000) -> int:
    ctx = zmq.Context()
    ctx.linger = 0
    frontend = ctx.socket(zmq.ROUTER)
    front_port = frontend.bind_to_random_port("tcp://127.0.0.1")
    backend = ctx.socket(zmq.DEALER)
    back_port = backend.bind_to_random_port("tcp://127.0.0.1")
    ready = ctx.socket(zmq.PULL)
    ready_port = ready.bind_to_random_port("tcp://127.0.0.1")
    broker = gevent.spawn(zmq.device, zmq.QUEUE, frontend, backend)

    procs = [
        subprocess.Popen(
            [
                sys.executable, os.path.abspath(__file__), "--worker",
                f"tcp://127.0.0.1:{back_port}", f"tcp://127.0.0.1:{ready_port}",
                str(i), str(concurrency),
            ]
        )
        for i in range(workers)
    ]
    try:
        # wait until every worker is connected, so the DEALER spreads the load over all
        ready.rcvtimeo = 30_000
        hello = sorted(ready.recv() for _ in range(workers))
        print(f"workers ready: {b' '.join(hello).decode()}", flush=True)
        return _client(ctx, front_port, n, window)
    except zmq.Again:
        print("FAIL: workers did not start", file=sys.stderr)
        return 1
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        broker.kill()
        ctx.destroy(linger=0)


def _client(ctx: zmq.Context, front_port: int, n: int, window: int) -> int:
    client = ctx.socket(zmq.DEALER)
    client.connect(f"tcp://127.0.0.1:{front_port}")
    rng = random.Random(2026)
    payloads = [rng.randbytes(rng.randint(1, 64)) for _ in range(n)]
    pending = set(range(n))
    per_worker: dict[bytes, int] = {}
    errors: list[str] = []
    in_flight = gevent.lock.BoundedSemaphore(window)

    def sender() -> None:
        for i, payload in enumerate(payloads):
            in_flight.acquire()
            client.send_multipart([b"", i.to_bytes(4, "big"), payload])

    def receiver() -> None:
        while pending:
            empty, req_id, wid, answer = client.recv_multipart()
            in_flight.release()
            i = int.from_bytes(req_id, "big")
            if empty != b"" or i not in pending:
                errors.append(f"unexpected or duplicate reply for request {i}")
                continue
            pending.discard(i)
            if answer != reply_for(payloads[i]):
                errors.append(f"wrong reply to request {i} from {wid!r}")
            per_worker[wid] = per_worker.get(wid, 0) + 1

    t0 = time.monotonic()
    jobs = [gevent.spawn(sender), gevent.spawn(receiver)]
    budget = 30 + n / 500
    gevent.joinall(jobs, timeout=budget, raise_error=True)
    elapsed = time.monotonic() - t0
    if pending:
        errors.append(f"{len(pending)} of {n} requests unanswered after {budget:.0f} s")
    for job in jobs:
        job.kill()
    if errors:
        for e in errors[:20]:
            print("FAIL:", e, file=sys.stderr)
        return 1
    spread = ", ".join(f"{w.decode()}={c}" for w, c in sorted(per_worker.items()))
    print(f"OK {n} requests in {elapsed:.2f} s ({n / elapsed:.0f} req/s); {spread}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        backend, ready, worker_id, concurrency = argv[1:5]
        worker_main(backend, ready, int(worker_id), int(concurrency))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="requests to send")
    parser.add_argument("--workers", type=int, default=4, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=100, help="greenlets per worker")
    args = parser.parse_args(argv)
    if args.n < 1 or args.workers < 1 or args.concurrency < 1:
        parser.error("n, --workers and --concurrency must be positive")
    return run(args.n, args.workers, args.concurrency)


if __name__ == "__main__":
    sys.exit(main())
