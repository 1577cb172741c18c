"""A seeded random-call driver over greenzmq's public entry points (issue 15).

Run one seed in this process::

    python tests/fuzz/driver.py --seed 7 --calls 100000 [--trace]

It makes contexts and sockets of every type, sets and gets every option number (in and out
of range) with values of every type, binds/connects/unbinds/disconnects inproc, ipc and tcp
endpoints (unicode, empty, long and NUL-bearing names), sends and receives with every flag,
polls, runs proxies and monitors, closes and terminates in every order, and lets threads
block in sockets that other threads close or whose context they destroy. Every call may
raise one of ``EXPECTED``; anything else is a finding and so is a crash (the process dies)
or a hang (faulthandler's watchdog exits with a traceback). ``run.py`` runs seeds in
subprocesses; ``--trace`` prints every call before it is made (to find a crash's cause).

Calls the API defines as unbounded are kept bounded, as a user would: a blocking call
gets a receive/send timeout first, term() runs after the context's sockets are closed (or
in a thread while they are), destroy() gets a finite linger and every socket's LINGER stays
within 100 ms (``Driver.tame``). Sockets are used by one
thread at a time, except close() and the context calls, which pyzmq's API allows from
any thread.
"""
from __future__ import annotations

import argparse
import faulthandler
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import weakref
from collections import Counter

import greenzmq as zmq
from greenzmq.utils import z85
from greenzmq.error import NotDone

EXPECTED = (zmq.ZMQError, TypeError, ValueError, OverflowError, BufferError, KeyError,
            UnicodeError, NotDone)
TYPES = [zmq.PAIR, zmq.PUB, zmq.SUB, zmq.REQ, zmq.REP, zmq.DEALER, zmq.ROUTER, zmq.PULL,
         zmq.PUSH, zmq.XPUB, zmq.XSUB, zmq.STREAM]
OPTIONS = sorted({int(o) for o in zmq.SocketOption})
CTX_OPTIONS = sorted({int(o) for o in zmq.ContextOption})
FLAGS = [0, zmq.NOBLOCK, zmq.SNDMORE, zmq.NOBLOCK | zmq.SNDMORE, -1, 7, 2**31 - 1]
CALL_BOUND_S = int(
    os.environ.get("GZFUZZ_CALL_BOUND", 30)
)  # a single call running longer than this is a hang
MAX_SOCKETS, MAX_CONTEXTS = 14, 3
# term() in one thread while another closes the sockets (GZFUZZ_TERM_IN_THREAD=0: off)
TERM_IN_THREAD = os.environ.get("GZFUZZ_TERM_IN_THREAD", "1") == "1"
# option numbers whose values the driver chooses itself: USE_FD with a random number can
# name one of libzmq's own listening sockets, which then has two owners (greenzmq refuses
# only descriptors that are not listening sockets)
FD_OPTIONS = {int(getattr(zmq, "USE_FD", -100))}
# HWMs are set before a socket's first bind/connect only: libzmq 4.3 may pass a new HWM to
# a freed peer pipe of a connection that is ending and crash (docs/faults.rst, open findings)
HWM_OPTIONS = {int(zmq.SNDHWM), int(zmq.RCVHWM)}
HWM_NAMES = {"sndhwm", "rcvhwm", "hwm"}


