"""Reliability cases, each run in its own interpreter: ``cases.py CASE HUB JSON-KWARGS``.

Every case builds what it needs on the hub named HUB ("threads", "gevent", "eventlet"),
checks its own invariants, and prints one line ``RESULT {json}`` with what it measured.
A broken invariant raises (exit status 1, traceback on stderr), so the pytest side only has
to look at the exit status, the wall time and the figures.

Message format used by the load and fault cases (every message can be checked alone):
``[header, payload]`` with header = ``struct.pack("!IQI", sender, seq, crc32(payload))``.
Per sender (a greenlet, a thread or a process incarnation) sequence numbers start at 0 and
must arrive strictly in order: a repeat is a duplicate, a jump is a loss, a crc mismatch is
corruption.
"""
from __future__ import annotations

import sys

# "gevent+patch" / "eventlet+patch": monkey patch before anything else is imported
if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[2].endswith("+patch"):
    if sys.argv[2].startswith("gevent"):
        from gevent import monkey

        monkey.patch_all()
    else:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import eventlet

        eventlet.monkey_patch()

import faulthandler  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import struct  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402
from typing import Any  # noqa: E402

# tests/ (the toolbox: hubs and socket pairs)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import toolbox  # noqa: E402

HEADER = struct.Struct("!IQI")
BLOCK = random.Random(8).randbytes(1 << 16)
PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer.py")


def payload(seq: int, size: int) -> bytes:
    """A cheap payload that differs from one sequence number to the next."""
    start = (seq * 7919) % (len(BLOCK) - size)
    return BLOCK[start:start + size]


def message(sender: int, seq: int, size: int) -> list[bytes]:
    body = payload(seq, size)
    return [HEADER.pack(sender, seq, zlib.crc32(body)), body]


class Ledger:
    """Per-sender sequence check: counts, duplicates, losses, corruption."""

    def __init__(self) -> None:
        self.next: dict[int, int] = {}
        self.count = 0
        self.errors: list[str] = []

    def check(self, parts: list[bytes], allow_gap_from_zero: bool = False) -> tuple[int, int]:
        if len(parts) != 2 or len(parts[0]) != HEADER.size:
            self.errors.append(f"malformed message: {len(parts)} frames")
            return -1, -1
        sender, seq, crc = HEADER.unpack(parts[0])
        if zlib.crc32(parts[1]) != crc:
            self.errors.append(f"corrupt payload from {sender} seq {seq}")
        expected = self.next.get(sender, 0)
        if seq < expected:
            self.errors.append(f"duplicate or reordered: sender {sender} seq {seq} < {expected}")
        elif seq > expected:
            self.errors.append(f"lost: sender {sender} jumped from {expected} to {seq}")
        self.next[sender] = max(expected, seq + 1)
        self.count += 1
        return sender, seq

    def raise_if_bad(self) -> None:
        if self.errors:
            raise AssertionError(f"{len(self.errors)} errors, first: {self.errors[:5]}")


def rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


# ----------------------------------------------------------------------------------- load

def load_pushpull(hub: toolbox.Hub, messages: int, senders: int, size: int = 64) -> dict:
    """``senders`` tasks push ``messages`` in all to one PULL over tcp; all are checked.

    Green tasks share one PUSH socket (the engine serialises them); OS threads each get
    their own socket, since a socket is not thread safe.
    """
    zmq = hub.zmq
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.rcvtimeo = 10_000
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    per = messages // senders
    shared = None
    if hub.name != "threads":
        shared = ctx.socket(zmq.PUSH)
        shared.connect(f"tcp://127.0.0.1:{port}")

    def send(i: int) -> int:
        sock = shared
        if sock is None:
            sock = ctx.socket(zmq.PUSH)
            sock.connect(f"tcp://127.0.0.1:{port}")
        for seq in range(per):
            sock.send_multipart(message(i, seq, size))
        if shared is None:
            sock.close()  # default linger: the queue still flushes
        return per

    t0 = time.perf_counter()
    tasks = [hub.spawn(send, i) for i in range(senders)]
    ledger = Ledger()
    total = per * senders
    for _ in range(total):
        ledger.check(pull.recv_multipart())
    elapsed = time.perf_counter() - t0
    for t in tasks:
        t.get(30)
    ledger.raise_if_bad()
    if pull.poll(100):
        raise AssertionError("more messages than were sent")
    missing = {i: per - ledger.next.get(i, 0) for i in range(senders)
               if ledger.next.get(i, 0) != per}
    if missing:
        raise AssertionError(f"senders short of messages: {missing}")
    if shared is not None:
        shared.close()
    pull.close()
    ctx.term()
    return {"messages": ledger.count, "senders": senders, "seconds": round(elapsed, 3),
            "msg_per_s": int(ledger.count / elapsed)}


