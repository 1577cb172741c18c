#!/usr/bin/env python
"""greenzmq in a script that starts with ``eventlet.monkey_patch()``.

After patching, ``threading.Thread`` makes greenthreads: the REP workers and REQ clients
below are "threads" that all live in one OS thread, and they cooperate because they use
greenzmq.green_eventlet sockets. The broker between them is a ThreadDevice, which greenzmq
still runs in a real OS thread (the C proxy would otherwise freeze the hub). A zero-copy
tracked send shows that MessageTracker works too. Exits non-zero if anything is off.

    python examples/eventlet_monkey.py [REQUESTS_PER_CLIENT] [--clients 20] [--workers 4]
"""
import eventlet

eventlet.monkey_patch()  # first, before anything else imports socket or threading

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

import greenzmq  # noqa: E402
from greenzmq import green_eventlet as zmq  # noqa: E402
from greenzmq.devices import ThreadDevice  # noqa: E402


def os_thread() -> str:
    """The kernel thread running the caller (monkey patching cannot fake /proc)."""
    return os.readlink("/proc/thread-self")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requests", nargs="?", type=int, default=200, help="per client")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    if min(args.requests, args.clients, args.workers) < 1:
        parser.error("counts must be positive")

    # the broker: plain greenzmq sockets in a real OS thread, in their own context
    broker_ctx = greenzmq.Context()
    broker_thread = {}

    class Broker(ThreadDevice):
        def run_device(self) -> None:
            broker_thread["id"] = os_thread()
            super().run_device()

    broker = Broker(greenzmq.QUEUE, greenzmq.ROUTER, greenzmq.DEALER)
    broker.context_factory = lambda: broker_ctx
    front = broker.bind_in_to_random_port("tcp://127.0.0.1")
    back = broker.bind_out_to_random_port("tcp://127.0.0.1")
    broker.start()

    ctx = zmq.Context()
    ctx.linger = 0
    main_thread = os_thread()
    threads_seen = set()
    errors = []
    lock = threading.Lock()  # patched: a green lock

    def worker(n: int) -> None:
        rep = ctx.socket(zmq.REP)
        rep.connect(f"tcp://127.0.0.1:{back}")
        with lock:
            threads_seen.add(os_thread())
        try:
            while True:
                rep.send(b"%s from worker %d" % (rep.recv(), n))
        except zmq.ZMQError:
            pass  # context destroyed: time to go
        finally:
            rep.close()

    def client(n: int) -> None:
        req = ctx.socket(zmq.REQ)
        req.rcvtimeo = 10_000
        req.connect(f"tcp://127.0.0.1:{front}")
        with lock:
            threads_seen.add(os_thread())
        try:
            for i in range(args.requests):
                question = b"c%d:%d" % (n, i)
                req.send(question)
                reply = req.recv()
                if not reply.startswith(question + b" from worker "):
                    errors.append(f"client {n}: bad reply {reply!r} to {question!r}")
                    return
        except zmq.Again:
            errors.append(f"client {n}: no reply within 10 s")
        finally:
            req.close()

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.workers)]
    clients = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for t in workers + clients:
        t.start()
    for t in clients:
        t.join()

    # zero-copy with a tracker, also green after patching
    sink = ctx.socket(zmq.PULL)
    port = sink.bind_to_random_port("tcp://127.0.0.1")
    src = ctx.socket(zmq.PUSH)
    src.connect(f"tcp://127.0.0.1:{port}")
    tracker = src.send(b"z" * 1_000_000, copy=False, track=True)
    if len(sink.recv()) != 1_000_000:
        errors.append("zero-copy frame mangled")
    tracker.wait(10)
    if not tracker.done:
        errors.append("tracker not done after delivery")

    ctx.destroy(linger=0)
    broker_ctx.term()  # the device ends on ETERM
    broker.join(10)

    if threads_seen != {main_thread}:
        errors.append(f"patched threads ran on several OS threads: {threads_seen}")
    if broker_thread.get("id") in (None, main_thread):
        errors.append("the ThreadDevice did not run in its own OS thread")
    if not broker.done:
        errors.append("the broker did not stop")
    for e in errors[:20]:
        print("FAIL:", e, file=sys.stderr)
    if errors:
        return 1
    total = args.clients * args.requests
    print(
        f"OK {total} requests from {args.clients} client threads to {args.workers} worker "
        f"threads, all greenthreads in one OS thread; broker in its own OS thread"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
