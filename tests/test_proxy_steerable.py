"""proxy_steerable: our own loop (libzmq 4.3.4's aborts the process on unknown commands)."""
from __future__ import annotations

import functools
import struct
import subprocess
import sys
import textwrap
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenzmq as zmq
import toolbox

# linger 0: the proxies hold sockets that a test closes with messages still queued
_pair = functools.partial(toolbox.pair, linger=0)


def _proxy(*args: Any) -> toolbox.Handle:
    """proxy_steerable in a thread; get() returns its result or raises what ended it."""
    return toolbox.Threads().spawn(zmq.proxy_steerable, *args)


def _stats(reply: list[bytes]) -> list[int]:
    assert len(reply) == 8
    return [struct.unpack("=Q", frame)[0] for frame in reply]


def _queue(ctx: zmq.Context, ctrl_type: int = zmq.PAIR) -> tuple[Any, ...]:
    """client -PUSH-> [PULL front | proxy | PUSH back] -PULL-> sink, plus the control pair."""
    front, client = _pair(ctx, zmq.PULL, zmq.PUSH)
    back, sink = _pair(ctx, zmq.PUSH, zmq.PULL)
    ctrl, steer = _pair(ctx, ctrl_type, zmq.REQ if ctrl_type == zmq.REP else zmq.PAIR)
    return front, client, back, sink, ctrl, steer


def _held(sock: Any, ms: int = 100) -> bool:
    """True when nothing arrives on sock within ms."""
    return sock.poll(ms) == 0


@pytest.mark.timeout(15)
@pytest.mark.parametrize("ctrl_type", [zmq.PAIR, zmq.REP])
def test_pause_stops_forwarding_and_resume_restarts_it(ctx: zmq.Context, ctrl_type: int) -> None:
    front, client, back, sink, ctrl, steer = _queue(ctx, ctrl_type)
    rep = ctrl_type == zmq.REP
    p = _proxy(front, back, None, ctrl)
    client.send(b"before")
    assert sink.recv() == b"before"
    steer.send(b"PAUSE")
    if rep:
        assert steer.recv() == b""  # as libzmq 4.3.5: REP answers with an empty frame
    else:
        # PAIR gets no reply; a STATISTICS round trip proves PAUSE was handled
        steer.send(b"STATISTICS")
        _stats(steer.recv_multipart())
        assert _held(steer, 50)
    client.send(b"during")
    assert _held(sink, 200)
    steer.send(b"RESUME")
    if rep:
        assert steer.recv() == b""
    assert sink.poll(2000)
    assert sink.recv() == b"during"
    steer.send(b"TERMINATE")
    if rep:
        assert steer.recv() == b""
    assert p.get() == 0


@pytest.mark.timeout(15)
@pytest.mark.parametrize("ctrl_type", [zmq.PAIR, zmq.REP])
def test_statistics_counts_messages_and_bytes_per_side(ctx: zmq.Context, ctrl_type: int) -> None:
    front, client = _pair(ctx, zmq.PAIR, zmq.PAIR)
    back, server = _pair(ctx, zmq.PAIR, zmq.PAIR)
    ctrl, steer = _pair(ctx, ctrl_type, zmq.REQ if ctrl_type == zmq.REP else zmq.PAIR)
    p = _proxy(front, back, None, ctrl)
    steer.send(b"STATISTICS")
    assert _stats(steer.recv_multipart()) == [0] * 8
    client.send_multipart([b"ab", b"cde"])  # one message of 5 bytes
    client.send(b"x")
    assert server.recv_multipart() == [b"ab", b"cde"]
    assert server.recv() == b"x"
    server.send_multipart([b"1234567", b"", b"89"])  # one message of 9 bytes
    assert client.recv_multipart() == [b"1234567", b"", b"89"]
    steer.send(b"STATISTICS")
    assert _stats(steer.recv_multipart()) == [
        2, 6,  # frontend: messages and bytes in
        1, 9,  # frontend: messages and bytes out
        1, 9,  # backend in
        2, 6,  # backend out
    ]
    steer.send(b"TERMINATE")
    if ctrl_type == zmq.REP:
        assert steer.recv() == b""
    assert p.get() == 0


