"""Signals and lifecycle: SIGINT, fork, interpreter exit, garbage collection."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from relutil import CASES, count, free_tcp_port, report, run_case, wait_blocked


@pytest.mark.timeout(30)
@pytest.mark.parametrize("call", ["recv", "recv_multipart", "poll", "poller"])
def test_sigint_during_blocking_recv(hub_name: str, call: str) -> None:
    p = subprocess.Popen([sys.executable, str(CASES), "sigint", hub_name,
                          json.dumps({"call": call})],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        wait_blocked(p.pid)  # the main thread sits in poll/epoll: it is inside the call
        sent = time.monotonic()
        os.kill(p.pid, signal.SIGINT)
        line = p.stdout.readline().strip()
        latency = time.monotonic() - sent
        assert line == "interrupted", (line, p.stderr.read() if p.poll() is not None else "")
        assert latency < 0.5, f"KeyboardInterrupt after {latency:.3f} s"
        # read through p.stdout: communicate() reads the pipe's fd and would miss what
        # readline() already buffered (RESULT often comes in the same chunk)
        out = p.stdout.read()
        p.wait(10)
        assert p.returncode == 0, p.stderr.read()[-2000:]
        assert "RESULT" in out
        report("sigint", hub=hub_name, call=call, latency_s=round(latency, 3))
    finally:
        p.kill()
        p.wait()


@pytest.mark.timeout(40)
def test_fork_after_use(hub_name: str) -> None:
    r = run_case("fork", hub_name, 35)
    assert r["child"] == {"fresh": True, "works": True}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("variant", ["plain", "instance", "cycle", "blocked"])
def test_interpreter_exit_with_open_sockets_never_hangs(hub_name: str, variant: str) -> None:
    # PUSH with unsent messages towards a port nobody listens on, default linger (-1)
    bound = 10.0
    r = run_case("exit_open", hub_name, bound, variant=variant,
                 endpoint=f"tcp://127.0.0.1:{free_tcp_port()}", keep_stderr=True)
    assert r["variant"] == variant
    assert r["wall_s"] < bound
    # no "Exception ignored in ... __del__", no traceback from a finaliser at exit
    assert "Exception" not in r["stderr"] and "Traceback" not in r["stderr"], r["stderr"]
    report("exit_open", hub=hub_name, variant=variant, wall_s=r["wall_s"])


@pytest.mark.timeout(40)
def test_gc_of_sockets_and_contexts_in_any_order(hub_name: str) -> None:
    r = run_case("gc_orders", hub_name, 35, keep_stderr=True, rounds=count(8, 50))
    assert "Exception ignored" not in r.pop("stderr")  # a finaliser that failed
    assert set(r["seconds"]) == {"sockets_first", "context_first", "cycle", "cycle_pending",
                                 "socket_cycle", "interleaved"}
    report("gc_orders", **r)


@pytest.mark.timeout(20)
def test_gc_cycle_in_process_warns_and_closes() -> None:
    """In this very process: a Context <-> Socket cycle with a pending message is freed by
    the collector without blocking, and its socket is closed afterwards."""
    import gc
    import warnings
    import weakref

    import greenzmq as zmq

    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.connect(f"tcp://127.0.0.1:{free_tcp_port()}")
    s.send(b"never delivered")
    s._ctx_ref = ctx
    ctx._sock_ref = s
    ref = weakref.ref(s)
    del ctx, s
    t0 = time.monotonic()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        gc.collect()
    assert time.monotonic() - t0 < 5
    assert ref() is None
