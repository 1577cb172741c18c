"""The green layers under faults: interrupted terms, tracker waits, our own term/tracker
thread, close from another OS thread, duplicate poll items, iterators at the HWM, term at
the fd limit. Every case runs on both hubs; fork, monkey
patching and the fd limit run in a subprocess.
"""
from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import toolbox


def _started(hub, fn, *args):
    """Spawn ``fn(*args)`` and return once it has begun (and so parked, if it blocks)."""
    began = []

    def run():
        began.append(True)
        return fn(*args)

    h = hub.spawn(run)
    while not began:
        hub.sleep(0)
    return h


def _dead_tcp_endpoint(hub) -> str:
    """A tcp endpoint nobody listens on (the port stays held so nobody else takes it)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    hub._closers.append(s.close)
    return "tcp://127.0.0.1:%d" % s.getsockname()[1]


def _run_script(body: str, *args: str, timeout: float = 40) -> subprocess.CompletedProcess:
    """Run ``_PRELUDE`` + ``body`` in a fresh interpreter; ``args`` go to its argv."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-c", _PRELUDE + textwrap.dedent(body), *args],
                          capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONPATH=path))


# Sets up ``zmq`` (the green module), ``spawn(fn, *args) -> handle`` with ``handle.wait()``,
# ``sleep`` and ``Timeout`` for the hub named in argv[1]; argv[2] == "patched" monkey-patches.
_PRELUDE = """
import os, sys, time
which, patched = sys.argv[1], sys.argv[2] == "patched"
if which == "gevent":
    if patched:
        from gevent import monkey; monkey.patch_all()
    import gevent
    from greenzmq import green_gevent as zmq
    spawn, sleep, Timeout = gevent.spawn, gevent.sleep, gevent.Timeout
    def join(g, timeout): return g.join(timeout) is not None or g.dead
else:
    import eventlet
    if patched:
        eventlet.monkey_patch()
    from greenzmq import green_eventlet as zmq
    spawn, sleep, Timeout = eventlet.spawn, eventlet.sleep, eventlet.Timeout
    def join(g, timeout):
        try:
            with eventlet.Timeout(timeout):
                g.wait()
        except eventlet.Timeout:
            return False
        return True

def started(fn, *args):
    began = []
    def run():
        began.append(True)
        return fn(*args)
    g = spawn(run)
    while not began:
        sleep(0)
    return g

def dead_endpoint():
    import socket
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    dead_endpoint.held = holder  # held, so nobody else takes the port
    return "tcp://127.0.0.1:%d" % holder.getsockname()[1]
"""


def _check_script(res: subprocess.CompletedProcess, last: str = "OK") -> None:
    lines = res.stdout.strip().splitlines()
    assert res.returncode == 0 and lines and lines[-1] == last, (res.returncode, res.stdout,
                                                                 res.stderr)


# --- item 2: an interrupted green term ----------------------------------------------------


@pytest.mark.timeout(20)
@pytest.mark.parametrize("how", ["kill", "timeout"])
@pytest.mark.parametrize("then", ["term", "destroy"])
def test_interrupted_term_leaves_a_context_the_next_term_finishes(hub, how, then):
    zmq = hub.zmq
    ctx = hub.context()
    s = ctx.socket(zmq.PUSH)  # open: term waits for it
    if how == "kill":
        h = _started(hub, ctx.term)
        h.kill()
        assert isinstance(h.exception, BaseException) and not ctx.closed
    else:
        with pytest.raises(hub.Timeout):
            with hub.Timeout(0.1):
                ctx.term()
        assert not ctx.closed
    if then == "term":
        s.close()
        done = hub.spawn(ctx.term)
    else:
        done = hub.spawn(ctx.destroy, 0)
    done.get(5)
    assert ctx.closed and s.closed
    ctx.term()  # and again: a no-op
    ctx.destroy()


@pytest.mark.timeout(40)
@pytest.mark.parametrize("which", ["gevent", "eventlet"])
def test_term_interrupted_by_ctrl_c_leaves_a_terminable_context(which):
    pytest.importorskip(which)
    res = _run_script("""
        import signal, threading
        ctx = zmq.Context()
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            ctx.term()
        except KeyboardInterrupt:
            print("interrupted")
        s.close()
        g = spawn(ctx.term)
        assert join(g, 5), "the second term hangs"
        assert ctx.closed
        print("OK")
    """, which, "plain")
    _check_script(res)
    assert "interrupted" in res.stdout