@pytest.mark.timeout(15)
def test_terminate_returns_zero_with_pair_and_with_sub_control(ctx: zmq.Context) -> None:
    front, client, back, sink, ctrl, steer = _queue(ctx, zmq.PAIR)
    p = _proxy(front, back, None, ctrl)
    steer.send(b"TERMINATE")
    assert p.get() == 0
    assert _held(steer, 50)  # PAIR gets no reply
    # a SUB control cannot reply: STATISTICS is dropped, and TERMINATE still works
    ctrl2: Any = ctx.socket(zmq.SUB)
    ctrl2.linger = 0
    ctrl2.setsockopt(zmq.SUBSCRIBE, b"")  # before the PUB connects: nothing is dropped
    ctrl2.bind(toolbox.endpoint())
    pub: Any = ctx.socket(zmq.PUB)
    pub.linger = 0
    pub.connect(ctrl2.last_endpoint)
    p = _proxy(front, back, None, ctrl2)
    client.send(b"m")
    assert sink.poll(2000)  # the proxy runs
    assert sink.recv() == b"m"
    pub.send(b"STATISTICS")
    pub.send(b"TERMINATE")
    assert p.get() == 0


@pytest.mark.timeout(15)
def test_terminate_works_while_the_destination_has_no_peer(ctx: zmq.Context) -> None:
    # the PUSH backend has nobody to send to: the proxy must not block in a send
    front, client = _pair(ctx, zmq.PULL, zmq.PUSH)
    back: Any = ctx.socket(zmq.PUSH)
    back.linger = 0
    back.bind(toolbox.endpoint())
    ctrl, steer = _pair(ctx, zmq.REP, zmq.REQ)
    p = _proxy(front, back, None, ctrl)
    for i in range(10):
        client.send(b"%d" % i)
    steer.send(b"STATISTICS")
    assert _stats(steer.recv_multipart()) == [0] * 8  # nothing read that cannot leave
    # a peer turns up: the stalled direction wakes on POLLOUT and everything flows
    sink: Any = ctx.socket(zmq.PULL)
    sink.linger = 0
    sink.connect(back.last_endpoint)
    sink.rcvtimeo = 2000
    assert [sink.recv() for _ in range(10)] == [b"%d" % i for i in range(10)]
    steer.send(b"TERMINATE")
    assert steer.recv() == b""
    assert p.get() == 0


@pytest.mark.timeout(15)
@pytest.mark.parametrize("ctrl_type", [zmq.PAIR, zmq.REP])
def test_garbage_on_control_is_survived_and_forwarding_goes_on(
    ctx: zmq.Context, ctrl_type: int
) -> None:
    front, client, back, sink, ctrl, steer = _queue(ctx, ctrl_type)
    rep = ctrl_type == zmq.REP
    p = _proxy(front, back, None, ctrl)
    garbage = [[b"BOGUS"], [b""], [b"pause"], [b"PAUSE\0"], [bytes(range(256)) * 40],
               [b"PAUSE", b"extra"], [b"STATISTICS", b""], [b"", b"TERMINATE"]]
    for msg in garbage:
        steer.send_multipart(msg)
        if rep:
            assert steer.recv_multipart() == [b"ERROR"]
    client.send_multipart([b"still", b"going"])
    sink.rcvtimeo = 2000
    assert sink.recv_multipart() == [b"still", b"going"]  # nothing paused or stopped it
    steer.send(b"STATISTICS")
    assert _stats(steer.recv_multipart())[:2] == [1, 10]
    steer.send(b"TERMINATE")
    if rep:
        assert steer.recv() == b""
    assert p.get() == 0


_SURVIVOR = textwrap.dedent("""
    import threading, greenzmq as zmq, toolbox
    c = zmq.Context()
    front, client = toolbox.pair(c, zmq.PULL, zmq.PUSH)
    back, sink = toolbox.pair(c, zmq.PUSH, zmq.PULL)
    ctrl, steer = toolbox.pair(c, zmq.PAIR, zmq.PAIR)
    out = []
    t = threading.Thread(target=lambda: out.append(zmq.proxy_steerable(front, back, None, ctrl)))
    t.start()
    for junk in (b"HELLO", b"", b"PAUSE!", b"\\xff" * 1000):
        steer.send(junk)
    steer.send_multipart([b"TERMINATE", b"no"])
    client.send(b"alive")
    sink.rcvtimeo = 5000
    assert sink.recv() == b"alive"
    steer.send(b"TERMINATE")
    t.join(5)
    print("survived", out)
    c.destroy(linger=0)
""")