def load_dealer_router(hub: toolbox.Hub, roundtrips: int, clients: int, size: int = 64) -> dict:
    """``clients`` DEALERs (one per task) make ``roundtrips`` in all to one echo ROUTER."""
    zmq = hub.zmq
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.rcvtimeo = router.sndtimeo = 10_000
    port = router.bind_to_random_port("tcp://127.0.0.1")
    per = roundtrips // clients
    total = per * clients
    ledger = Ledger()

    def serve() -> int:
        for _ in range(total):
            ident, *parts = router.recv_multipart()
            ledger.check(parts)
            router.send_multipart([ident, *parts])
        return total

    def client(i: int) -> int:
        dealer = ctx.socket(zmq.DEALER)
        dealer.rcvtimeo = dealer.sndtimeo = 10_000
        dealer.linger = 0
        dealer.connect(f"tcp://127.0.0.1:{port}")
        try:
            for seq in range(per):
                msg = message(i, seq, size)
                dealer.send_multipart(msg)
                reply = dealer.recv_multipart()
                if reply != msg:
                    raise AssertionError(f"client {i} seq {seq}: reply differs from request")
        finally:
            dealer.close()
        return per

    t0 = time.perf_counter()
    server = hub.spawn(serve)
    tasks = [hub.spawn(client, i) for i in range(clients)]
    done = sum(t.get(600) for t in tasks)
    server.get(30)
    elapsed = time.perf_counter() - t0
    ledger.raise_if_bad()
    if done != total or ledger.count != total:
        raise AssertionError(f"round trips: clients {done}, server {ledger.count}, want {total}")
    router.close()
    ctx.term()
    return {"roundtrips": total, "clients": clients, "seconds": round(elapsed, 3),
            "rt_per_s": int(total / elapsed)}


# ---------------------------------------------------------------------------------- faults

def _peer(kind: str, endpoint: str, incarnation: int, *extra: Any) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, PEER, kind, endpoint, str(incarnation),
                             *map(str, extra)], stdout=subprocess.PIPE, text=True)


def _kill(p: subprocess.Popen) -> None:
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
    p.wait(10)


def kill_pushpull(hub: toolbox.Hub, endpoint: str, per_incarnation: int) -> dict:
    """Survivor PULL connects; the PUSH peer is SIGKILLed mid-stream, then restarted.

    The survivor must keep receiving after the restart (it reconnects), and every message
    it got must be intact and in order per incarnation (nothing twice, no hole).
    """
    zmq = hub.zmq
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.reconnect_ivl = 20
    pull.rcvtimeo = 10_000
    pull.connect(endpoint)
    ledger = Ledger()
    got = {1: 0, 2: 0}
    t0 = time.perf_counter()
    first = _peer("push", endpoint, 1)
    try:
        while got[1] < per_incarnation:
            sender, _ = ledger.check(pull.recv_multipart())
            got[sender] += 1
    finally:
        _kill(first)
    killed_at = time.perf_counter()
    second = _peer("push", endpoint, 2)
    try:
        while got[2] < per_incarnation:
            try:
                parts = pull.recv_multipart()
            except zmq.Again:
                raise AssertionError("no message from the restarted peer within 10 s") from None
            sender, _ = ledger.check(parts)
            if sender not in got:
                raise AssertionError(f"message from unknown sender {sender}")
            got[sender] += 1
        recovered = time.perf_counter() - killed_at
    finally:
        _kill(second)
    ledger.raise_if_bad()
    pull.close(linger=0)
    ctx.term()
    return {"received": got, "seconds": round(time.perf_counter() - t0, 3),
            "recovery_s": round(recovered, 3)}


