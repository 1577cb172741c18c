"""One benchmark run: one workload against one target, in a process of its own.

The suite (``greenzmq.perf.suite``) runs this file as a script, so that a
pyzmq run never imports greenzmq, and a hang or a crash costs one result::

    python workloads.py '{"target": "pyzmq", "workload": "thr", "transport": "tcp",
                          "size": 64, "copy": true, "budget": 0.4}'
    python workloads.py '{"target": "zmq.green", "check": true}'

It prints one JSON line: the metrics, or ``{"error": "..."}``. The workloads
are written once against the pyzmq API; a target only picks the module and
the concurrency flavour (OS threads, gevent greenlets, eventlet greenthreads).
"""
from __future__ import annotations

import importlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from typing import Any, Callable

# target name -> (module, concurrency flavour)
TARGETS: dict[str, tuple[str, str]] = {
    "greenzmq": ("greenzmq", "thread"),
    "pyzmq": ("zmq", "thread"),
    "greenzmq-gevent": ("greenzmq.green_gevent", "gevent"),
    "zmq.green": ("zmq.green", "gevent"),
    "greenzmq-eventlet": ("greenzmq.green_eventlet", "eventlet"),
    "eventlet.green.zmq": ("eventlet.green.zmq", "eventlet"),
    "greenzmq-asyncio": ("greenzmq.asyncio", "asyncio"),  # tasks: aioworkloads.py
    "zmq.asyncio": ("zmq.asyncio", "asyncio"),
}
WORKLOADS = ("thr", "multipart", "lat", "lat1", "device", "fanin", "shared", "mem")
TASK_TIMEOUT = 10.0  # seconds a workload waits for its tasks before calling it a hang
clock = time.perf_counter


class Task:
    """A callable for a thread or greenlet that keeps its result or its error."""

    traced = False  # one traceback on stderr per process is enough

    def __init__(self, fn: Callable, args: tuple) -> None:
        self.fn, self.args = fn, args
        self.done = False
        self.result: Any = None
        self.error: Exception | None = None

    def __call__(self) -> None:
        try:
            self.result = self.fn(*self.args)
        except Exception as e:  # noqa: BLE001 - kept for the caller to report
            self.error = e
            if not Task.traced:  # the suite shows stderr's last line if we hang
                Task.traced = True
                traceback.print_exc()
        finally:
            self.done = True


