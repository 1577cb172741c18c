"""The random-call fuzzers, short, each in an interpreter of its own (an abort is a failed
test, not a dead test run).

``make soak`` runs the long driver (tests/reliability/soak.sh: 3 seeds x 100,000 calls).
"""
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.timeout(120)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_calls_never_crash_or_hang(seed):
    # seed 2 used to hang in term() (a socket closed with LINGER -1 and a message for a
    # peer that never came: docs/faults.rst)
    proc = subprocess.run([sys.executable, str(HERE / "run.py"), "--seeds", str(seed),
                           "--calls", "3000", "--timeout", "90"],
                          capture_output=True, text=True, timeout=110)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.timeout(120)
def test_inproc_call_sequences_raise_never_abort():
    proc = subprocess.run([sys.executable, str(HERE / "inproc_sequences.py"), "1000"],
                          capture_output=True, text=True, timeout=110)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", (
        "exited %d\n%s\nlast examples:\n%s" % (proc.returncode, proc.stdout[-2000:],
                                                proc.stderr[-3000:]))