def kill_router(hub: toolbox.Hub, endpoint: str, per_incarnation: int, mandatory: bool) -> dict:
    """Survivor ROUTER echoes; its DEALER peer is SIGKILLed mid-stream and restarted.

    Replies to the dead peer must not hang or crash the survivor (dropped, or with
    ROUTER_MANDATORY refused with EHOSTUNREACH); the second incarnation checks every
    reply it gets (exactly once, intact) and says so on its stdout.
    """
    zmq = hub.zmq
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.rcvtimeo = 10_000
    router.sndtimeo = 1_000
    if mandatory:
        router.router_mandatory = 1
    router.bind(endpoint)
    ledger = Ledger()
    got = {1: 0, 2: 0}
    refused = 0
    t0 = time.perf_counter()
    first = _peer("dealer", endpoint, 1, 10 ** 9)
    killed = False
    try:
        while got[1] < per_incarnation:
            ident, *parts = router.recv_multipart()
            sender, _ = ledger.check(parts)
            got[sender] += 1
            if got[1] == per_incarnation:
                _kill(first)
                killed = True
            try:
                router.send_multipart([ident, *parts])
            except zmq.ZMQError as exc:
                if exc.errno != zmq.EHOSTUNREACH or not mandatory:
                    raise
                refused += 1
    finally:
        if not killed:
            _kill(first)
    second = _peer("dealer", endpoint, 2, per_incarnation)
    try:
        while got[2] < per_incarnation:
            try:
                ident, *parts = router.recv_multipart()
            except zmq.Again:
                raise AssertionError("no request from the restarted peer within 10 s") from None
            sender, _ = ledger.check(parts)
            got[sender] += 1
            try:
                router.send_multipart([ident, *parts])
            except zmq.ZMQError as exc:
                if exc.errno != zmq.EHOSTUNREACH or not mandatory or sender == 2:
                    raise
                refused += 1
        out, _ = second.communicate(timeout=20)
    finally:
        _kill(second)
    if second.returncode != 0 or not out.startswith("ok"):
        raise AssertionError(f"restarted peer failed: rc={second.returncode} out={out!r}")
    ledger.raise_if_bad()
    router.close(linger=0)
    ctx.term()
    return {"requests": got, "refused_to_dead_peer": refused, "peer2": out.strip(),
            "seconds": round(time.perf_counter() - t0, 3)}


def router_mandatory(hub: toolbox.Hub) -> dict:
    zmq = hub.zmq
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.router_mandatory = 1
    router.sndtimeo = router.rcvtimeo = 5_000
    router.bind("inproc://mandatory")
    errors = []
    for flags in (0, zmq.NOBLOCK):
        try:
            router.send_multipart([b"nobody", b"hello"], flags)
        except zmq.ZMQError as exc:
            errors.append((type(exc).__name__, exc.errno))
        else:
            raise AssertionError("send to an unknown peer succeeded with ROUTER_MANDATORY")
    if any(e != zmq.EHOSTUNREACH for _, e in errors):
        raise AssertionError(f"wrong errors: {errors}")
    # a known peer still gets its message, and the socket is in a sane state
    dealer = ctx.socket(zmq.DEALER)
    dealer.routing_id = b"known"
    dealer.rcvtimeo = 5_000
    dealer.connect("inproc://mandatory")
    dealer.send(b"hi")
    ident, hi = router.recv_multipart()
    router.send_multipart([ident, b"back"])
    reply = dealer.recv()
    if (ident, hi, reply) != (b"known", b"hi", b"back"):
        raise AssertionError(f"known peer: {(ident, hi, reply)}")
    ctx.destroy(linger=0)
    return {"errors": errors}


