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


# --- inproc names: the libzmq 4.3 assertions behind pending connections (core/_inproc.pxi) ---

INPROC_CASES = {
    # ROUTER/REP connected before the bind, then disconnected: pipe.cpp:87 at the bind
    "router_disconnects_pending": """
        r = ctx.socket(zmq.ROUTER); r.connect(N)
        expect(zmq.ENOTSUP, r.disconnect, N)
        expect(zmq.ENOTSUP, r.unbind, N)
        b = ctx.socket(zmq.REP); b.bind(N)
    """,
    # a CONFLATE connector gave up its pending pipe: ctx.cpp:809 at a non-ROUTER bind
    # (the dead pipe is attached to a throw-away ROUTER first: the bind works)
    "conflate_closed_then_bind": """
        c = ctx.socket(zmq.SUB); c.conflate = 1; c.connect(N); c.close()
        b = ctx.socket(zmq.PUB); b.bind(N)
    """,
    "conflate_disconnected_then_bind": """
        c = ctx.socket(zmq.PULL); c.conflate = 1; c.connect(N); c.disconnect(N)
        b = ctx.socket(zmq.REQ); b.bind(N)
    """,
    # ... while another socket still waits for the name: refused, the other is kept
    "conflate_dead_with_live_waiter": """
        c = ctx.socket(zmq.SUB); c.conflate = 1; c.connect(N); c.close()
        d = ctx.socket(zmq.PULL); d.connect(N)
        b = ctx.socket(zmq.PUSH)
        expect(zmq.EADDRINUSE, b.bind, N)
        r = ctx.socket(zmq.ROUTER); r.bind(N)  # a ROUTER binder reads nothing: fine
    """,
    # term() binds every pending name itself (libzmq's PAIR would hit ctx.cpp:809)
    "conflate_dead_at_term": """
        c = ctx.socket(zmq.DEALER); c.conflate = 1; c.connect(N); c.disconnect(N)
    """,
    # a PAIR binder keeps one pipe and ends the others: pipe.cpp:87 for a ROUTER/REP one
    "pair_binds_name_with_several_waiters": """
        s = ctx.socket(zmq.SUB); s.connect(N)
        r = ctx.socket(zmq.REP); r.connect(N)
        p = ctx.socket(zmq.PAIR)
        expect(zmq.EINVAL, p.bind, N)
        expect(zmq.EINVAL, p.monitor, N)  # (libzmq binds a PAIR for a monitor)
    """,
    # the fuzzer's reproductions of the issue: unicode and 300-character names
    "unicode_and_long_names": """
        for name in ("inproc://é", "inproc://" + "n" * 300):
            r = ctx.socket(zmq.ROUTER); r.connect(name)
            expect(zmq.ENOTSUP, r.disconnect, name)
            b = ctx.socket(zmq.REP); b.bind(name)
            c = ctx.socket(zmq.SUB); c.conflate = 1; c.connect(name + "2"); c.close()
            b = ctx.socket(zmq.REQ); b.bind(name + "2")
    """,
    # a NUL would cut the name short inside libzmq
    "nul_in_endpoint": """
        s = ctx.socket(zmq.PAIR)
        for call in (s.bind, s.connect, s.unbind, s.disconnect, s.monitor):
            try:
                call("inproc://a\\x00b")
            except ValueError:
                pass
            else:
                raise AssertionError(call)
    """,
    # draft socket types (Debian's libzmq has them; a failed DGRAM send aborts)
    "draft_socket_types": """
        for t in range(12, 21):
            expect(zmq.EINVAL, ctx.socket, t)
    """,
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", sorted(INPROC_CASES))
def test_inproc_sequences_that_libzmq_aborts_on(case):
    out = run_py("""
        import greenzmq as zmq
        N = "inproc://name"
        def expect(errno, fn, *args):
            try:
                fn(*args)
            except zmq.ZMQError as e:
                assert e.errno == errno, (e.errno, errno, e)
            else:
                raise AssertionError("no error from %r" % (fn,))
        ctx = zmq.Context()
        ctx.linger = 0
    """ + textwrap.indent(textwrap.dedent(INPROC_CASES[case]), "        ") + """
        ctx.destroy(linger=0)
        print("done")
    """, timeout=30)
    assert out.strip() == "done"


@pytest.mark.timeout(60)
def test_term_in_a_thread_while_the_sockets_close():
    # term() and close() in other threads, sockets with pending inproc connections of
    # every kind (libzmq's own term step raced the closes: pipe.cpp:87)
    out = run_py("""
        import random, threading, greenzmq as zmq
        rng = random.Random(2)
        types = [zmq.PAIR, zmq.ROUTER, zmq.DEALER, zmq.REQ, zmq.REP, zmq.PUB, zmq.SUB,
                 zmq.PUSH, zmq.PULL]
        for _ in range(80):
            ctx = zmq.Context()
            socks = []
            for _ in range(6):
                s = ctx.socket(rng.choice(types))
                s.linger = 0
                socks.append(s)
                for _ in range(2):
                    try:
                        (s.bind if rng.random() < 0.3 else s.connect)(
                            "inproc://%d" % rng.randint(0, 3))
                    except zmq.ZMQError:
                        pass
            t = threading.Thread(target=ctx.term)
            t.start()
            rng.shuffle(socks)
            for s in socks:
                s.close()
            t.join(10)
            assert not t.is_alive()
        print("done")
    """, timeout=50)
    assert out.strip() == "done"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("how", ["close", "disconnect"])
def test_term_waits_for_unsent_messages_under_the_linger_they_were_left_with(tmp_path, how):
    # the soak fuzzer's "term() hangs with every socket closed" (seeds 2 and 3), libzmq's
    # LINGER semantics as in pyzmq: a socket closed with LINGER -1 (libzmq's default)
    # keeps its unsent messages for a peer, and so does a connection that disconnect()
    # (or unbind()) gave up while LINGER was -1, even when the socket then closes with
    # LINGER 0. term() and destroy(linger=0) wait for them (destroy's linger reaches only
    # the sockets still open); a peer that shows up takes them and term() returns.
    out = run_py(f"""
        import threading, greenzmq as zmq
        ep = "ipc://{tmp_path}/late"
        ctx = zmq.Context()
        s = ctx.socket(zmq.DEALER)
        s.connect(ep)  # nothing listens there yet
        s.send(b"kept")
        if {how!r} == "close":
            s.close()
        else:
            s.disconnect(ep)
            s.close(linger=0)
        t = threading.Thread(target=ctx.destroy, kwargs=dict(linger=0), daemon=True)
        t.start()
        t.join(0.5)
        print("waits" if t.is_alive() else "returned")
        peer_ctx = zmq.Context()
        peer = peer_ctx.socket(zmq.DEALER)
        peer.rcvtimeo = 20000
        peer.bind(ep)
        print(peer.recv().decode())
        t.join(20)
        print("returned" if not t.is_alive() else "waits")
        peer.close(linger=0)
        peer_ctx.term()
        # the same with close(linger=0): the message is dropped, term() returns at once
        ctx = zmq.Context()
        s = ctx.socket(zmq.DEALER)
        s.connect(ep + "-never")
        s.send(b"dropped")
        s.close(linger=0)
        ctx.term()
        print("returned")
    """)
    assert out.split() == ["waits", "kept", "returned", "returned"]


@pytest.mark.timeout(60)
def test_an_interrupted_term_names_the_sockets_that_linger_forever(tmp_path):
    # term() that waits for messages no peer takes says so when a signal interrupts it
    # (Ctrl-C): the sockets closed with LINGER -1, and those whose close(linger=0) came
    # after they had seen the context terminate (libzmq refuses options then, so the
    # LINGER stays -1; pyzmq ignores that silently). Set before term(), LINGER applies.
    out = run_py(f"""
        import signal, threading, greenzmq as zmq

        def alarm(*args):
            raise TimeoutError("term() is still waiting")

        signal.signal(signal.SIGALRM, alarm)

        def term_with_alarm(ctx):
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            try:
                ctx.term()
                print("returned")
            except TimeoutError as e:
                notes = " ".join(getattr(e, "__notes__", []))
                print("forever:%d" % ("Closed with LINGER -1 (forever): 1," in notes),
                      "late:%d" % ("Given a LINGER too late: 1 " in notes))

        def pending(ctx, name, linger=None):
            s = ctx.socket(zmq.DEALER)
            if linger is not None:
                s.linger = linger
            s.connect("ipc://{tmp_path}/" + name)  # nothing listens there
            s.send(b"kept")
            return s

        ctx = zmq.Context()
        pending(ctx, "a").close()
        term_with_alarm(ctx)

        for linger in (None, 0):  # close(linger=0) after ContextTerminated
            ctx = zmq.Context()
            s = pending(ctx, "b", linger)
            threading.Thread(target=ctx.term, daemon=True).start()
            try:
                s.recv()
            except zmq.ContextTerminated:
                s.close(linger=0)
            term_with_alarm(ctx)  # (waits for the term() of the other thread)
    """)
    assert out.split() == ["forever:1", "late:0", "forever:1", "late:1", "returned"]


@pytest.mark.timeout(60)
def test_a_collected_context_whose_pending_inproc_connections_cannot_attach_is_left_alone():
    # the soak fuzzer's seed 6: destroy() raised EMFILE (no socket left under MAX_SOCKETS to
    # attach a pending inproc connection), then the context was garbage-collected and its
    # __dealloc__ termed it in a thread, where libzmq aborted on the same step (ctx.cpp:169).
    # Here a closed socket with LINGER -1 holds the only slot for good; in a reference
    # cycle too (the inproc notes must survive the collector's clearing).
    out = run_py("""
        import gc, threading, greenzmq as zmq
        for cycle in (False, True):
            ctx = zmq.Context()
            ctx.set(zmq.MAX_SOCKETS, 1)
            if cycle:
                ctx._self = ctx
            s = ctx.socket(zmq.DEALER)
            s.connect("inproc://pending")  # nothing binds it
            s.send(b"kept")  # queued for a binder that never comes: the slot stays taken
            s.close()
            try:
                ctx.destroy()
            except zmq.ZMQError as e:
                print(e.errno == zmq.EMFILE)
            del ctx, s
            gc.collect()
        threading.Event().wait(0.5)  # (time for an abort in a term thread to happen)
        print("survived")
    """)
    assert out.split() == ["True", "True", "survived"]


@pytest.mark.timeout(60)
def test_connect_on_a_terminating_context_is_refused():
    out = run_py("""
        import threading, greenzmq as zmq
        ctx = zmq.Context()
        s = ctx.socket(zmq.DEALER)
        t = threading.Thread(target=ctx.term)
        t.start()
        while not ctx._terminating:
            t.join(0.001)
        for call in (s.connect, s.bind):
            try:
                call("inproc://late")
            except zmq.ContextTerminated:
                print("refused")
        s.close()
        t.join(10)
        print(ctx.closed)
    """)
    assert out.split() == ["refused", "refused", "True"]


@pytest.mark.timeout(60)
def test_get_monitor_socket_leaves_no_readerless_monitor():
    # libzmq sends monitor events blocking: a monitor without its reader would stall the
    # thread of the next event. If the reader cannot be made, no monitor is started.
    out = run_py("""
        import greenzmq as zmq
        ctx = zmq.Context()
        ctx.set(zmq.MAX_SOCKETS, 1)  # (applies before the first socket only)
        s = ctx.socket(zmq.DEALER)
        try:
            s.get_monitor_socket()
        except zmq.ZMQError as e:
            print("refused", e.errno == zmq.EMFILE)
        s.bind("tcp://127.0.0.1:*")  # an event: would block with a readerless monitor
        s.close()
        ctx.term()
        print("done")
    """, timeout=20)
    assert out.split() == ["refused", "True", "done"]


@pytest.mark.timeout(60)
def test_every_call_at_the_fd_limit_raises_and_the_process_goes_on(tmp_path):
    # at RLIMIT_NOFILE, a tcp bind aborted inside libzmq (ip_resolver.cpp:542, getifaddrs
    # EMFILE); now each call raises EMFILE, and all works again once fds are freed
    out = run_py(f"""
        import os, resource, greenzmq as zmq
        ctx = zmq.Context()
        s = ctx.socket(zmq.PULL)
        s.connect("inproc://pending")  # term() must attach it: it needs a socket too
        limit = len(os.listdir("/proc/self/fd")) + 16
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
        fds = []
        try:
            while True:
                fds.append(os.open("/dev/null", os.O_RDONLY))
        except OSError:
            pass
        calls = {{
            "bind tcp": lambda: s.bind("tcp://127.0.0.1:*"),
            "connect tcp": lambda: s.connect("tcp://127.0.0.1:9"),
            "bind ipc": lambda: s.bind("ipc://{tmp_path}/x"),
            "socket": lambda: ctx.socket(zmq.PUSH),
            "context": lambda: zmq.Context().socket(zmq.PUSH),
            "monitor": lambda: s.get_monitor_socket(),
            "term": ctx.term,
        }}
        for name, call in calls.items():
            try:
                call()
                print(name, "returned")
            except zmq.ZMQError as e:
                print(name, "raised", e.errno == zmq.EMFILE)
        for fd in fds:
            os.close(fd)
        p = ctx.socket(zmq.PUSH)
        port = p.bind_to_random_port("tcp://127.0.0.1")
        s.connect("tcp://127.0.0.1:%d" % port)
        p.send(b"after")
        print(s.recv())
        p.close(); s.close(); ctx.term()
    """, timeout=30)
    lines = out.splitlines()
    assert lines[:7] == ["bind tcp raised True", "connect tcp raised True",
                         "bind ipc raised True", "socket raised True", "context raised True",
                         "monitor raised True", "term raised True"], out
    assert lines[7] == "b'after'"


@pytest.mark.timeout(60)
def test_use_fd_must_be_a_listening_socket():
    # libzmq polls and accepts on the USE_FD descriptor unchecked: a file or a
    # non-listening socket aborted in epoll.cpp:100 at the bind
    out = run_py("""
        import os, socket, greenzmq as zmq
        ctx = zmq.Context()
        s = ctx.socket(zmq.PULL)
        f = os.open("/dev/null", os.O_RDONLY)
        plain = socket.socket()
        for fd in (f, plain.fileno(), 10**6):
            try:
                s.setsockopt(zmq.USE_FD, fd)
            except zmq.ZMQError as e:
                print(e.errno == zmq.EINVAL)
        ctx.setsockopt(zmq.USE_FD, f)  # a context default: skipped as EINVAL
        t = ctx.socket(zmq.PULL)
        t.bind("tcp://127.0.0.1:*")
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen()
        s.setsockopt(zmq.USE_FD, lsock.fileno())
        s.setsockopt(zmq.USE_FD, -1)
        s.close(); t.close(); ctx.term()
        print("done")
    """)
    assert out.split() == ["True", "True", "True", "done"]