@pytest.mark.timeout(30)
def test_garbage_on_control_does_not_abort_the_process() -> None:
    # libzmq 4.3.4's own loop dies with "Assertion failed: false (src/proxy.cpp:620)"
    r = subprocess.run([sys.executable, "-c", _SURVIVOR], capture_output=True, timeout=25,
                       env=toolbox.env())
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert r.stdout.strip() == b"survived [0]"


@pytest.mark.timeout(15)
def test_capture_sees_every_frame_of_both_directions(ctx: zmq.Context) -> None:
    front, client = _pair(ctx, zmq.PAIR, zmq.PAIR)
    back, server = _pair(ctx, zmq.PAIR, zmq.PAIR)
    tap, cap = _pair(ctx, zmq.PUSH, zmq.PULL)
    ctrl, steer = _pair(ctx, zmq.PAIR, zmq.PAIR)
    p = _proxy(front, back, tap, ctrl)
    client.send_multipart([b"q", b"", b"uery"])
    assert server.recv_multipart() == [b"q", b"", b"uery"]
    server.send(b"answer")
    assert client.recv() == b"answer"
    cap.rcvtimeo = 2000
    assert cap.recv_multipart() == [b"q", b"", b"uery"]
    assert cap.recv_multipart() == [b"answer"]
    steer.send(b"TERMINATE")
    assert p.get() == 0


@pytest.mark.timeout(15)
@pytest.mark.parametrize("with_control", [True, False])
def test_context_term_ends_it_with_context_terminated(with_control: bool) -> None:
    c = zmq.Context()
    front, client = _pair(c, zmq.PAIR, zmq.PAIR)
    back, server = _pair(c, zmq.PAIR, zmq.PAIR)
    ctrl, steer = _pair(c, zmq.PAIR, zmq.PAIR)
    mine = [front, back, ctrl]
    err: list[BaseException] = []
    started = threading.Event()

    def run() -> None:
        try:
            started.set()
            zmq.proxy_steerable(front, back, None, ctrl if with_control else None)
        except zmq.ZMQError as e:
            err.append(e)
        finally:
            for s in mine:
                s.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    started.wait(5)
    client.send(b"x")
    assert server.recv() == b"x"  # running
    for s in (client, server, steer):
        s.close()
    c.term()  # returns once the proxy thread has seen ETERM and closed its sockets
    t.join(5)
    assert not t.is_alive()
    assert len(err) == 1 and isinstance(err[0], zmq.ContextTerminated)


@pytest.mark.timeout(20)
def test_multipart_messages_stay_intact_in_bursts_both_ways(ctx: zmq.Context) -> None:
    # unlimited queues: both sides can send everything before anyone reads
    ctx.setsockopt(zmq.SNDHWM, 0)
    ctx.setsockopt(zmq.RCVHWM, 0)
    front, client = _pair(ctx, zmq.PAIR, zmq.PAIR)
    back, server = _pair(ctx, zmq.PAIR, zmq.PAIR)
    ctrl, steer = _pair(ctx, zmq.PAIR, zmq.PAIR)
    tap, cap = _pair(ctx, zmq.PAIR, zmq.PAIR)
    n = 2500  # more than one burst per direction
    msgs = [[b"%d" % i] + [b"f%d" % j for j in range(i % 5)] for i in range(n)]
    p = _proxy(front, back, tap, ctrl)
    for m in msgs:
        client.send_multipart(m)
        server.send_multipart(m)
    server.rcvtimeo = client.rcvtimeo = cap.rcvtimeo = 5000
    assert [server.recv_multipart() for _ in range(n)] == msgs
    assert [client.recv_multipart() for _ in range(n)] == msgs
    captured = [cap.recv_multipart() for _ in range(2 * n)]
    assert sorted(captured) == sorted(msgs + msgs)  # whole messages, never interleaved
    steer.send(b"STATISTICS")
    counts = _stats(steer.recv_multipart())
    assert counts[0] == counts[2] == counts[4] == counts[6] == n
    steer.send(b"TERMINATE")
    assert p.get() == 0


