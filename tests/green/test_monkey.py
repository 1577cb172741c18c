"""Monkey patching (pyzmq#765): each check runs in a fresh interpreter, since patching is
process-global. See scripts/monkey_check.py for what each check does."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "scripts", "monkey_check.py")
CHECKS = ["plain", "tracker", "green", "threaddevice"]


def _run(hub_name: str, check: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("EVENTLET_NO_GREENDNS", "yes")  # spare the import time; no DNS needed
    env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    return subprocess.run(
        [sys.executable, SCRIPT, hub_name, check],
        capture_output=True,
        text=True,
        timeout=45,
        env=env,
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("hub_name", ["gevent", "eventlet"])
def test_after_monkey_patching(hub_name, check):
    pytest.importorskip(hub_name)
    proc = _run(hub_name, check)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{hub_name}/{check} failed (rc {proc.returncode}):\n{out}"
    if f"SKIP {check}" in proc.stdout:
        pytest.skip(proc.stdout.strip())
    assert f"OK {check}" in proc.stdout, out
