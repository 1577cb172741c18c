"""Regressions of issue 15: inputs and call orders that used to crash or hang the core.

Each case runs in a fresh interpreter (a crash is a failed test, not a dead test run).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def run_py(code: str, timeout: float = 30, **kwargs) -> str:
    """Run ``code`` in a fresh interpreter; its stdout. A crash or a hang fails."""
    try:
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                              text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"hung: killed after {timeout} s") from None
    assert proc.returncode == 0, f"exited {proc.returncode}: {proc.stderr[-3000:]}"
    return proc.stdout


@pytest.mark.timeout(60)
def test_option_numbers_outside_the_table_raise_einval():
    out = run_py("""
        import greenzmq as zmq
        ctx = zmq.Context()
        s = ctx.socket(zmq.PUB)
        calls = [lambda o, v: s.set(o, v), lambda o, v: s.get(o),
                 lambda o, v: s.setsockopt(o, v), lambda o, v: s.getsockopt(o),
                 lambda o, v: s.setsockopt_string(o, "x"), lambda o, v: s.getsockopt_string(o)]
        seen = set()
        for opt in (-2147483648, -1, 256, 1000, 2**31 - 1):
            for value in (True, 1, b"x", 2**62):
                for call in calls:
                    try:
                        call(opt, value)
                    except zmq.ZMQError as e:
                        seen.add(e.errno)
                    except TypeError:
                        seen.add("type")  # getsockopt_string of a non-bytes option
        # the context's defaults reach setsockopt when a socket is made: skipped as EINVAL
        ctx.setsockopt(-2147483648, 1)
        ctx.socket(zmq.SUB).close()
        for opt in (-2147483648, -1, 10**6):
            for call in (lambda: ctx.get(opt), lambda: ctx.set(opt, 1)):
                try:
                    call()
                except zmq.ZMQError as e:
                    seen.add(e.errno)
        s.close(); ctx.term()
        print(sorted(map(str, seen)))
    """)
    import greenzmq as zmq
    assert out.strip() == str(sorted(map(str, {zmq.EINVAL, "type"})))