@pytest.mark.timeout(15)
def test_without_control_it_is_a_plain_proxy_and_one_socket_hairpins(ctx: zmq.Context) -> None:
    front, client = _pair(ctx, zmq.PULL, zmq.PUSH)
    back, sink = _pair(ctx, zmq.PUSH, zmq.PULL)
    t = _proxy(front, back)
    client.send_multipart([b"a", b"b"])
    sink.rcvtimeo = 2000
    assert sink.recv_multipart() == [b"a", b"b"]
    # frontend is backend: forwarded once to itself (as libzmq does)
    hub, peer = _pair(ctx, zmq.PAIR, zmq.PAIR)
    h = _proxy(hub, hub)
    peer.send(b"echo")
    peer.rcvtimeo = 2000
    assert peer.recv() == b"echo"
    ctx.destroy(linger=0)  # ends both with ContextTerminated
    with pytest.raises(zmq.ContextTerminated):
        t.get()
    with pytest.raises(zmq.ContextTerminated):
        h.get()


@pytest.mark.timeout(10)
def test_bad_arguments_raise(ctx: zmq.Context) -> None:
    a = ctx.socket(zmq.PAIR)
    b = ctx.socket(zmq.PAIR)
    with pytest.raises(TypeError):
        zmq.proxy_steerable(a, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        zmq.proxy_steerable(a, b, None, b"PAUSE")  # type: ignore[arg-type]
    b.close()
    with pytest.raises(zmq.ZMQError) as e:
        zmq.proxy_steerable(a, b)
    assert e.value.errno == zmq.ENOTSOCK


_INTERRUPTED = textwrap.dedent("""
    import os, signal, threading, greenzmq as zmq, toolbox
    # a background job starts with SIGINT ignored, and then Python installs no handler
    signal.signal(signal.SIGINT, signal.default_int_handler)
    c = zmq.Context()
    front, client = toolbox.pair(c, zmq.PULL, zmq.PUSH)
    back, sink = toolbox.pair(c, zmq.PUSH, zmq.PULL)
    ctrl, steer = toolbox.pair(c, zmq.PAIR, zmq.PAIR)
    stop = threading.Event()
    flowing = threading.Event()
    def traffic():
        # keep the proxy busy (bursts, no blocking poll) while the signal lands
        while not stop.is_set():
            client.send(b"m")
            sink.recv()
            flowing.set()
    def kill(busy):
        if busy:
            flowing.wait(5)
        else:
            sink.poll(5000)  # the proxy forwards: it runs
        os.kill(os.getpid(), signal.SIGINT)
    for busy in (False, True):
        if busy:
            threading.Thread(target=traffic, daemon=True).start()
        else:
            client.send(b"go")
        k = threading.Thread(target=kill, args=(busy,))
        k.start()
        try:
            zmq.proxy_steerable(front, back, None, ctrl)
        except KeyboardInterrupt:
            print("interrupted", busy)
        k.join()
        if not busy:
            sink.recv()
    stop.set()
    os._exit(0)
""")


@pytest.mark.timeout(30)
def test_ctrl_c_raises_keyboard_interrupt_idle_and_busy() -> None:
    r = subprocess.run([sys.executable, "-c", _INTERRUPTED], capture_output=True, timeout=25,
                       env=toolbox.env())
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert r.stdout.split(b"\n")[:2] == [b"interrupted False", b"interrupted True"]


_COMMANDS = [b"PAUSE", b"RESUME", b"STATISTICS"]


@pytest.mark.timeout(60)
@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(_COMMANDS).map(lambda c: [c]),
    # anything but TERMINATE, which ends the proxy (hypothesis found it: it has its own tests)
    st.lists(st.binary(max_size=40), min_size=1, max_size=4).filter(
        lambda m: m != [b"TERMINATE"]),
), max_size=8))
def test_any_control_input_gets_a_sane_reply_on_rep(cmds: list[list[bytes]]) -> None:
    c = zmq.Context()
    try:
        front, client = _pair(c, zmq.PAIR, zmq.PAIR)
        back, server = _pair(c, zmq.PAIR, zmq.PAIR)
        ctrl, steer = _pair(c, zmq.REP, zmq.REQ)
        steer.rcvtimeo = 2000
        p = _proxy(front, back, None, ctrl)
        paused = False
        for msg in cmds:
            steer.send_multipart(msg)
            reply = steer.recv_multipart()
            if msg == [b"STATISTICS"]:
                assert len(reply) == 8
            elif msg in ([b"PAUSE"], [b"RESUME"]):
                assert reply == [b""]
                paused = msg == [b"PAUSE"]
            else:
                assert reply == [b"ERROR"]
        client.send(b"probe")
        assert _held(server, 30) if paused else server.poll(2000)
        steer.send(b"TERMINATE")
        assert steer.recv() == b""
        assert p.get() == 0
    finally:
        c.destroy(linger=0)