def hwm_pub(hub: toolbox.Hub, sent: int, hwm: int = 10) -> dict:
    """PUB past its HWM drops (never blocks); the SUB gets fewer than were sent."""
    zmq = hub.zmq
    ctx = zmq.Context()
    pub, sub = ctx.socket(zmq.PUB), ctx.socket(zmq.SUB)
    pub.sndhwm = sub.rcvhwm = hwm
    sub.rcvtimeo = 100
    sub.subscribe(b"")
    port = pub.bind_to_random_port("tcp://127.0.0.1")
    sub.connect(f"tcp://127.0.0.1:{port}")
    # the subscription travels asynchronously: publish probes until one arrives
    for _ in range(200):
        pub.send(b"probe")
        try:
            sub.recv()
            break
        except zmq.Again:
            continue
    else:
        raise AssertionError("subscription never arrived")
    while True:  # drain probes
        try:
            sub.recv()
        except zmq.Again:
            break
    t0 = time.perf_counter()
    for i in range(sent):
        pub.send(b"m%d" % i)  # blocking flags: PUB must still never block
    send_s = time.perf_counter() - t0
    received = 0
    while True:
        try:
            if sub.recv().startswith(b"m"):
                received += 1
        except zmq.Again:
            break
    ctx.destroy(linger=0)
    if not 0 < received < sent:
        raise AssertionError(f"PUB at HWM: {received} of {sent} arrived")
    return {"sent": sent, "received": received, "send_seconds": round(send_s, 3)}


def hwm_push(hub: toolbox.Hub, hwm: int = 4) -> dict:
    """PUSH at HWM: NOBLOCK raises Again, SNDTIMEO raises Again in time, -1 blocks."""
    zmq = hub.zmq
    ctx = zmq.Context()
    push, pull = toolbox.pair(ctx, zmq.PUSH, zmq.PULL, sndhwm=hwm, rcvhwm=hwm)
    queued = 0
    while True:
        try:
            push.send(b"x%d" % queued, zmq.NOBLOCK)
            queued += 1
        except zmq.Again:
            break
        if queued > 100_000:
            raise AssertionError("PUSH never reached its HWM")
    push.sndtimeo = 150
    t0 = time.perf_counter()
    try:
        push.send(b"late")
    except zmq.Again:
        waited = time.perf_counter() - t0
    else:
        raise AssertionError("send at HWM with SNDTIMEO did not raise Again")
    if not 0.1 <= waited < 3:
        raise AssertionError(f"SNDTIMEO=150 ms raised after {waited:.3f} s")
    push.sndtimeo = -1
    task = hub.spawn(push.send, b"blocked")
    if task.join(0.3):
        raise AssertionError(f"send with SNDTIMEO=-1 at HWM did not block ({task.exception!r})")
    # libzmq reopens a full pipe only past its low-water mark: read what was queued
    pull.rcvtimeo = 5_000
    got = [pull.recv() for _ in range(queued)]
    got.append(pull.recv())
    task.get(5)
    ctx.destroy(linger=0)
    if got[0] != b"x0" or got[-1] != b"blocked" or len(set(got)) != len(got):
        raise AssertionError(f"order after unblocking: {got[:2]!r} ... {got[-2:]!r}")
    return {"queued_at_hwm": queued, "sndtimeo_wait_s": round(waited, 3)}


# ------------------------------------------------------------------------------ lifecycle

def sigint(hub: toolbox.Hub, call: str) -> dict:
    """Block in ``call`` on the main thread/greenlet; the test sends SIGINT."""
    zmq = hub.zmq
    ctx = zmq.Context()
    s = ctx.socket(zmq.PULL)
    s.bind("inproc://sigint")
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        if call == "recv":
            s.recv()
        elif call == "recv_multipart":
            s.recv_multipart()
        elif call == "poll":
            s.poll()
        else:
            _poller(zmq, s)
    except KeyboardInterrupt:
        elapsed = time.monotonic() - t0
        print("interrupted", flush=True)
    else:
        raise AssertionError(f"{call} returned without a message")
    s.close()
    ctx.term()
    return {"call": call, "interrupted_after_s": round(elapsed, 3)}


def _poller(zmq: Any, s: Any) -> int:
    """Block in Poller.poll() on ``s``; the events it reports for ``s``."""
    p = zmq.Poller()
    p.register(s, zmq.POLLIN)
    return dict(p.poll()).get(s, 0)


