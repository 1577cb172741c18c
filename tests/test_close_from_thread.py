"""close() from another thread wakes the thread blocked in the socket: the blocked call
raises ZMQError(ENOTSOCK), the socket is closed, the context terms, no fd leaks, and
libzmq never sees a socket closed under a call (it would abort). Each case runs in a
subprocess, so a regression that aborts or hangs is a failed test, not a dead run."""
import os
import subprocess
import sys

import pytest

import greenzmq as zmq

# runs in the child: `call(s)` blocks in s (a PULL, or a PUSH at HWM 1 whose queue is full)
# until the main thread closes s; prints the outcome
_CHILD = """
import os, sys, threading, time
import greenzmq as zmq

ctx = zmq.Context()
kind = sys.argv[1]
sending = kind.startswith("send")
s = ctx.socket(zmq.PUSH if sending else zmq.PULL)
s.sndhwm = 1
s.bind("inproc://x")
if sending:
    # a peer that never reads: once its queue and ours are full, send blocks
    peer = ctx.socket(zmq.PULL)
    peer.rcvhwm = 1
    peer.connect("inproc://x")
    try:
        while True:
            s.send(b"fill", zmq.NOBLOCK)
    except zmq.Again:
        pass
# the relays: s is their frontend; b and m their other sockets
b, m = ctx.socket(zmq.PUSH), ctx.socket(zmq.PUB)
calls = {
    "recv": lambda: s.recv(),
    "recv_frame": lambda: s.recv(copy=False),
    "recv_multipart": lambda: s.recv_multipart(),
    "recv_into": lambda: s.recv_into(bytearray(10)),
    "recv_timeo": lambda: (setattr(s, "rcvtimeo", 60000), s.recv()),
    "send": lambda: s.send(b"x"),
    "send_big": lambda: s.send(b"x" * 100000),
    "send_frame": lambda: s.send(zmq.Frame(b"y" * 100000), copy=False),
    "send_multipart": lambda: s.send_multipart([b"a", b"b"]),
    "poll": lambda: s.poll(),
    "poller": lambda: _poller(),
    "proxy": lambda: zmq.proxy(s, b, m),
    "proxy_steerable": lambda: zmq.proxy_steerable(s, b, None, m),
    "monitored_queue": lambda: zmq.devices.monitored_queue(s, b, m),
    "zmq_poll": lambda: zmq.zmq_poll([(s, zmq.POLLIN), (sys.stdin, zmq.POLLIN)]),
}

def _poller():
    p = zmq.Poller()
    p.register(s, zmq.POLLIN)
    return p.poll()

out = []

def run():
    try:
        out.append(repr(calls[kind]()))
    except zmq.ZMQError as e:
        out.append("errno=%d" % e.errno)

t = threading.Thread(target=run)
t.start()
deadline = time.monotonic() + 10
while not s._blocking:
    assert time.monotonic() < deadline, "never blocked"
    time.sleep(0.001)
s.close(linger=0)
assert s.closed
t.join(10)
assert not t.is_alive(), "the blocked call did not return"
if sending:
    peer.close()
b.close()
m.close()
ctx.term()
print("OUTCOME", out[0], flush=True)
"""


def _child(kind: str, stdin=None) -> str:
    proc = subprocess.run([sys.executable, "-c", _CHILD, kind], capture_output=True,
                          text=True, timeout=30, stdin=stdin)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.split("OUTCOME ", 1)[1].strip()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["recv", "recv_frame", "recv_multipart", "recv_into",
                                  "recv_timeo", "send", "send_big", "send_frame",
                                  "send_multipart", "poll", "poller", "proxy",
                                  "proxy_steerable", "monitored_queue"])
def test_close_from_another_thread_wakes_the_blocked_call(kind):
    assert _child(kind) == "errno=%d" % zmq.ENOTSOCK


@pytest.mark.timeout(60)
def test_close_wakes_zmq_poll_over_a_socket_and_a_plain_fd():
    r, w = os.pipe()
    try:
        with os.fdopen(r, "rb", closefd=False) as stdin:
            assert _child("zmq_poll", stdin=stdin) == "errno=%d" % zmq.ENOTSOCK
    finally:
        os.close(r)
        os.close(w)


_LEAK = """
import os, threading, time
import greenzmq as zmq

def fds():
    return len(os.listdir("/proc/self/fd"))

def rounds(n):
    ctx = zmq.Context()
    for i in range(n):
        s = ctx.socket(zmq.PULL)
        s.bind("inproc://leak-%d" % i)  # libzmq frees inproc names after close, not at once
        errs = []
        t = threading.Thread(target=lambda: errs.append(pytest_raises(s.recv)))
        t.start()
        while not s._blocking:
            time.sleep(0.0005)
        s.close()
        t.join(10)
        assert errs == [zmq.ENOTSOCK], errs
    # libzmq's reaper closes a closed socket's fds some time later; term() waits for it
    ctx.term()

rounds(1)  # what a first use sets up once stays open: count from after it
before = fds()
rounds(60)
print("FDS", before, fds(), flush=True)
"""


def pytest_raises(fn):  # used by _LEAK in the child (defined there from this source)
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return getattr(e, "errno", repr(e))
    return None


@pytest.mark.timeout(60)
def test_repeated_cross_thread_close_leaks_no_fd():
    import inspect
    code = inspect.getsource(pytest_raises) + _LEAK
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=50)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first, last = map(int, proc.stdout.split("FDS ", 1)[1].split())
    assert last <= first


@pytest.mark.timeout(20)
def test_rcvtimeo_and_sndtimeo_still_raise_again(ctx):
    pull, push = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    pull.rcvtimeo = push.sndtimeo = 30
    pull.bind("inproc://timeo")
    with pytest.raises(zmq.Again):
        pull.recv()
    with pytest.raises(zmq.Again):
        push.send(b"nobody")  # no peer: PUSH blocks
    push.connect("inproc://timeo")
    push.send(b"ok")
    assert pull.recv() == b"ok"


@pytest.mark.timeout(30)
def test_destroy_still_wakes_every_blocked_call_with_context_terminated():
    import threading

    ctx = zmq.Context()
    pull, push = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    pull.bind("inproc://destroy-many")  # push has no peer: its send blocks
    outcomes = []

    def run(fn):
        try:
            fn()
        except zmq.ZMQError as e:
            outcomes.append(type(e))

    calls = (pull.recv, lambda: push.send(b"x"))
    threads = [threading.Thread(target=run, args=(f,)) for f in calls]
    for t in threads:
        t.start()
    for s in (pull, push):
        while not s._blocking:
            threading.Event().wait(0.001)
    ctx.destroy(linger=0)
    for t in threads:
        t.join(10)
        assert not t.is_alive()
    assert outcomes == [zmq.ContextTerminated] * 2
    assert pull.closed and push.closed and ctx.closed
