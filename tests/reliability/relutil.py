"""Helpers shared by the reliability tests: sizes (short vs soak), subprocess cases, /proc.

``GREENZMQ_SOAK=1`` switches every count to the full soak figures; without it the
whole directory stays within about a minute on two cores (it runs inside ``make test``).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SOAK = os.environ.get("GREENZMQ_SOAK") == "1"
SCRIPTS = Path(__file__).parent / "scripts"
CASES = SCRIPTS / "cases.py"

# syscalls a thread sits in while blocked in libzmq or in a hub's loop (x86_64 and arm64)
BLOCKING_SYSCALLS = {
    # poll select futex epoll_wait pselect6 ppoll epoll_pwait
    "x86_64": {7, 23, 202, 232, 270, 271, 281},
    "aarch64": {22, 72, 73, 98},  # epoll_pwait pselect6 ppoll futex
}


def count(short: int, soak: int) -> int:
    """``soak`` under GREENZMQ_SOAK=1, else ``short``."""
    return soak if SOAK else short


def report(name: str, **figures: Any) -> None:
    """Append one measured row to $GREENZMQ_RELIABILITY_REPORT (soak.sh tabulates it)."""
    path = os.environ.get("GREENZMQ_RELIABILITY_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"test": name, **figures}) + "\n")


def run_case(case: str, hub: str, timeout: float, *, keep_stderr: bool = False,
             **kwargs: Any) -> dict:
    """Run ``scripts/cases.py case hub kwargs`` in a fresh interpreter; its RESULT dict.

    A case that outlives ``timeout`` is killed and reported as hung; one that exits
    non-zero fails with the end of its stderr (``keep_stderr`` adds it as "stderr").
    """
    cmd = [sys.executable, str(CASES), case, hub, json.dumps(kwargs)]
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"{case}[{hub}] hung: killed after {timeout} s; "
                             f"stderr: {_tail(exc.stderr)}") from None
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise AssertionError(f"{case}[{hub}] exited {proc.returncode}: {_tail(proc.stderr)}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if not lines:
        raise AssertionError(f"{case}[{hub}] printed no RESULT; stdout {_tail(proc.stdout)}")
    result = json.loads(lines[-1][len("RESULT "):])
    result["wall_s"] = round(wall, 3)
    if keep_stderr:
        result["stderr"] = _tail(proc.stderr)
    return result


def _tail(text: Any, n: int = 2000) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return (text or "")[-n:]


def blocked_in_syscall(pid: int, tid: int | None = None) -> bool:
    """True while thread ``tid`` of ``pid`` sits in a blocking wait (poll, epoll, futex)."""
    path = f"/proc/{pid}/task/{tid or pid}/syscall"
    try:
        with open(path) as f:
            first = f.read().split()[0]
    except (OSError, IndexError):
        return False
    if first == "running":
        return False
    wanted = BLOCKING_SYSCALLS.get(os.uname().machine, set())
    try:
        return int(first) in wanted
    except ValueError:
        return False


def wait_blocked(pid: int, tid: int | None = None, timeout: float = 10.0,
                 settle: int = 3) -> None:
    """Wait until the thread is seen blocked ``settle`` times in a row (it really waits)."""
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        seen = seen + 1 if blocked_in_syscall(pid, tid) else 0
        if seen >= settle:
            return
        time.sleep(0.005)  # sampling /proc: there is no event for "entered a syscall"
    raise AssertionError(f"thread {tid or pid} of {pid} never blocked within {timeout} s")


def free_tcp_port() -> int:
    """An ephemeral port the kernel just handed out (for a peer that must re-bind it)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