def fork(hub: toolbox.Hub) -> dict:
    """Use a context, fork, use Context.instance() in the child, use the parent's again."""
    zmq = hub.zmq
    inst = zmq.Context.instance()
    a, b = toolbox.pair(inst, zmq.PAIR, zmq.PAIR, rcvtimeo=5_000)
    a.send(b"before")
    if b.recv() != b"before":
        raise AssertionError("parent pair broken before fork")
    r, w = os.pipe()
    if hub.name == "gevent":
        import gevent

        pid = gevent.fork()  # reinitialises gevent's hub in the child
    else:
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            # stuck for 10 s: every thread's stack goes to the case's stderr, and it exits
            faulthandler.dump_traceback_later(10, exit=True)
            os.close(r)
            if hub.name == "eventlet":
                import eventlet.hubs

                eventlet.hubs.use_hub()  # a fresh hub: never share the parent's epoll
            child = zmq.Context.instance()
            fresh = child is not inst
            c1, c2 = toolbox.pair(child, zmq.PAIR, zmq.PAIR, rcvtimeo=5_000)
            c2.send(b"child")
            ok = c1.recv() == b"child"
            child.destroy(linger=0)
            os.write(w, json.dumps({"fresh": fresh, "works": ok}).encode())
            code = 0
        except BaseException as exc:  # noqa: BLE001 - reported to the parent through the pipe
            os.write(w, json.dumps({"error": repr(exc)}).encode())
        finally:
            os._exit(code)
    os.close(w)
    if hub.name == "gevent":
        import gevent
        import gevent.os

        # gevent.fork's child watcher reaps the child: wait through gevent
        try:
            with gevent.Timeout(20, AssertionError("child hung")):
                _, status = gevent.os.waitpid(pid, 0)
        except AssertionError:
            # a child that hangs dumps its stacks and exits by itself: one still here
            # as a zombie (Z) exited and was never reaped
            raise AssertionError(f"child not reaped in 20 s; its state: {_state(pid)}") from None
    else:
        deadline = time.monotonic() + 20
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError("child hung")
            hub.sleep(0.01)
    child_report = json.loads(os.read(r, 4096) or b"{}")
    os.close(r)
    if os.waitstatus_to_exitcode(status) != 0 or child_report != {"fresh": True, "works": True}:
        raise AssertionError(f"child: status {status}, report {child_report}")
    b.send(b"after")
    if a.recv() != b"after" or zmq.Context.instance() is not inst:
        raise AssertionError("parent's context or sockets changed by the fork")
    inst.destroy(linger=0)
    return {"child": child_report}


