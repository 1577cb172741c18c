"""Ctrl-C reaches every device kind under load: a thread feeds the device, another drains
it, and SIGINT raises KeyboardInterrupt in the device's thread (or greenlet) promptly. Each
case runs in a subprocess with a timeout."""
import os
import signal
import subprocess
import sys

import pytest

_CHILD = r"""
import os, sys, threading
hub, kind = sys.argv[1], sys.argv[2]
import greenzmq as zmq
if hub == "threads":
    dz = zmq
else:
    import importlib
    dz = importlib.import_module("greenzmq.green_" + hub)

plain = zmq.Context()
ctx = dz.Context()
front = ctx.socket(zmq.PULL)
back = ctx.socket(zmq.PUSH)
extra = ctx.socket(zmq.PUB)  # capture / monitor / control: takes and drops everything
fport = front.bind_to_random_port("tcp://127.0.0.1")
bport = back.bind_to_random_port("tcp://127.0.0.1")


def feed():
    s = plain.socket(zmq.PUSH)
    s.connect("tcp://127.0.0.1:%d" % fport)
    while True:
        s.send(b"x" * 64)


def drain():
    s = plain.socket(zmq.PULL)
    s.connect("tcp://127.0.0.1:%d" % bport)
    for _ in range(20000):
        s.recv()
    print("flowing", flush=True)
    while True:
        s.recv()


for fn in (feed, drain):
    threading.Thread(target=fn, daemon=True).start()
try:
    if kind == "proxy":
        dz.proxy(front, back, extra)
    elif kind == "proxy_steerable":
        dz.proxy_steerable(front, back, None, extra)
    elif kind == "device":
        dz.device(zmq.QUEUE, front, back)
    else:
        dz.monitored_queue(front, back, extra)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    os._exit(0)
print("returned", flush=True)
os._exit(1)
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["proxy", "proxy_steerable", "device", "monitored_queue"])
@pytest.mark.parametrize("hub", ["threads", "gevent", "eventlet"])
def test_ctrl_c_under_load_raises_keyboard_interrupt(hub, kind):
    if hub != "threads":
        pytest.importorskip(hub)
    p = subprocess.Popen([sys.executable, "-c", _CHILD, hub, kind], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "flowing", p.stderr.read()
        os.kill(p.pid, signal.SIGINT)
        out, err = p.communicate(timeout=20)
        assert out.strip() == "interrupted", (out, err[-2000:])
        assert p.returncode == 0
    finally:
        p.kill()
        p.wait()