# --- item 3: tracker waits hold no threads --------------------------------------------------


def _tracked(hub, n: int):
    """``n`` trackers of zero-copy frames stuck in a queue (the peer never comes)."""
    zmq = hub.zmq
    ctx = hub.context()
    push = ctx.socket(zmq.PUSH)
    push.connect(_dead_tcp_endpoint(hub))
    hub._closers.append(push.close)  # and keeps it: closing it would drop the frames
    return ctx, [push.send(b"x" * 100, copy=False, track=True) for _ in range(n)]


@pytest.mark.timeout(20)
def test_concurrent_tracker_waits_time_out_together_and_leave_nothing(hub):
    zmq = hub.zmq
    ctx, trackers = _tracked(hub, 60)
    threads = threading.active_count()

    def wait(t):
        try:
            t.wait(0.5)
        except zmq.NotDone:
            return time.monotonic()
        return ("returned", t.done, t)

    t0 = time.monotonic()
    hs = [hub.spawn(wait, t) for t in trackers]
    ends = [h.get(5) for h in hs]
    assert all(isinstance(e, float) for e in ends), ends
    late = max(ends) - t0
    assert 0.45 <= late < 1.3, f"60 concurrent wait(0.5) ended after {late:.2f} s"
    # killed waits: nothing is left behind, and term is not held up
    hs = [_started(hub, t.wait) for t in trackers]
    for h in hs:
        h.kill()
    assert threading.active_count() <= threads + 1  # (the core's release drainer may start)
    t0 = time.monotonic()
    hub.spawn(ctx.destroy, 0).get(5)
    assert time.monotonic() - t0 < 1.0
    for t in trackers:  # released by the destroy: a wait now returns at once
        hub.spawn(t.wait, 2).get(3)


@pytest.mark.timeout(20)
def test_tracker_wait_wakes_on_release(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH)
    trackers = [push.send(b"y" * 200_000, copy=False, track=True) for _ in range(3)]
    waits = [_started(hub, t.wait, 5) for t in trackers]
    got = [pull.recv(copy=False) for _ in trackers]
    assert not any(w.dead for w in waits)
    del got  # inproc hands the buffers on: dropping the frames releases them
    for w in waits:
        w.get(5)
    assert all(t.done for t in trackers)


# --- item 4: our own thread for term and trackers ------------------------------------------


@pytest.mark.timeout(80)
@pytest.mark.parametrize("patched", ["plain", "patched"])
@pytest.mark.parametrize("which", ["gevent", "eventlet"])
def test_term_thread_survives_other_threads_fork_and_exit(which, patched):
    pytest.importorskip(which)
    res = _run_script("""
        import threading
        from greenzmq.auth.thread import _real_thread_primitives
        start_new_thread, allocate_lock = _real_thread_primitives()

        def term_with_a_socket_closed_meanwhile():
            ctx = zmq.Context()
            s = ctx.socket(zmq.PUSH)
            s.linger = 0
            g = started(ctx.term)
            s.close()
            assert join(g, 5), "term hangs"
            assert ctx.closed

        # a term in another OS thread first, then in the main thread
        done = allocate_lock(); done.acquire()
        def other():
            term_with_a_socket_closed_meanwhile()
            done.release()
        start_new_thread(other, ())
        assert done.acquire(True, 10), "term in another thread hangs"
        term_with_a_socket_closed_meanwhile()
        print("threads")

        # in a forked child
        pid = os.fork()
        if pid == 0:
            try:
                term_with_a_socket_closed_meanwhile()
            except BaseException as e:
                print("child failed", repr(e), flush=True)
                os._exit(1)
            os._exit(0)
        for _ in range(1000):
            wpid, status = os.waitpid(pid, os.WNOHANG)
            if wpid:
                break
            time.sleep(0.01)
        else:
            os.kill(pid, 9)
            raise SystemExit("term in the forked child hangs")
        assert os.waitstatus_to_exitcode(status) == 0, status
        print("fork")

        # exit with a greenthread parked in tracker.wait(): the process must end
        ctx = zmq.Context()
        push = ctx.socket(zmq.PUSH)
        push.linger = 0
        push.connect(dead_endpoint())
        t = push.send(b"z" * 100, copy=False, track=True)
        started(t.wait)
        print("OK", flush=True)
    """, which, patched, timeout=60)
    _check_script(res)


# --- item 5: close or destroy from another OS thread ----------------------------------------


