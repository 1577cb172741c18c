"""The same promises after gevent.monkey.patch_all() / eventlet.monkey_patch().

Monkey patching changes threading, time and select under the library, so the load, SIGINT,
fork, exit and gc cases run again in subprocesses that patch before importing anything.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from relutil import CASES, count, free_tcp_port, report, run_case, wait_blocked

PATCHED = ["gevent+patch", "eventlet+patch"]


@pytest.fixture(params=PATCHED)
def patched(request: pytest.FixtureRequest) -> str:
    pytest.importorskip(request.param.split("+")[0])
    return request.param


@pytest.mark.timeout(600)
def test_patched_load_dealer_router(patched: str) -> None:
    rt, clients = count(4_000, 200_000), count(100, 1000)
    r = run_case("load_dealer_router", patched, 590, roundtrips=rt, clients=clients)
    assert r["roundtrips"] == rt // clients * clients
    report("load_dealer_router", **r)


@pytest.mark.timeout(30)
def test_patched_sigint_during_recv(patched: str) -> None:
    p = subprocess.Popen([sys.executable, str(CASES), "sigint", patched,
                          json.dumps({"call": "recv"})],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        wait_blocked(p.pid)
        sent = time.monotonic()
        os.kill(p.pid, signal.SIGINT)
        line = p.stdout.readline().strip()
        latency = time.monotonic() - sent
        assert line == "interrupted"
        assert latency < 0.5, latency
        assert p.wait(10) == 0
        report("sigint", hub=patched, call="recv", latency_s=round(latency, 3))
    finally:
        p.kill()
        p.wait()


@pytest.mark.timeout(40)
def test_patched_fork(patched: str) -> None:
    assert run_case("fork", patched, 35)["child"] == {"fresh": True, "works": True}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("variant", ["plain", "blocked"])
def test_patched_exit_never_hangs(patched: str, variant: str) -> None:
    r = run_case("exit_open", patched, 10, variant=variant,
                 endpoint=f"tcp://127.0.0.1:{free_tcp_port()}", keep_stderr=True)
    assert r["variant"] == variant and r["wall_s"] < 10
    assert "Exception" not in r["stderr"] and "Traceback" not in r["stderr"], r["stderr"]
    report("exit_open", hub=patched, variant=variant, wall_s=r["wall_s"])


@pytest.mark.timeout(40)
def test_patched_gc_orders(patched: str) -> None:
    r = run_case("gc_orders", patched, 35, keep_stderr=True, rounds=count(8, 50))
    assert "Exception ignored" not in r.pop("stderr")
    assert len(r["seconds"]) == 6
