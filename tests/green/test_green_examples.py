"""Smoke tests for the green examples (the examples cannot rot): each runs in a subprocess with
small counts, so the examples cannot rot."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    env.setdefault("EVENTLET_NO_GREENDNS", "yes")
    # the examples import greenzmq from this tree, installed or not
    env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    return env


def _run(script: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
    )


@pytest.mark.timeout(90)
def test_gevent_workers_example():
    pytest.importorskip("gevent")
    proc = _run("gevent_workers.py", "400")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "workers ready: w0 w1 w2 w3" in proc.stdout, out
    assert "OK 400 requests" in proc.stdout, out


@pytest.mark.timeout(60)
def test_eventlet_monkey_example():
    pytest.importorskip("eventlet")
    proc = _run("eventlet_monkey.py", "20", "--clients", "5", "--workers", "2")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "OK 100 requests" in proc.stdout, out


@pytest.mark.timeout(90)
def test_eventlet_wsgi_example_serves_200_concurrent_requests():
    pytest.importorskip("eventlet")
    proc = subprocess.Popen(
        [sys.executable, os.path.join(EXAMPLES, "eventlet_wsgi.py"), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        # the first stdout line names the port; read it off-thread so a silent server
        # fails the test instead of hanging it
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()))
        reader.start()
        reader.join(30)
        assert first and first[0].startswith("listening on http://127.0.0.1:"), (
            f"no port line: {first!r}; stderr: {proc.stderr.read() if proc.poll() else ''}"
        )
        base = first[0].split("listening on ", 1)[1].strip()

        def fetch(n: int) -> tuple[int, int, dict]:
            with urllib.request.urlopen(f"{base}square?n={n}", timeout=30) as resp:
                return n, resp.status, json.loads(resp.read())

        numbers = list(range(-100, 100))
        with ThreadPoolExecutor(max_workers=len(numbers)) as pool:
            results = list(pool.map(fetch, numbers))
        assert len(results) == 200
        for n, status, body in results:
            assert status == 200
            assert body == {"n": n, "square": n * n}
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{base}nothing", timeout=10)
        assert err.value.code == 404
        assert proc.poll() is None, "the server died"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