def _state(pid: int) -> str:
    """The process state letter from /proc (R, S, Z...), or "gone"."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def exit_open(hub: toolbox.Hub, variant: str, endpoint: str = "") -> dict:
    """Leave sockets open (pending messages, default linger -1) and let the interpreter exit."""
    zmq = hub.zmq
    global KEEP
    if variant == "instance":
        ctx = zmq.Context.instance()
    else:
        ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.connect(endpoint)  # nobody listens: messages stay queued forever
    for i in range(10):
        push.send(b"pending %d" % i)
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://exit-open")
    if variant == "cycle":
        ctx._keep = push  # Context <-> Socket cycle, only the collector can free it
        push._keep_ctx = ctx
    elif variant == "blocked":
        # a task parked in recv when the interpreter exits
        hub.spawn(pull.recv)
        hub.sleep(0.05)
    KEEP = (ctx, push, pull)
    print("RESULT " + json.dumps({"variant": variant}), flush=True)
    sys.exit(0)


KEEP: Any = None


def gc_orders(hub: toolbox.Hub, rounds: int = 20) -> dict:
    """Drop sockets and contexts in every order, in cycles too; the collector never hangs."""
    import warnings

    zmq = hub.zmq
    timings = {}

    def build(pending: bool) -> tuple[Any, list]:
        ctx = zmq.Context()
        socks = [ctx.socket(t) for t in (zmq.PUSH, zmq.PULL, zmq.DEALER, zmq.PAIR)]
        socks[1].bind("inproc://gc-%d" % id(ctx))
        if pending:
            socks[0].connect("tcp://127.0.0.1:9")  # nobody there: messages stay queued
            for _ in range(5):
                socks[0].send(b"pending")
            socks[2].connect("inproc://gc-%d" % id(ctx))
        return ctx, socks

    import weakref

    survivors = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        for name in ("sockets_first", "context_first", "cycle", "cycle_pending",
                     "socket_cycle", "interleaved"):
            t0 = time.perf_counter()
            for _ in range(rounds):
                ctx, socks = build(pending=name in ("cycle_pending", "interleaved"))
                refs = [weakref.ref(x) for x in [ctx, *socks]]
                if name == "sockets_first":
                    del socks
                    gc.collect()
                    del ctx
                elif name == "context_first":
                    del ctx
                    gc.collect()
                    del socks
                elif name.startswith("cycle"):
                    ctx._socks = socks
                    for s in socks:
                        s._ctx_ref = ctx
                    del ctx, socks, s
                elif name == "socket_cycle":
                    for x, y in zip(socks, socks[1:] + socks[:1]):
                        x._peer = y
                    del socks, x, y
                    gc.collect()
                    del ctx
                else:
                    socks[0]._ctx_ref = ctx
                    del ctx
                    socks.pop(1)
                    gc.collect()
                    del socks
                gc.collect()
                # everything dropped must really be gone (no resurrection, no stuck cycle)
                survivors += sum(r() is not None for r in refs)
            timings[name] = round(time.perf_counter() - t0, 3)
    if survivors:
        raise AssertionError(f"{survivors} contexts/sockets outlived gc.collect()")
    return {"seconds": timings}


# ---------------------------------------------------------------------------------- leaks

def leak_rss(hub: toolbox.Hub, copies: int, zerocopies: int, size: int = 256,
             zsize: int = 4096) -> dict:
    """RSS over many copy sends, then many zero-copy tracked sends (fresh buffers)."""
    zmq = hub.zmq
    ctx = zmq.Context()
    push, pull = toolbox.pair(ctx, zmq.PUSH, zmq.PULL)
    pull.rcvtimeo = 10_000

    def copy_run(n: int) -> None:
        for i in range(n):
            push.send(payload(i, size))
            pull.recv()

    def zero_run(n: int) -> None:
        trackers = []
        for i in range(n):
            buf = bytearray(payload(i, zsize))  # a fresh buffer each time: a leak shows
            trackers.append(push.send(buf, copy=False, track=True))
            frame = pull.recv(copy=False)
            if len(frame) != zsize:
                raise AssertionError("zero-copy frame of the wrong size")
            del frame
            if len(trackers) >= 500:
                for t in trackers:
                    t.wait(10)
                trackers.clear()
        for t in trackers:
            t.wait(10)

    copy_run(5_000)
    zero_run(1_000)
    gc.collect()
    base = rss_kib()
    t0 = time.perf_counter()
    copy_run(copies)
    gc.collect()
    after_copy = rss_kib()
    t1 = time.perf_counter()
    zero_run(zerocopies)
    gc.collect()
    after_zero = rss_kib()
    t2 = time.perf_counter()
    ctx.destroy(linger=0)
    return {"copies": copies, "zerocopies": zerocopies, "rss_base_kib": base,
            "copy_growth_kib": after_copy - base, "zero_growth_kib": after_zero - after_copy,
            "total_growth_kib": after_zero - base, "copy_s": round(t1 - t0, 2),
            "zero_s": round(t2 - t1, 2)}


def valgrind_core(hub: toolbox.Hub, messages: int) -> dict:
    """A short run over the core's paths, for memcheck (threads only)."""
    zmq = hub.zmq
    ctx = zmq.Context()
    push, pull = toolbox.pair(ctx, zmq.PUSH, zmq.PULL)
    for i in range(messages):
        push.send(payload(i, 100))
        pull.recv()
        push.send_multipart([b"a", payload(i, 70_000)], copy=False)
        pull.recv_multipart(copy=False)
        t = push.send(bytearray(payload(i, 200)), copy=False, track=True)
        pull.recv(copy=False)
        t.wait(5)
        f = zmq.Frame(payload(i, 50))
        push.send(f)
        pull.recv_into(bytearray(64))
    router, dealer = toolbox.pair(ctx, zmq.ROUTER, zmq.DEALER, "tcp")
    for _ in range(messages // 10 + 1):
        dealer.send_json({"a": [1, 2]})
        ident, body = router.recv_multipart()
        router.send_multipart([ident, body])
        dealer.recv_json()
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    poller.poll(1)
    router.getsockopt(zmq.LAST_ENDPOINT)
    other = zmq.Context()
    try:
        other.socket(-5)
    except zmq.ZMQError:
        pass
    other.term()
    ctx.destroy(linger=0)
    return {"messages": messages}


def green_misuse(hub: toolbox.Hub) -> dict:
    """A greenlet parked in recv; another greenlet closes the socket / destroys the context."""
    zmq = hub.zmq
    out = {}
    for what in ("close", "destroy", "term"):
        ctx = zmq.Context()
        pull = ctx.socket(zmq.PULL)
        pull.bind("inproc://green-misuse")
        task = hub.spawn(pull.recv)
        hub.sleep(0.02)  # the task runs, finds nothing and parks
        if task.join(0):
            raise AssertionError(f"recv did not block: {task.exception!r}")
        if what == "close":
            pull.close()
        elif what == "destroy":
            hub.spawn(ctx.destroy, 0).get(10)
        else:
            ender = hub.spawn(ctx.term)
        if not task.join(5):
            raise AssertionError(f"{what} from another greenlet left recv parked")
        if what == "term":
            pull.close()  # term waits for the owner to close after ETERM
            ender.get(10)
        exc = task.exception
        if exc is None:
            raise AssertionError(f"recv returned {task.value!r} after {what}")
        out[what] = [type(exc).__name__, getattr(exc, "errno", None)]
        if not ctx.closed:
            ctx.destroy(linger=0)
    return out


def thread_close(hub: toolbox.Hub, call: str) -> dict:
    """An OS thread blocked in ``call``; the main thread closes the socket under it.

    Clean outcomes: close() refuses with EBUSY and the socket stays whole, or close()
    succeeds and the blocked call raises ZMQError(ENOTSOCK) within 2 s.
    """
    import threading

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from relutil import wait_blocked

    zmq = hub.zmq
    ctx = zmq.Context()
    pull, push = toolbox.pair(ctx, zmq.PULL, zmq.PUSH)
    outcome: list[Any] = []
    tids: list[int] = []
    started = threading.Event()

    def run() -> None:
        tids.append(threading.get_native_id())
        started.set()
        try:
            if call == "poller":
                outcome.append(_poller(zmq, pull))
            else:
                outcome.append(getattr(pull, call)())
        except zmq.ZMQError as exc:
            outcome.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    started.wait(5)
    wait_blocked(os.getpid(), tids[0])
    try:
        pull.close()
    except zmq.ZMQError as exc:
        if exc.errno != zmq.EBUSY:
            raise
        push.send(b"wake")
        t.join(5)
        if t.is_alive() or outcome not in ([b"wake"], [[b"wake"]], [zmq.POLLIN]):
            raise AssertionError(
                f"after a refused close: alive={t.is_alive()} {outcome}"
            ) from exc
        ctx.destroy(linger=0)
        return {"call": call, "outcome": "EBUSY"}
    t.join(2)
    if t.is_alive():
        # the libzmq socket is gone under a call still using it: leave without cleanup
        print("RESULT " + json.dumps({"call": call, "outcome": "HANG: close() succeeded, "
                                      "the call stays blocked on the closed socket"}), flush=True)
        os._exit(3)
    exc = outcome[0]
    if not (isinstance(exc, zmq.ZMQError) and exc.errno == zmq.ENOTSOCK):
        raise AssertionError(f"close() succeeded; the blocked call gave {exc!r}")
    ctx.destroy(linger=0)
    return {"call": call, "outcome": "closed; blocked call raised ENOTSOCK"}


def green_fuzz(hub: toolbox.Hub, examples: int) -> dict:
    """Hypothesis drives random calls, flags and timeouts at green sockets; every call must
    end by itself (value or exception) within its timeout plus 500 ms."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    zmq = hub.zmq
    ctx = zmq.Context()
    a, b = toolbox.pair(ctx, zmq.PAIR, zmq.PAIR, linger=0)
    expected = (zmq.ZMQError, TypeError, ValueError, OverflowError)
    stats = {"calls": 0, "errors": 0, "slowest_over_ms": -1e9}
    ops = ["send", "recv", "send_multipart", "recv_multipart", "poll", "recv_string",
           "recv_json", "send_string", "recv_into", "getsockopt"]

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    @given(calls=st.lists(st.tuples(st.sampled_from(ops), st.integers(-3, 40),
                                    st.integers(-8, 300), st.booleans(),
                                    st.one_of(st.binary(max_size=8), st.text(max_size=4),
                                              st.integers(), st.none())),
                          min_size=1, max_size=12))
    def run(calls: list) -> None:
        for op, timeout, flags, which, data in calls:
            s = a if which else b
            # a negative or unset timeout would wait for ever by definition: bound it
            ms = max(timeout, 0)
            s.rcvtimeo = s.sndtimeo = ms
            t0 = time.perf_counter()
            try:
                if op in ("send", "send_string"):
                    getattr(s, op)(data, flags)
                elif op == "send_multipart":
                    s.send_multipart([data, data] if isinstance(data, bytes) else data, flags)
                elif op == "poll":
                    s.poll(ms, flags if flags > 0 else zmq.POLLIN)
                elif op == "recv_into":
                    s.recv_into(bytearray(4), flags=flags)
                elif op == "getsockopt":
                    s.getsockopt(flags)
                else:
                    getattr(s, op)(flags)
            except expected:
                stats["errors"] += 1
            over = (time.perf_counter() - t0) * 1000 - ms
            stats["calls"] += 1
            if over > stats["slowest_over_ms"]:
                stats["slowest_over_ms"] = round(over, 1)
                stats["slowest_call"] = f"{op}(flags={flags}) timeout={ms} ms"
            if over > 500:
                raise AssertionError(f"{op}(flags={flags}) with timeout {ms} ms took "
                                     f"{over + ms:.0f} ms")
        # drain, so the next example starts clean
        for s in (a, b):
            s.rcvtimeo = 0
            while True:
                try:
                    s.recv_multipart()
                except zmq.ZMQError:
                    break

    run()
    ctx.destroy(linger=0)
    return stats


def green_bad_input(hub: toolbox.Hub, examples: int) -> dict:
    """Serialisation helpers and multipart lists with bad items, on green sockets:
    the right exception, and nothing left half-sent."""
    import pickle

    from hypothesis import HealthCheck, given, settings, strategies as st

    zmq = hub.zmq
    ctx = zmq.Context()
    a, b = toolbox.pair(ctx, zmq.PAIR, zmq.PAIR, linger=0, rcvtimeo=2_000, sndtimeo=2_000)
    seen = {"multipart": 0, "json_out": 0, "json_in": 0, "pyobj_in": 0}

    def still_works() -> None:
        if b.poll(0):
            raise AssertionError("a refused call left frames behind")
        a.send_multipart([b"ok", b"still"])
        if b.recv_multipart() != [b"ok", b"still"]:
            raise AssertionError("socket broken after a refused call")

    def expect(exc: type, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except exc:
            return
        raise AssertionError(f"{fn.__name__}{args!r} did not raise {exc.__name__}")

    bad_item = st.one_of(st.none(), st.integers(), st.text(max_size=3), st.builds(object),
                         st.floats(), st.lists(st.binary(max_size=2), max_size=2))

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    @given(parts=st.lists(st.one_of(st.binary(max_size=8), bad_item), min_size=1, max_size=5),
           garbage=st.binary(max_size=64),
           obj=st.one_of(st.builds(object), st.sets(st.integers(), max_size=2),
                         st.binary(max_size=3), st.lists(st.builds(object), min_size=1)))
    def run(parts: list, garbage: bytes, obj: Any) -> None:
        if any(not isinstance(p, bytes) for p in parts):
            expect(TypeError, a.send_multipart, parts)
            seen["multipart"] += 1
        expect(TypeError, a.send_json, obj)
        seen["json_out"] += 1
        still_works()
        try:
            json.loads(garbage)
        except ValueError:
            a.send(garbage)
            expect(ValueError, b.recv_json)
            seen["json_in"] += 1
        try:
            pickle.loads(garbage)
        except Exception:  # noqa: BLE001 - only garbage pickle refuses is sent below
            a.send(garbage)
            expect(Exception, b.recv_pyobj)
            seen["pyobj_in"] += 1
        still_works()

    run()
    ctx.destroy(linger=0)
    return seen


CASES = {f.__name__: f for f in (
    load_pushpull, load_dealer_router, kill_pushpull, kill_router, router_mandatory, hwm_pub,
    hwm_push, sigint, fork, exit_open, gc_orders, leak_rss, valgrind_core, green_misuse,
    thread_close, green_fuzz, green_bad_input)}


def main() -> None:
    case, hub_name = sys.argv[1], sys.argv[2]
    kwargs = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    hub = toolbox.get(hub_name)
    result = CASES[case](hub, **kwargs)
    result["hub"] = hub_name
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
