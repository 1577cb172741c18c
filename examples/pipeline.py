"""Pipeline (parallel tasks): a ventilator PUSHes tasks to worker threads, which PUSH
results to a sink. A PUB socket tells the workers to stop; each worker waits on both
of its input sockets with a Poller.

Run: python examples/pipeline.py [-n COUNT] [-w WORKERS]
Exits 0 once the sink has every result and the sum is right.
"""
from __future__ import annotations

import argparse
import threading

import greenzmq as zmq

TASKS = "inproc://pipeline-tasks"
RESULTS = "inproc://pipeline-results"
CONTROL = "inproc://pipeline-control"


def worker(ctx: zmq.Context, ready: threading.Barrier) -> None:
    tasks = ctx.socket(zmq.PULL)
    results = ctx.socket(zmq.PUSH)
    control = ctx.socket(zmq.SUB)
    tasks.connect(TASKS)
    results.connect(RESULTS)
    control.subscribe(b"")
    control.connect(CONTROL)
    ready.wait()
    poller = zmq.Poller()
    poller.register(tasks, zmq.POLLIN)
    poller.register(control, zmq.POLLIN)
    try:
        while True:
            events = dict(poller.poll(5000))
            if not events or control in events:
                break  # told to stop (or nothing came for 5 s)
            if tasks in events:
                n = int(tasks.recv())
                results.send(str(n * n).encode())
    finally:
        for s in (tasks, results, control):
            s.close(linger=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=200, help="tasks to hand out")
    parser.add_argument("-w", "--workers", type=int, default=3, help="worker threads")
    args = parser.parse_args(argv)

    ctx = zmq.Context()
    ventilator = ctx.socket(zmq.PUSH)
    sink = ctx.socket(zmq.PULL)
    control = ctx.socket(zmq.PUB)
    # inproc needs the bind before the connects
    ventilator.bind(TASKS)
    sink.bind(RESULTS)
    control.bind(CONTROL)
    sink.setsockopt(zmq.RCVTIMEO, 5000)
    ready = threading.Barrier(args.workers + 1)
    threads = [threading.Thread(target=worker, args=(ctx, ready)) for _ in range(args.workers)]
    for t in threads:
        t.start()
    ready.wait()  # every worker is connected: no task or stop signal can miss one
    try:
        for n in range(args.count):
            ventilator.send(str(n).encode())
        total = sum(int(sink.recv()) for _ in range(args.count))
    finally:
        control.send(b"stop")
        for t in threads:
            t.join()
        for s in (ventilator, sink, control):
            s.close(linger=0)
        ctx.term()
    expected = sum(n * n for n in range(args.count))
    if total != expected:
        print(f"pipeline: sum {total}, expected {expected}")
        return 1
    print(f"pipeline: {args.count} tasks over {args.workers} workers, sum {total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
