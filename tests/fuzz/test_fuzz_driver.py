"""The random-call driver, short: every public entry point, each seed in a subprocess.

``make soak`` runs the long version (tests/reliability/soak.sh: 3 seeds x 100,000 calls).
"""
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).with_name("run.py")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("seed", [1, 3, 4])
def test_random_calls_never_crash_or_hang(seed):
    proc = subprocess.run([sys.executable, str(RUN), "--seeds", str(seed), "--calls", "3000",
                           "--timeout", "90"], capture_output=True, text=True, timeout=110)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