class Bench:
    """A target's module, one Context, and the flavour's spawn and sleep."""

    def __init__(self, target: str) -> None:
        modname, self.flavour = TARGETS[target]
        self.zmq = importlib.import_module(modname)
        if self.flavour == "thread":
            import threading

            self._start = lambda task: threading.Thread(target=task, daemon=True).start()
            self.sleep = time.sleep
        else:
            hub = importlib.import_module(self.flavour)
            self._start, self.sleep = hub.spawn, hub.sleep
        self.ctx = self.zmq.Context()
        self._count = 0
        self._tmpdir: str | None = None

    def info(self) -> dict:
        z = self.zmq
        version = getattr(z, "__version__", None) or getattr(z, "pyzmq_version", lambda: None)()
        out = {"module": z.__name__, "version": version, "libzmq": z.zmq_version(),
               "python": sys.version.split()[0], "executable": sys.executable}
        if self.flavour != "thread":
            out[self.flavour] = importlib.import_module(self.flavour).__version__
        return out

    # -- plumbing ------------------------------------------------------------

    def spawn(self, fn: Callable, *args: Any) -> Task:
        task = Task(fn, args)
        self._start(task)
        return task

    def wait(self, tasks: list[Task], timeout: float = TASK_TIMEOUT) -> list:
        """Wait for every task; re-raise the first error; TimeoutError on a hang."""
        deadline = time.monotonic() + timeout
        while True:
            for t in tasks:
                if t.error is not None:
                    raise t.error
            if all(t.done for t in tasks):
                return [t.result for t in tasks]
            if time.monotonic() > deadline:
                done = sum(t.done for t in tasks)
                raise TimeoutError(f"hang: {done}/{len(tasks)} tasks done after {timeout:g}s")
            self.sleep(0.005)

    def bind(self, sock, transport: str) -> str:
        """Bind to a fresh endpoint of the transport; -> the address to connect to."""
        self._count += 1
        if transport == "inproc":
            sock.bind(f"inproc://perf-{self._count}")
        elif transport == "ipc":
            self._tmpdir = self._tmpdir or tempfile.mkdtemp(prefix="gzperf-")
            sock.bind(f"ipc://{self._tmpdir}/{self._count}")
        elif transport == "tcp":
            sock.bind("tcp://127.0.0.1:*")
        else:
            raise ValueError(f"unknown transport {transport!r}")
        return sock.getsockopt(self.zmq.LAST_ENDPOINT).decode()

    def pair(self, bound_type: int, connected_type: int, transport: str, hwm: int | None = None):
        a, b = self.ctx.socket(bound_type), self.ctx.socket(connected_type)
        if hwm is not None:
            for s in (a, b):
                s.setsockopt(self.zmq.SNDHWM, hwm)
                s.setsockopt(self.zmq.RCVHWM, hwm)
        b.connect(self.bind(a, transport))
        return a, b

    def router_echo(self, transport: str, backlog: int = 100) -> str:
        """A ROUTER that echoes every message, in a task of its own; -> address."""
        router = self.ctx.socket(self.zmq.ROUTER)
        router.setsockopt(self.zmq.BACKLOG, backlog)  # or many clients wait on SYN retries
        addr = self.bind(router, transport)

        def echo():
            while True:
                router.send_multipart(router.recv_multipart(copy=False), copy=False)

        self.spawn(echo)
        return addr

    def cleanup(self) -> None:
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    # -- workloads: (transport, size, copy, tasks) -> (run(n) -> seconds, metrics(n, dt) -> dict)

    def thr(self, transport, size, copy, tasks, frames=1):
        """PUSH in a second task -> PULL here; n messages of `frames` x size bytes.
        Above 1 MiB the HWMs hold at most 256 MiB in flight (1000 x 4 MiB would be 4 GiB
        a side)."""
        hwm = max(1, min(1000, (256 << 20) // size)) if size > 1 << 20 else None
        pull, push = self.pair(self.zmq.PULL, self.zmq.PUSH, transport, hwm)
        payload = b"x" * size
        parts = [payload] * frames
        push.send(payload)  # connected before the clock starts
        pull.recv()

        def sender(n):
            if frames == 1:
                for _ in range(n):
                    push.send(payload, copy=copy)
            else:
                for _ in range(n):
                    push.send_multipart(parts, copy=copy)

        def run(n):
            t0 = clock()
            task = self.spawn(sender, n)
            if frames == 1:
                for _ in range(n):
                    pull.recv(copy=copy)
            else:
                for _ in range(n):
                    pull.recv_multipart(copy=copy)
            dt = clock() - t0
            self.wait([task])
            return dt

        return run, lambda n, dt: {"msgs_per_s": n / dt, "mb_per_s": n * size * frames / dt / 1e6}

    def multipart(self, transport, size, copy, tasks):
        return self.thr(transport, size, copy, tasks, frames=5)

    def lat(self, transport, size, copy, tasks):
        """REQ here <-> REP echo in a second task; n round trips."""
        rep, req = self.pair(self.zmq.REP, self.zmq.REQ, transport)
        payload = b"x" * size

        def echo():
            while True:
                rep.send(rep.recv(copy=copy), copy=copy)

        self.spawn(echo)
        req.send(payload)
        req.recv()

        def run(n):
            t0 = clock()
            for _ in range(n):
                req.send(payload, copy=copy)
                req.recv(copy=copy)
            return clock() - t0

        return run, lambda n, dt: {"usec_rtt": dt / n * 1e6}

    def lat1(self, transport, size, copy, tasks):
        """REQ <-> REP, both driven by this one task: the binding's own cost per call,
        without thread or greenlet hand-offs."""
        rep, req = self.pair(self.zmq.REP, self.zmq.REQ, transport)
        payload = b"x" * size

        def run(n):
            t0 = clock()
            for _ in range(n):
                req.send(payload, copy=copy)
                rep.send(rep.recv(copy=copy), copy=copy)
                req.recv(copy=copy)
            return clock() - t0

        run(1)
        return run, lambda n, dt: {"usec_rtt": dt / n * 1e6}

    def device(self, transport, size, copy, tasks):
        """PUSH client (a task) -> QUEUE device -> PULL worker here; n messages. Threads:
        a ThreadDevice; green: the module's proxy() run in a greenlet."""
        zmq = self.zmq
        if self.flavour == "thread":
            devices = importlib.import_module(zmq.__name__ + ".devices")  # pyzmq: not implied
            dev = devices.ThreadDevice(zmq.QUEUE, zmq.PULL, zmq.PUSH)
            dev.daemon = True
            host = "tcp://127.0.0.1" if transport == "tcp" else None
            if host is None:
                raise ValueError("device runs over tcp only")
            in_port = dev.bind_in_to_random_port(host)
            out_port = dev.bind_out_to_random_port(host)
            dev.start()
            in_addr, out_addr = f"{host}:{in_port}", f"{host}:{out_port}"
        else:
            front, back = self.ctx.socket(zmq.PULL), self.ctx.socket(zmq.PUSH)
            in_addr, out_addr = self.bind(front, transport), self.bind(back, transport)
            self.spawn(zmq.proxy, front, back)
        push, pull = self.ctx.socket(zmq.PUSH), self.ctx.socket(zmq.PULL)
        push.connect(in_addr)
        pull.connect(out_addr)
        payload = b"x" * size
        push.send(payload)  # the whole path is connected before the clock starts
        pull.recv()

        def sender(n):
            for _ in range(n):
                push.send(payload, copy=copy)

        def run(n):
            t0 = clock()
            task = self.spawn(sender, n)
            for _ in range(n):
                pull.recv(copy=copy)
            dt = clock() - t0
            self.wait([task])
            return dt

        return run, lambda n, dt: {"msgs_per_s": n / dt, "mb_per_s": n * size / dt / 1e6}

    def fanin(self, transport, size, copy, tasks):
        """`tasks` clients with a DEALER each against one ROUTER echo; n round
        trips per client. Reports round trips/s and the process's peak RSS."""
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # fds: a mailbox per socket, and over tcp both ends of each connection (main()
        # has raised the soft limit to the hard one)
        need = tasks * (1 if transport == "inproc" else 3) + 256
        limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if limit != resource.RLIM_INFINITY and limit < need:
            raise RuntimeError(f"fanin x{tasks} over {transport} needs about {need} file "
                               f"descriptors; the limit is {limit} (ulimit -n)")
        self.ctx.set(self.zmq.MAX_SOCKETS, tasks + 64)
        addr = self.router_echo(transport, backlog=tasks)
        socks = [self.ctx.socket(self.zmq.DEALER) for _ in range(tasks)]
        for s in socks:
            s.connect(addr)
        payload = b"x" * size

        def client(s, n):
            for _ in range(n):
                s.send(payload, copy=copy)
                s.recv(copy=copy)
            return clock()

        def run(n, timeout=TASK_TIMEOUT):
            t0 = clock()
            return max(self.wait([self.spawn(client, s, n) for s in socks], timeout)) - t0

        run(1, timeout=30)  # untimed: every client connected and served once

        def metrics(n, dt):
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
            return {"tasks": tasks, "rt_per_s": tasks * n / dt,
                    "rss_start_mib": rss0 / 1024, "rss_peak_mib": rss / 1024,
                    "kib_per_socket": (rss - rss0) / tasks}

        return run, metrics

    def shared(self, transport, size, copy, tasks):
        """`tasks` tasks share ONE DEALER, n send+recv pairs each, against a ROUTER echo."""
        dealer = self.ctx.socket(self.zmq.DEALER)
        dealer.connect(self.router_echo(transport))
        payload = b"x" * size

        def worker(n):
            for _ in range(n):
                dealer.send(payload, copy=copy)
                dealer.recv(copy=copy)
            return clock()

        def run(n):
            t0 = clock()
            return max(self.wait([self.spawn(worker, n) for _ in range(tasks)])) - t0

        return run, lambda n, dt: {"tasks": tasks, "rt_per_s": tasks * n / dt}

    def mem(self, transport, size, copy, tasks, n=1_000_000):
        """PUSH -> PULL, n messages (fixed): resident memory growth from the
        first tenth to the end, which stays flat unless messages leak."""
        pull, push = self.pair(self.zmq.PULL, self.zmq.PUSH, transport)
        payload = b"x" * size
        page = os.sysconf("SC_PAGE_SIZE")

        def rss_mib():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * page / 2**20

        def sender():
            for _ in range(n):
                push.send(payload, copy=copy)

        t0 = clock()
        task = self.spawn(sender)
        for _ in range(n // 10):
            pull.recv(copy=copy)
        rss1 = rss_mib()
        for _ in range(n - n // 10):
            pull.recv(copy=copy)
        dt = clock() - t0
        self.wait([task])
        rss2 = rss_mib()
        return {"n": n, "seconds": dt, "msgs_per_s": n / dt,
                "rss_mib": rss2, "rss_growth_mib": rss2 - rss1}

    # -- driver ----------------------------------------------------------------

    def run(self, spec: dict) -> dict:
        args = (
            spec["transport"],
            spec.get("size", 64),
            spec.get("copy", True),
            spec.get("tasks", 0),
        )
        if spec["workload"] == "mem":
            return self.mem(*args, n=spec.get("n") or 1_000_000)
        run, metrics = getattr(self, spec["workload"])(*args)
        n, dt = calibrate(run, spec.get("budget", 0.4))
        return dict(metrics(n, dt), n=n, seconds=dt)


def calibrate(run: Callable[[int], float], budget: float) -> tuple[int, float]:
    """Grow n from 1 until a run takes a tenth of the budget, then run once
    for about the budget. The short runs double as warm-up; a first run that
    alone takes the budget is the measurement. -> (n, seconds)."""
    n, dt = 1, run(1)
    if dt >= budget:  # one message each already fills the budget (fanin x10000)
        return n, dt
    while dt < budget / 10:
        # at most x16 per step: one lucky short run must not overshoot much
        n = int(n * min(16.0, max(2.0, budget / 10 / max(dt, 1e-9))))
        dt = run(n)
    n = max(1, round(n * budget / dt))
    return n, run(n)


def make_bench(target: str) -> Any:
    """The target's Bench; asyncio targets get the coroutine workloads."""
    modname, flavour = TARGETS[target]
    if flavour == "asyncio":
        # from this script's directory (as a top-level module: greenzmq is not imported)
        bench = importlib.import_module("aioworkloads").AsyncBench(modname)
        run = bench.run
        bench.run = lambda spec: run(spec, calibrate)
        return bench
    return Bench(target)


def main(argv: list[str] | None = None) -> None:
    spec = json.loads((sys.argv[1:] if argv is None else argv)[0])
    warnings.simplefilter("ignore")  # eventlet's deprecation banner at import
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:  # fanin opens several fds per socket
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    bench = None
    try:
        bench = make_bench(spec["target"])
        out = bench.info() if spec.get("check") else bench.run(spec)
    except Exception as e:  # noqa: BLE001 - any failure is one JSON error line
        out = {"error": f"{type(e).__name__}: {e}".strip()}
    print(json.dumps(out), flush=True)
    if bench is not None:
        bench.cleanup()
    os._exit(0)  # no teardown: a socket stuck in a task must not hang the exit


if __name__ == "__main__":
    main()