class Driver:
    def __init__(self, seed: int, trace: bool) -> None:
        self.rng = random.Random(seed)
        self.trace = trace
        self.tmp = tempfile.mkdtemp(prefix="gzfuzz")
        self.contexts: list[zmq.Context] = []
        self.sockets: list[zmq.Socket] = []
        self.threads: list[threading.Thread] = []
        self.monitors: list[tuple] = []  # (monitored socket, its event reader)
        self.nmon = 0
        self.bound: list[str] = []  # endpoints that some bind resolved (tcp ports, ipc paths)
        self.outcomes: Counter = Counter()
        self.findings: list[str] = []
        self.slowest = (0.0, "")
        self.calls = 0
        self.wired: weakref.WeakSet = weakref.WeakSet()  # sockets that bound or connected

    # --- random values -------------------------------------------------------------------
    def value(self):
        r = self.rng
        return r.choice([
            lambda: r.randint(-3, 3), lambda: r.randint(0, 1000), lambda: r.choice([True, False]),
            lambda: r.choice([-2**31, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -2**63, 2**70]),
            lambda: bytes(r.getrandbits(8) for _ in range(r.choice([0, 1, 8, 32, 40, 255, 300]))),
            lambda: r.choice(["", "x", "é", "a\x00b", "k" * 40, "tcp://127.0.0.1:*"]),
            lambda: None, lambda: r.random() * 1000, lambda: [b"a", b"b"],
            lambda: bytearray(b"ab"), lambda: memoryview(b"xyz"), lambda: object(),
        ])()

    def option(self) -> int:
        r = self.rng
        if r.random() < 0.8:
            return r.choice(OPTIONS)
        return r.choice([-2**31, -1, 0, 3, 99, 200, 255, 256, 1000, 2**31 - 1,
                         r.randint(-2**31, 2**31 - 1)])

    def name(self) -> str:
        r = self.rng
        return r.choice(["a", "b", "é", "", "ü" * 3, "n" * 300, "x\x00y", "a/b", "*",
                         "\u2603" * 70, str(r.randint(0, 5))])

    def endpoint(self):
        r = self.rng
        kind = r.random()
        if kind < 0.45:
            ep = "inproc://" + self.name()
        elif kind < 0.6:
            ep = r.choice(["ipc://%s/%s" % (self.tmp, self.name()[:20]),
                           "ipc://@gzfuzz-%s" % self.name()[:10],
                           "ipc://%s/%s" % (self.tmp, "p" * 120), "ipc://"])
        elif kind < 0.8:
            ep = r.choice(["tcp://127.0.0.1:*", "tcp://127.0.0.1:0", "tcp://[::1]:*",
                           "tcp://127.0.0.1:" + str(r.randint(-1, 70000)),
                           "tcp://localhost:*", "tcp://*:*", "tcp://", "tcp://127.0.0.1",
                           "tcp://999.1.1.1:5", "tcp://127.0.0.1:*\x00"])
        elif kind < 0.92 and self.bound:
            ep = r.choice(self.bound)
        else:
            ep = r.choice(["", "inproc:/", "udp://127.0.0.1:1", "pgm://x", "ws://x",
                           "\x00", "tipc://{1,2}", "vmci://1:1", "x" * 1000])
        return ep.encode("utf-8", "surrogatepass") if r.random() < 0.1 else ep

    # --- the pool ------------------------------------------------------------------------
    def ctx(self) -> zmq.Context:
        live = [c for c in self.contexts if not c.closed]
        if not live or (len(live) < MAX_CONTEXTS and self.rng.random() < 0.02):
            c = zmq.Context()
            self.contexts.append(c)
            return c
        return self.rng.choice(live)

    def sock(self):
        live = [s for s in self.sockets if not s.closed]
        self.sockets = live
        if not live or (len(live) < MAX_SOCKETS and self.rng.random() < 0.1):
            return self.make_socket()
        return self.rng.choice(live)

    def make_socket(self):
        c = self.ctx()
        t = self.rng.choice(TYPES) if self.rng.random() < 0.97 else self.rng.choice(
            [-1, 12, 13, 16, 18, 100, 2**31 - 1])
        s = c.socket(t)
        self.sockets.append(s)
        self.tame(s)
        return s

    def tame(self, s) -> None:
        """Keep LINGER within 0..100 ms, as a careful user does (docs/faults.rst).

        With LINGER -1 (libzmq's default) or a long one, messages queued for a peer that
        never comes (a connect to an ipc path or port nobody serves) keep term() waiting
        forever, by design and in pyzmq too: a close() uses the LINGER the socket has then,
        and so does an unbind()/disconnect(), whose connection lingers on even after the
        socket closes with LINGER 0. Options are still fuzzed, LINGER too: tamed after.
        """
        try:
            if not s.closed and not 0 <= s.linger <= 100:
                s.linger = 0
        except EXPECTED:
            pass

    def bounded(self, s) -> None:
        """Give a socket finite timeouts before a blocking call (options may say -1)."""
        s.rcvtimeo = self.rng.choice([0, 1, 5])
        s.sndtimeo = self.rng.choice([0, 1, 5])

    # --- the calls -----------------------------------------------------------------------
    def op_socket(self):
        self.make_socket()

    def op_set(self):
        s, o, v = self.sock(), self.option(), self.value()
        if o in FD_OPTIONS:
            v = -1
        if o in HWM_OPTIONS and s in self.wired:
            return
        self.log("set", s, o, v)
        try:
            getattr(s, self.rng.choice(["set", "setsockopt"]))(o, v)
        finally:
            self.tame(s)

    def op_set_string(self):
        s, o = self.sock(), self.option()
        self.log("set_string", s, o)
        s.setsockopt_string(o, self.rng.choice(["", "é", "x" * 300, "a\x00b"]))

    def op_get(self):
        s, o = self.sock(), self.option()
        self.log("get", s, o)
        if self.rng.random() < 0.2:
            s.getsockopt_string(o)
        else:
            getattr(s, self.rng.choice(["get", "getsockopt"]))(o)

    def op_attr(self):
        s = self.sock()
        name = self.rng.choice(list(zmq.SocketOption.__members__)).lower()
        if name == "use_fd" or (name in HWM_NAMES and s in self.wired):
            return
        if self.rng.random() < 0.5:
            v = self.value()
            self.log("setattr", s, name, v)
            try:
                setattr(s, name, v)
            finally:
                self.tame(s)
        else:
            self.log("getattr", s, name)
            try:
                getattr(s, name)
            except AttributeError as e:  # an option this socket cannot read, as in pyzmq
                if not str(e).startswith("option ") and "write-only" not in str(e):
                    raise

    def op_ctx_opt(self):
        c, o, v = self.ctx(), self.rng.choice(CTX_OPTIONS + [-1, 0, 99, 2**31 - 1]), self.value()
        if o == zmq.IO_THREADS and isinstance(v, int) and not isinstance(v, bool) and v > 4:
            v = 4  # valid but slow: thread start-up per call
        self.log("ctx_opt", c, o, v)
        if self.rng.random() < 0.5:
            c.set(o, v)
        elif self.rng.random() < 0.5:
            c.get(o)
        else:
            o = self.option()
            c.setsockopt(o, -1 if o in FD_OPTIONS else v)  # a default for the next sockets

    def op_endpoint(self):
        s, ep = self.sock(), self.endpoint()
        verb = self.rng.choice(["bind", "bind", "connect", "connect", "unbind", "disconnect"])
        self.log(verb, s, ep)
        self.wired.add(s)
        getattr(s, verb)(ep)
        if verb == "bind" and not s.closed:
            last = s.getsockopt(zmq.LAST_ENDPOINT).decode("utf-8", "replace")
            if last.startswith(("tcp://", "ipc://")) and len(self.bound) < 20:
                self.bound.append(last)

    def op_send(self):
        s = self.sock()
        flags = self.rng.choice(FLAGS)
        data = self.rng.choice([b"", b"x", b"y" * 70000, bytearray(b"z" * 100),
                                memoryview(b"m" * 10), "str", zmq.Frame(b"f"), None, 3])
        copy, track = self.rng.random() < 0.7, self.rng.random() < 0.2
        self.bounded(s)
        self.log("send", s, flags, type(data).__name__, copy, track)
        kind = self.rng.random()
        if kind < 0.5:
            tr = s.send(data, flags, copy=copy, track=track)
            if tr is not None and self.rng.random() < 0.3:
                tr.wait(0.001)
        elif kind < 0.8:
            s.send_multipart([b"a", data, b"b"][: self.rng.randint(1, 3)], flags, copy=copy)
        elif kind < 0.9:
            s.send_string(self.rng.choice(["é", "", "x"]), flags)
        else:
            s.send_json({"a": [1, 2]}, flags)

    def op_recv(self):
        s = self.sock()
        flags = self.rng.choice(FLAGS)
        self.bounded(s)
        self.log("recv", s, flags)
        kind = self.rng.random()
        if kind < 0.4:
            s.recv(flags, copy=self.rng.random() < 0.7)
        elif kind < 0.7:
            s.recv_multipart(flags, copy=self.rng.random() < 0.7)
        elif kind < 0.85:
            s.recv_into(bytearray(self.rng.choice([0, 1, 100])), flags=flags)
        else:
            s.recv_string(flags)

    def op_poll(self):
        socks = [self.sock() for _ in range(self.rng.randint(0, 3))]
        items = [(s, self.rng.choice([0, zmq.POLLIN, zmq.POLLOUT, 3, -1, 99])) for s in socks]
        self.log("poll", items)
        if self.rng.random() < 0.5:
            zmq.zmq_poll(items, self.rng.choice([0, 1, 2]))
        else:
            p = zmq.Poller()
            for s, ev in items:
                p.register(s, ev)
            p.poll(self.rng.choice([0, 1]))

    def op_monitor(self):
        # libzmq 4.3 sends monitor events blocking, holding the monitored socket's lock:
        # with no reader connected (or 1000 events unread) the thread that causes an event
        # (an IO thread, or ours in bind) waits forever, as in pyzmq. So every monitor here
        # gets a reader at once, read after every call (docs/faults.rst).
        s = self.sock()
        kind = self.rng.random()
        if kind < 0.4:
            # a name of its own: a socket of the pool connected to a monitor's name would
            # get its events and never read them
            self.nmon += 1
            ep = "inproc://monitor-%d" % self.nmon if self.rng.random() < 0.8 else \
                self.rng.choice(["tcp://127.0.0.1:*", "", "inproc://", "ipc://x"])
            ev = self.rng.choice([zmq.EVENT_ALL, 0, 1, -1, 2**31 - 1])
            self.log("monitor", s, ep, ev)
            m = s.context.socket(zmq.PAIR)
            self.monitors.append((s, m))
            s.monitor(ep, ev)
            m.connect(ep)
        elif kind < 0.7:
            self.log("get_monitor_socket", s)
            self.monitors.append((s, s.get_monitor_socket()))
        else:
            self.log("disable_monitor", s)
            s.disable_monitor() if self.rng.random() < 0.5 else s.monitor(None)
            for pair in [p for p in self.monitors if p[0] is s]:
                pair[1].close(0)
                self.monitors.remove(pair)

    def read_monitors(self) -> None:
        for pair in list(self.monitors):
            s, m = pair
            if m.closed:  # (its context ended)
                self.monitors.remove(pair)
                continue
            # kept open after its socket closed: libzmq's reaper sends the last event
            # (MONITOR_STOPPED) later, blocking, and the reader must be there for it
            for _ in range(100):
                try:
                    m.recv(zmq.NOBLOCK)
                except EXPECTED:
                    break

    def op_close(self):
        s = self.sock()
        linger = self.rng.choice([None, 0, 1, "x", -5])  # (never -1: see tame)
        self.log("close", s, linger)
        s.close(linger) if self.rng.random() < 0.7 else s.close()

    def op_term(self):
        live = [c for c in self.contexts if not c.closed]
        if not live:
            return
        c = self.rng.choice(live)
        socks = [s for s in self.sockets + [m for _, m in self.monitors]
                 if s.context is c and not s.closed]
        for t in self.threads:  # sockets that threads own close as their calls time out
            if t.sock.context is c:
                self.join(t)
        kind = self.rng.random()
        if kind >= 0.7 and not TERM_IN_THREAD:
            kind -= 0.3
        self.log("term", c, kind)
        if kind < 0.4:
            c.destroy(linger=self.rng.choice([0, 1, 2]))
        elif kind < 0.7:
            for s in socks:
                s.close(linger=0)
            c.term()
        else:  # term in a thread while this one closes the sockets (in random order)
            # LINGER first: a socket that has seen the termination (the late sends below)
            # refuses options, so a close(linger=0) then keeps the LINGER it had (libzmq)
            for s in socks:
                s.linger = 0
            t = threading.Thread(target=self._quiet, args=(c.term,))
            t.start()
            self.rng.shuffle(socks)
            for s in socks:
                if self.rng.random() < 0.3:
                    self._quiet(lambda s=s: s.send(b"late", zmq.NOBLOCK))
                s.close(linger=0)
            self.join(t)
        # threads that worked on this context's sockets have returned by now
        self.threads = [t for t in self.threads if t.is_alive()]

    def op_thread(self):
        """A thread blocks in a socket that this thread then closes or whose context ends."""
        s = self.sock()
        if s in (t.sock for t in self.threads if t.is_alive() and hasattr(t, "sock")):
            return
        self.sockets.remove(s)  # the thread owns it now (sockets are not thread-safe)
        ctx, timeout = s.context, self.rng.choice([-1, 50])
        s.rcvtimeo = s.sndtimeo = timeout
        send = self.rng.random() < 0.5
        s.linger = 0

        def work():
            try:
                for _ in range(5):
                    s.send(b"t") if send else s.recv()
            except EXPECTED:
                pass
            finally:
                self._quiet(lambda: s.close(0))

        t = threading.Thread(target=work, daemon=True)
        t.sock = s  # type: ignore[attr-defined]
        self.log("thread", s, send)
        t.start()
        self.threads.append(t)
        if self.rng.random() < 0.5:
            while not s._blocking and t.is_alive():
                t.join(0.0005)
            self.log("close from another thread", s)
            self._quiet(lambda: s.close(0))  # EBUSY, or the blocked call is woken
        if t.is_alive() and timeout == -1:  # it waits forever: only its context ends it
            self.log("destroy under a blocked thread", ctx)
            ctx.destroy(linger=0)
        if timeout == -1:
            self.join(t)
        self.threads = [t for t in self.threads if t.is_alive()]

    def op_proxy(self):
        socks = [self.sock() for _ in range(self.rng.randint(2, 3))]
        if len({id(s) for s in socks}) < len(socks) or len({id(s.context) for s in socks}) > 1:
            return
        for s in socks:
            self.sockets.remove(s)
            s.linger = 0  # (closed after the context's end, when options are refused)
        ctx = socks[0].context
        fn = self.rng.choice([zmq.proxy, zmq.proxy_steerable, zmq.device])
        self.log("proxy", fn.__name__, socks)

        def work():
            try:
                if fn is zmq.device:
                    fn(zmq.QUEUE, socks[0], socks[1])
                else:
                    fn(*socks)
            except EXPECTED:
                pass
            finally:
                for s in socks:
                    self._quiet(lambda s=s: s.close(0))

        t = threading.Thread(target=work, daemon=True)
        t.sock = socks[0]  # type: ignore[attr-defined]
        t.start()
        # the proxy runs until its context ends: end it now (the thread owns the sockets)
        ctx.destroy(linger=0) if self.rng.random() < 0.5 or not TERM_IN_THREAD else \
            self._term_all(ctx)
        self.join(t)

    def op_frame(self):
        data = self.rng.choice([b"", b"abc", bytearray(b"x" * 100), memoryview(b"q"), "s", 5])
        self.log("frame", type(data).__name__)
        f = zmq.Frame(data, track=self.rng.random() < 0.5)
        f.get(self.rng.choice([zmq.MORE, 0, 1, 2, 3, -1, 99, "Socket-Type", "x", b"Peer-Address"]))
        f.bytes, f.buffer, len(f)

    def op_misc(self):
        r = self.rng.random()
        self.log("misc", r)
        if r < 0.3:
            zmq.has(self.rng.choice(["curve", "ipc", "x", "", "draft"]))
        elif r < 0.5:
            z85.decode(self.rng.choice([b"", b"abcde", b"abcd", "HelloWorld", b"\x00" * 5]))
        elif r < 0.7:
            z85.encode(self.rng.choice([b"", b"abcd", b"abc", bytes(range(8))]))
        elif r < 0.8:
            zmq.curve_keypair()
        else:
            zmq.curve_public(self.rng.choice([b"", b"x" * 40, b"\x00" * 32]))

    # --- running -------------------------------------------------------------------------
    OPS = [("op_set", 14), ("op_get", 10), ("op_set_string", 2), ("op_attr", 4),
           ("op_ctx_opt", 2), ("op_endpoint", 18), ("op_send", 12), ("op_recv", 10),
           ("op_poll", 4), ("op_monitor", 3), ("op_close", 5), ("op_socket", 3),
           ("op_term", 1), ("op_thread", 1), ("op_proxy", 0.5), ("op_frame", 2),
           ("op_misc", 1)]

    def log(self, *args) -> None:
        self.last = args
        if self.trace:
            sys.stderr.write("%d %r\n" % (self.calls, args))
            sys.stderr.flush()

    def _quiet(self, fn) -> None:
        try:
            fn()
        except EXPECTED:
            pass

    def _term_all(self, ctx) -> None:
        socks = [s for s in list(self.sockets) + [m for _, m in self.monitors]
                 if s.context is ctx and not s.closed]
        for s in socks:
            s.linger = 0  # before term(): see op_term
        t = threading.Thread(target=self._quiet, args=(ctx.term,))
        t.start()
        for s in socks:
            self._quiet(lambda s=s: s.close(0))
        self.join(t)

    def join(self, t: threading.Thread) -> None:
        t.join(CALL_BOUND_S)
        if t.is_alive():
            raise SystemExit("HANG: a thread did not return: %r" % (self.last,))

    def run(self, calls: int) -> dict:
        skip = os.environ.get("GZFUZZ_SKIP", "").split(",")  # to narrow a finding down
        names = [n for n, _ in self.OPS if n not in skip]
        weights = [w for n, w in self.OPS if n not in skip]
        t0 = time.monotonic()
        for self.calls in range(calls):
            faulthandler.dump_traceback_later(CALL_BOUND_S, exit=True)
            name = self.rng.choices(names, weights)[0]
            c0 = time.monotonic()
            try:
                getattr(self, name)()
                self.outcomes["ok"] += 1
            except EXPECTED as e:
                self.outcomes[type(e).__name__] += 1
            except Exception as e:  # noqa: BLE001 - a wrong exception type is a finding too
                self.findings.append("%s: %s: %r" % (type(e).__name__, e, self.last))
            dt = time.monotonic() - c0
            if self.monitors:
                self.read_monitors()
            if dt > self.slowest[0]:
                self.slowest = (dt, repr(self.last)[:200])
        self.teardown()
        faulthandler.cancel_dump_traceback_later()
        return {"calls": calls, "seconds": round(time.monotonic() - t0, 2),
                "outcomes": dict(self.outcomes), "findings": self.findings,
                "slowest_call_s": round(self.slowest[0], 4), "slowest_call": self.slowest[1]}

    def teardown(self) -> None:
        faulthandler.dump_traceback_later(CALL_BOUND_S * 2, exit=True)
        for c in self.contexts:
            self._quiet(lambda c=c: c.destroy(linger=0))
        for t in self.threads:
            self.join(t)
        shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--calls", type=int, default=10000)
    ap.add_argument("--trace", action="store_true", help="print each call before making it")
    args = ap.parse_args()
    faulthandler.enable()
    result = Driver(args.seed, args.trace).run(args.calls)
    print("RESULT " + json.dumps(result), flush=True)
    sys.exit(1 if result["findings"] else 0)


if __name__ == "__main__":
    main()
