import os
import signal
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reliability"))
from relutil import wait_blocked  # noqa: E402  (reads /proc: "is it blocked in poll yet?")

SCRIPT = r"""
import sys, time, greenzmq as zmq
ctx = zmq.Context()
s = ctx.socket(zmq.PULL)
s.bind('inproc://sig')
print('ready', flush=True)
t0 = time.monotonic()
try:
    s.{call}
except KeyboardInterrupt:
    print('interrupted %.3f' % (time.monotonic() - t0), flush=True)
s.close(); ctx.term()
"""


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "call", ["recv()", "recv_multipart()", "poll()", "recv_into(bytearray(4))"]
)
def test_sigint_during_blocking_call_raises_keyboardinterrupt(call):
    p = subprocess.Popen([sys.executable, "-c", SCRIPT.replace("{call}", call)],
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        wait_blocked(p.pid)  # the main thread is in the blocking call
        sent = time.monotonic()
        os.kill(p.pid, signal.SIGINT)
        line = p.stdout.readline().strip()
        assert line.startswith("interrupted"), line
        assert time.monotonic() - sent < 0.5
        assert p.wait(10) == 0
    finally:
        p.kill()
