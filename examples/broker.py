"""A request broker built from a device: REQ clients talk to a ROUTER, REP workers to a
DEALER, and a QUEUE device in a background thread shuttles messages between the two,
spreading requests over the workers.

Run: python examples/broker.py [-n COUNT] [-c CLIENTS] [-w WORKERS]
Exits 0 once every client got a correct reply to each of its requests.
"""
from __future__ import annotations

import argparse
import threading

import greenzmq as zmq
from greenzmq.devices import ThreadDevice


def worker(ctx: zmq.Context, addr: str, name: str, served: dict[str, int]) -> None:
    rep = ctx.socket(zmq.REP)
    rep.connect(addr)
    served[name] = 0
    try:
        while True:
            request = rep.recv_json()
            rep.send_json({"id": request["id"], "sum": sum(request["numbers"]), "by": name})
            served[name] += 1
    except zmq.ContextTerminated:
        pass  # the broker is shutting down: leave quietly
    finally:
        rep.close()


def client(ctx: zmq.Context, addr: str, count: int, failures: list[str]) -> None:
    with ctx.socket(zmq.REQ) as req:
        req.setsockopt(zmq.RCVTIMEO, 5000)
        req.setsockopt(zmq.LINGER, 0)
        req.connect(addr)
        for i in range(count):
            req.send_json({"id": i, "numbers": list(range(i))})
            reply = req.recv_json()
            if reply["id"] != i or reply["sum"] != sum(range(i)):
                failures.append(f"bad reply {reply} to request {i}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=50, help="requests per client")
    parser.add_argument("-c", "--clients", type=int, default=3, help="client threads")
    parser.add_argument("-w", "--workers", type=int, default=2, help="worker threads")
    args = parser.parse_args(argv)

    ctx = zmq.Context.instance()  # the device's sockets live in this context too
    broker = ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    frontend = broker.bind_in_to_random_port("tcp://127.0.0.1")
    backend = broker.bind_out_to_random_port("tcp://127.0.0.1")
    broker.start()  # returns once the device's sockets are bound

    served: dict[str, int] = {}
    failures: list[str] = []
    workers = [threading.Thread(target=worker, args=(ctx, f"tcp://127.0.0.1:{backend}",
                                                     f"worker-{w}", served))
               for w in range(args.workers)]
    clients = [threading.Thread(target=client, args=(ctx, f"tcp://127.0.0.1:{frontend}",
                                                     args.count, failures))
               for _ in range(args.clients)]
    for t in workers + clients:
        t.start()
    for t in clients:
        t.join()
    # term() ends the device and wakes the workers with ContextTerminated
    ctx.term()
    for t in workers:
        t.join()
    broker.join()

    answered = sum(served.values())
    if failures or answered != args.count * args.clients:
        print(f"broker: {answered} replies, {len(failures)} failures: {failures[:3]}")
        return 1
    print(f"broker: {answered} requests from {args.clients} clients, served by {served}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
