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


@pytest.mark.timeout(60)
def test_destroy_linger_applies_to_a_socket_busy_in_another_thread(tmp_path):
    # thread A blocks in push.send() at HWM 1 (its first message queued for a peer that
    # never comes); destroy(linger=0) must not leave that socket at the default infinite
    # linger when A closes it, or term() waits forever
    out = run_py(f"""
        import threading, greenzmq as zmq
        ctx = zmq.Context()
        push = ctx.socket(zmq.PUSH)
        push.sndhwm = 1
        push.connect("ipc://{tmp_path}/nobody")
        push.send(b"queued")
        result = []
        def a():
            try:
                while True:
                    push.send(b"blocks")
            except zmq.ContextTerminated:
                result.append("ETERM")
        t = threading.Thread(target=a)
        t.start()
        while not push._blocking:
            t.join(0.001)
        ctx.destroy(linger=0)
        t.join(10)
        print(result, push.closed, ctx.closed, t.is_alive())
    """, timeout=20)
    assert out.strip() == "['ETERM'] True True False"


@pytest.mark.timeout(60)
def test_term_twice_concurrently_and_after_an_interruption():
    # a second term() while one runs must wait for it (never call zmq_ctx_term on the
    # context the first is freeing); a term() interrupted by a signal handler's exception
    # leaves the context terminating: no new sockets, and term() may be called again
    out = run_py("""
        import os, signal, threading, greenzmq as zmq

        def blocked(tid):
            try:
                with open(f"/proc/self/task/{tid}/syscall") as f:
                    return f.read().split()[0] not in ("running", "0")
            except OSError:
                return False

        # 1: two threads in term() at once, released by closing the last socket
        ctx = zmq.Context()
        s = ctx.socket(zmq.PAIR)
        ids, done = [], []
        def term():
            ids.append(threading.get_native_id())
            ctx.term()
            done.append(1)
        ts = [threading.Thread(target=term) for _ in range(2)]
        for t in ts:
            t.start()
        while len(ids) < 2 or not all(blocked(i) for i in ids):
            ts[0].join(0.001)
        try:
            ctx.socket(zmq.PAIR)
        except zmq.ContextTerminated:
            print("socket refused while terminating")
        s.close()
        for t in ts:
            t.join(10)
        print(len(done), ctx.closed)
        ctx.term()  # a third call: nothing to do

        # 2: term() interrupted by an exception from a signal handler
        class Stop(Exception):
            pass
        def handler(*a):
            raise Stop()
        signal.signal(signal.SIGUSR1, handler)
        ctx = zmq.Context()
        s = ctx.socket(zmq.PAIR)
        main = threading.get_native_id()
        def kick():
            while not blocked(main):
                pass
            signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
        threading.Thread(target=kick).start()
        try:
            ctx.term()
        except Stop:
            print("interrupted", ctx._terminating, ctx.closed)
        try:
            ctx.socket(zmq.PAIR)
        except zmq.ContextTerminated:
            print("socket refused after the interruption")
        s.close()
        ctx.term()
        ctx.destroy()
        print(ctx.closed)
    """, timeout=30)
    assert out.split("\n")[:5] == [
        "socket refused while terminating", "2 True", "interrupted True False",
        "socket refused after the interruption", "True"]
