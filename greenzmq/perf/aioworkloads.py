"""The benchmark workloads for asyncio targets (greenzmq.asyncio, pyzmq's zmq.asyncio).

Imported by ``workloads.py`` (run as a script, so this is a top-level module there and
never imports greenzmq for a pyzmq run). The same workloads as the threaded and green
ones, written as coroutines: tasks on one loop (asyncio's default loop) instead of
threads or greenlets. Each method returns (run(n) -> seconds, metrics(n, dt) -> dict).
"""
from __future__ import annotations

import asyncio
import importlib
import resource
import time

ASYNC_WORKLOADS = ("thr", "multipart", "lat", "lat1", "fanin", "shared")
TASK_TIMEOUT = 10.0
clock = time.perf_counter


class AsyncBench:
    """A target's asyncio module, one Context and one loop."""

    flavour = "asyncio"

    def __init__(self, modname: str) -> None:
        self.zmq = importlib.import_module(modname)
        self.base = importlib.import_module(modname.rsplit(".", 1)[0])  # zmq or greenzmq
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.ctx = self.zmq.Context()
        self._count = 0

    def info(self) -> dict:
        z = self.base
        version = getattr(z, "__version__", None)
        import sys
        return {"module": self.zmq.__name__, "version": version, "libzmq": z.zmq_version(),
                "python": sys.version.split()[0], "executable": sys.executable}

    def cleanup(self) -> None:
        pass

    def go(self, coro, timeout: float = TASK_TIMEOUT):
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def bind(self, sock, transport: str) -> str:
        self._count += 1
        if transport == "inproc":
            sock.bind(f"inproc://perf-{self._count}")
        elif transport == "tcp":
            sock.bind("tcp://127.0.0.1:*")
        else:
            raise ValueError(f"transport {transport!r}: inproc or tcp")
        return sock.getsockopt(self.base.LAST_ENDPOINT).decode()

    def pair(self, bound_type: int, connected_type: int, transport: str):
        a, b = self.ctx.socket(bound_type), self.ctx.socket(connected_type)
        b.connect(self.bind(a, transport))
        return a, b

    def router_echo(self, transport: str, backlog: int = 100) -> str:
        router = self.ctx.socket(self.base.ROUTER)
        router.setsockopt(self.base.BACKLOG, backlog)
        addr = self.bind(router, transport)

        async def echo():
            while True:
                await router.send_multipart(await router.recv_multipart(copy=False), copy=False)

        self.echo_task = self.loop.create_task(echo())
        return addr

    # -- workloads ------------------------------------------------------------------

    def thr(self, transport, size, copy, tasks, frames=1):
        """PUSH in a second task -> PULL in this one; n messages of `frames` x size bytes."""
        z = self.base
        pull, push = self.pair(z.PULL, z.PUSH, transport)
        payload = b"x" * size
        parts = [payload] * frames

        async def warm():
            await push.send(payload)
            await pull.recv()
        self.go(warm())

        async def sender(n):
            if frames == 1:
                for _ in range(n):
                    await push.send(payload, copy=copy)
            else:
                for _ in range(n):
                    await push.send_multipart(parts, copy=copy)

        async def main(n):
            t0 = clock()
            task = asyncio.ensure_future(sender(n))
            if frames == 1:
                for _ in range(n):
                    await pull.recv(copy=copy)
            else:
                for _ in range(n):
                    await pull.recv_multipart(copy=copy)
            dt = clock() - t0
            await task
            return dt

        return (lambda n: self.go(main(n)),
                lambda n, dt: {"msgs_per_s": n / dt, "mb_per_s": n * size * frames / dt / 1e6})

    def multipart(self, transport, size, copy, tasks):
        return self.thr(transport, size, copy, tasks, frames=5)

    def lat(self, transport, size, copy, tasks):
        """REQ in this task <-> REP echo in a second task; n round trips."""
        z = self.base
        rep, req = self.pair(z.REP, z.REQ, transport)
        payload = b"x" * size

        async def echo():
            while True:
                await rep.send(await rep.recv(copy=copy), copy=copy)
        self.echo_task = self.loop.create_task(echo())

        async def main(n):
            t0 = clock()
            for _ in range(n):
                await req.send(payload, copy=copy)
                await req.recv(copy=copy)
            return clock() - t0

        self.go(main(1))
        return lambda n: self.go(main(n)), lambda n, dt: {"usec_rtt": dt / n * 1e6}

    def lat1(self, transport, size, copy, tasks):
        """REQ <-> REP, both driven by this one task."""
        z = self.base
        rep, req = self.pair(z.REP, z.REQ, transport)
        payload = b"x" * size

        async def main(n):
            t0 = clock()
            for _ in range(n):
                await req.send(payload, copy=copy)
                await rep.send(await rep.recv(copy=copy), copy=copy)
                await req.recv(copy=copy)
            return clock() - t0

        self.go(main(1))
        return lambda n: self.go(main(n)), lambda n, dt: {"usec_rtt": dt / n * 1e6}

    def fanin(self, transport, size, copy, tasks):
        """`tasks` tasks with a DEALER each against one ROUTER echo; n round trips each."""
        z = self.base
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.ctx.set(z.MAX_SOCKETS, tasks + 64)
        addr = self.router_echo(transport, backlog=tasks)
        socks = [self.ctx.socket(z.DEALER) for _ in range(tasks)]
        for s in socks:
            s.connect(addr)
        payload = b"x" * size

        async def client(s, n):
            for _ in range(n):
                await s.send(payload, copy=copy)
                await s.recv(copy=copy)

        async def main(n):
            t0 = clock()
            await asyncio.gather(*(client(s, n) for s in socks))
            return clock() - t0

        self.go(main(1), 30)

        def metrics(n, dt):
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            return {"tasks": tasks, "rt_per_s": tasks * n / dt,
                    "rss_start_mib": rss0 / 1024, "rss_peak_mib": rss / 1024,
                    "kib_per_socket": (rss - rss0) / tasks}

        return lambda n: self.go(main(n)), metrics

    def shared(self, transport, size, copy, tasks):
        """`tasks` tasks share ONE DEALER, n send+recv pairs each, against a ROUTER echo."""
        dealer = self.ctx.socket(self.base.DEALER)
        dealer.connect(self.router_echo(transport))
        payload = b"x" * size

        async def worker(n):
            for _ in range(n):
                await dealer.send(payload, copy=copy)
                await dealer.recv(copy=copy)

        async def main(n):
            t0 = clock()
            await asyncio.gather(*(worker(n) for _ in range(tasks)))
            return clock() - t0

        return (lambda n: self.go(main(n)),
                lambda n, dt: {"tasks": tasks, "rt_per_s": tasks * n / dt})

    def run(self, spec: dict, calibrate) -> dict:
        if spec["workload"] not in ASYNC_WORKLOADS:
            raise ValueError(f"{spec['workload']}: no asyncio version")
        args = (spec["transport"], spec.get("size", 64), spec.get("copy", True),
                spec.get("tasks", 0))
        run, metrics = getattr(self, spec["workload"])(*args)
        n, dt = calibrate(run, spec.get("budget", 0.4))
        return dict(metrics(n, dt), n=n, seconds=dt)
