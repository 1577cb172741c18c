"""Smoke-run the examples in examples/ (each in its own interpreter) so they cannot rot.

The green examples (gevent_workers.py, eventlet_wsgi.py, eventlet_monkey.py) have
their own tests; these are the thread-based ones.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# example -> (arguments for a short run, the line it prints on success)
RUNS = {
    "reqrep.py": (["-n", "20"], "reqrep: 20 requests answered"),
    "pubsub.py": (["-n", "20"], "pubsub: 2 subscribers got 20 messages each"),
    "pipeline.py": (["-n", "50", "-w", "2"], "pipeline: 50 tasks over 2 workers"),
    "broker.py": (["-n", "10", "-c", "2", "-w", "2"], "broker: 20 requests from 2 clients"),
    "curve_pair.py": (["-n", "5"], "curve_pair: 5 encrypted round trips"),
}


def run_example(
    name: str, args: list[str], timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # the examples import greenzmq from this tree, whatever the current directory
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=EXAMPLES, env=env)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(RUNS))
def test_example_runs_and_succeeds(name: str) -> None:
    args, expected = RUNS[name]
    if name == "curve_pair.py":
        import greenzmq

        if not greenzmq.has("curve"):
            pytest.skip("libzmq without CURVE")
    proc = run_example(name, args)
    assert proc.returncode == 0, f"{name} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert expected in proc.stdout
    # a thread that died with a traceback would not change the exit code: look for it
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.timeout(30)
def test_every_example_has_a_help_text() -> None:
    # argparse's --help proves the script imports cleanly and documents itself
    for name in sorted(RUNS):
        proc = run_example(name, ["--help"])
        assert proc.returncode == 0, proc.stderr
        assert "--count" in proc.stdout


def test_examples_exist() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py") if p.name in RUNS) == sorted(RUNS)