@pytest.mark.timeout(20)
@pytest.mark.parametrize("how", ["close", "destroy"])
def test_close_from_another_thread_wakes_the_parked_greenlet(hub, how):
    zmq = hub.zmq
    ctx = hub.context()
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://x-thread-close")
    h = _started(hub, pull.recv)
    errors = []

    def closer():
        try:
            if how == "close":
                pull.close()
            else:
                ctx.destroy(linger=0)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    th = threading.Thread(target=closer)
    th.start()
    assert h.join(5), "the parked greenlet was never woken"
    th.join(5)
    assert errors == []
    exc = h.exception
    assert isinstance(exc, zmq.ZMQError) and exc.errno == errno.ENOTSOCK, repr(exc)
    assert pull.closed


# --- item 7: duplicate poll items, one fd polled twice --------------------------------------


@pytest.mark.timeout(20)
@pytest.mark.parametrize("second", ["POLLIN", "POLLOUT"])
def test_duplicate_poll_items(hub, second):
    zmq = hub.zmq
    rep, req = hub.pair(zmq.REP, zmq.REQ)  # rep: neither readable nor writable until asked
    items = [(rep, zmq.POLLIN), (rep, getattr(zmq, second))]
    h = _started(hub, zmq.zmq_poll, items, 3000)
    t0 = time.monotonic()
    req.send(b"ping")
    ready = h.get(5)
    assert time.monotonic() - t0 < 2.0, "not woken by the request"
    assert ready and all(obj is rep and ev & zmq.POLLIN for obj, ev in ready), ready
    assert rep._gs.nwait == 0 and not rep._gs.polls
    assert rep.recv() == b"ping"  # and the socket still works
    rep.send(b"pong")
    assert req.recv() == b"pong"


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", ["fd", "socket", "zmq"])
def test_two_greenlets_poll_one_fd(hub, kind):
    zmq = hub.zmq
    if kind == "zmq":  # a plain (not green) zmq socket: its ZMQ_FD is watched twice
        import greenzmq

        pctx = greenzmq.Context()
        hub._closers.append(lambda: pctx.destroy(0))
        a, b = toolbox.pair(pctx, zmq.PULL, zmq.PUSH)
        target, fire = a, lambda: b.send(b"hi")
    else:
        a, b = hub.socketpair()
        target, fire = (a.fileno() if kind == "fd" else a), lambda: b.send(b"hi")
    hs = [_started(hub, zmq.zmq_poll, [(target, zmq.POLLIN)], 3000) for _ in range(2)]
    hs.append(_started(hub, zmq.select, [target], [], [], 3))
    t0 = time.monotonic()
    fire()
    results = [h.get(5) for h in hs]
    assert time.monotonic() - t0 < 2.0
    assert all(results), results


# --- item 8: send_multipart(iterator) at the HWM ---------------------------------------------


@pytest.mark.timeout(20)
def test_send_multipart_iterator_at_hwm_loses_nothing(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, sndhwm=1, rcvhwm=1)
    sent = 0
    while True:
        try:
            push.send(b"%d" % sent, zmq.NOBLOCK)
        except zmq.Again:
            break
        sent += 1
    h = _started(hub, push.send_multipart, iter([b"a", b"b", b"c"]))
    assert not h.dead  # parked at the HWM
    for i in range(sent):
        assert pull.recv() == b"%d" % i
    assert pull.recv_multipart() == [b"a", b"b", b"c"]
    h.get(5)


# --- item 9: term at the fd limit --------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("which", ["gevent", "eventlet"])
def test_term_at_the_fd_limit(which):
    pytest.importorskip(which)
    res = _run_script("""
        import resource
        ctx = zmq.Context()
        s = ctx.socket(zmq.PUSH)
        s.linger = 0
        # (no inproc connect to a name nobody binds: at the fd limit libzmq's term then
        # asserts creating a socket for it, ctx.cpp:169, green or not)
        used = len(os.listdir("/proc/self/fd"))
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (used + 16, hard))
        held = []
        try:
            while True:
                held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            pass
        g = started(ctx.term)  # waits for s
        s.close()
        assert join(g, 10), "term at the fd limit hangs"
        assert ctx.closed
        # and a later context's term too
        for fd in held[-8:]:
            os.close(fd)
        ctx = zmq.Context()
        ctx.socket(zmq.PUSH).close()
        try:
            while True:
                held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            pass
        ctx.term()
        print("OK")
    """, which, "plain")
    _check_script(res)
