"""Socket monitor: event decoding, get_monitor_socket/disable_monitor, close order."""
from __future__ import annotations

import gc
import itertools
import os
import struct
import threading
import time

import pytest

import greenzmq as zmq
from greenzmq.utils.monitor import parse_monitor_message, recv_monitor_message

POLL_MS = 5000


def _header(event: int, value: int) -> bytes:
    return struct.pack("=HI", event, value)


# ------------------------------------------------------------------ parsing
def test_parse_monitor_message() -> None:
    msg = parse_monitor_message([_header(zmq.EVENT_ACCEPTED, 17), b"tcp://127.0.0.1:5555"])
    assert msg == {"event": zmq.EVENT_ACCEPTED, "value": 17, "endpoint": b"tcp://127.0.0.1:5555"}
    assert isinstance(msg["event"], int)
    # values use the full unsigned 32-bit range (errno values, fds)
    assert (
        parse_monitor_message([_header(zmq.EVENT_HANDSHAKE_FAILED_AUTH, 2**32 - 1), b""])["value"]
        == 2**32 - 1
    )


def test_parse_monitor_message_frames() -> None:
    msg = parse_monitor_message([zmq.Frame(_header(zmq.EVENT_CLOSED, 3)), zmq.Frame(b"ipc://x")])
    assert msg == {"event": zmq.EVENT_CLOSED, "value": 3, "endpoint": b"ipc://x"}
    msg = parse_monitor_message([bytearray(_header(zmq.EVENT_CLOSED, 3)), memoryview(b"e")])
    assert msg["endpoint"] == b"e"


@pytest.mark.parametrize("bad", [[], [b"\x01\x00\x00\x00\x00\x00"],
                                 [b"\x01\x00\x00\x00\x00\x00", b"e", b"x"],
                                 [b"\x01\x00\x00\x00\x00", b"e"], [b"\x01" * 10, b"e"]])
def test_parse_monitor_message_malformed(bad: list[bytes]) -> None:
    with pytest.raises(ValueError, match="monitor"):
        parse_monitor_message(bad)


def test_parse_monitor_message_bad_type() -> None:
    with pytest.raises(TypeError):
        parse_monitor_message([12345, b"e"])


# ------------------------------------------------------------- live monitors
def _events_until(mon, wanted: int, timeout_ms: int = POLL_MS) -> list[dict]:
    """Read events until one of ``wanted`` arrives; fail if none comes in time."""
    seen = []
    while mon.poll(timeout_ms):
        ev = recv_monitor_message(mon)
        seen.append(ev)
        if ev["event"] & wanted:
            return seen
    raise AssertionError(f"no event {wanted:#x} within {timeout_ms} ms; saw {seen}")


@pytest.mark.timeout(20)
def test_monitor_reports_connection_lifecycle(ctx) -> None:
    server = ctx.socket(zmq.PAIR)
    client = ctx.socket(zmq.PAIR)
    for s in (server, client):
        s.linger = 0
    smon = server.get_monitor_socket()
    cmon = client.get_monitor_socket()
    port = server.bind_to_random_port("tcp://127.0.0.1")
    endpoint = f"tcp://127.0.0.1:{port}".encode()

    ev = _events_until(smon, zmq.EVENT_LISTENING)[-1]
    assert ev["endpoint"] == endpoint

    client.connect(endpoint.decode())
    ev = _events_until(cmon, zmq.EVENT_CONNECTED)[-1]
    assert ev["endpoint"] == endpoint
    assert ev["value"] > 2  # the new connection's fd
    assert _events_until(cmon, zmq.EVENT_HANDSHAKE_SUCCEEDED)[-1]["endpoint"] == endpoint
    assert _events_until(smon, zmq.EVENT_ACCEPTED)[-1]["event"] == zmq.EVENT_ACCEPTED
    assert _events_until(smon, zmq.EVENT_HANDSHAKE_SUCCEEDED)

    # the peer going away is reported too
    client.close()
    assert _events_until(smon, zmq.EVENT_DISCONNECTED)[-1]["event"] == zmq.EVENT_DISCONNECTED


@pytest.mark.timeout(20)
def test_monitor_event_filter(ctx) -> None:
    server = ctx.socket(zmq.PAIR)
    client = ctx.socket(zmq.PAIR)
    for s in (server, client):
        s.linger = 0
    port = server.bind_to_random_port("tcp://127.0.0.1")
    cmon = client.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    client.connect(f"tcp://127.0.0.1:{port}")
    assert cmon.poll(POLL_MS)
    assert recv_monitor_message(cmon)["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED
    # CONNECTED/CONNECT_DELAYED happened too but were filtered out
    client.send(b"ping")
    assert server.recv() == b"ping"
    assert cmon.poll(50) == 0
    with pytest.raises(zmq.Again):
        recv_monitor_message(cmon, zmq.NOBLOCK)


@pytest.mark.timeout(20)
def test_disable_monitor_stops_events(ctx) -> None:
    sock = ctx.socket(zmq.PAIR)
    sock.linger = 0
    mon = sock.get_monitor_socket()
    sock.bind_to_random_port("tcp://127.0.0.1")
    _events_until(mon, zmq.EVENT_LISTENING)
    sock.disable_monitor()
    # libzmq says goodbye on the monitor pipe; then nothing more arrives
    if not mon.closed:
        _events_until(mon, zmq.EVENT_MONITOR_STOPPED)
        sock.bind_to_random_port("tcp://127.0.0.1")
        assert mon.poll(50) == 0
    # monitoring can start again afterwards
    mon2 = sock.get_monitor_socket()
    sock.bind_to_random_port("tcp://127.0.0.1")
    _events_until(mon2, zmq.EVENT_LISTENING)


@pytest.mark.timeout(20)
def test_socket_monitor_with_own_pair(ctx, tmp_path) -> None:
    sock = ctx.socket(zmq.PUSH)
    sock.linger = 0
    addr = f"inproc://monitor-{id(sock)}"
    sock.monitor(addr, zmq.EVENT_LISTENING | zmq.EVENT_BIND_FAILED)
    mon = ctx.socket(zmq.PAIR)
    mon.linger = 0
    mon.connect(addr)
    ipc = f"ipc://{tmp_path}/m.sock"
    sock.bind(ipc)
    ev = _events_until(mon, zmq.EVENT_LISTENING)[-1]
    assert ev["endpoint"] == ipc.encode()
    # a second socket cannot bind the same tcp port: BIND_FAILED carries the errno
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    _events_until(mon, zmq.EVENT_LISTENING)
    with pytest.raises(zmq.ZMQError):
        sock.bind(f"tcp://127.0.0.1:{port}")
    ev = _events_until(mon, zmq.EVENT_BIND_FAILED)[-1]
    assert ev["value"] == zmq.EADDRINUSE
    sock.monitor(None, 0)
    mon.close()


# ------------------------------------------------------------ close ordering
def _fd_count() -> int:
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def _assert_fds_back_to(before: int) -> None:
    # libzmq's reaper and objects from earlier tests may release fds a moment
    # late; a real leak never converges
    for _ in range(40):
        after = _fd_count()
        if after <= before:
            return
        time.sleep(0.05)  # polling a count that has no event to wait on
    assert after <= before, f"fd leak: {after - before} more open fds than before"


def _monitored_pair(ctx):
    server = ctx.socket(zmq.PAIR)
    client = ctx.socket(zmq.PAIR)
    port = server.bind_to_random_port("tcp://127.0.0.1")
    smon = server.get_monitor_socket()
    cmon = client.get_monitor_socket()
    client.connect(f"tcp://127.0.0.1:{port}")
    # a live connection with events queued and some unread: the hard case
    _events_until(cmon, zmq.EVENT_HANDSHAKE_SUCCEEDED)
    client.send(b"unread")
    return server, client, smon, cmon


def _close_in_order(ctx, socks, order, how_ctx: str) -> None:
    server, client, smon, cmon = socks
    term_thread = None
    for what in order:
        if what == "socket":
            server.close()
            client.close()
        elif what == "monitor":
            smon.close()
            cmon.close()
        elif how_ctx == "destroy":
            ctx.destroy(linger=0)
        else:
            # term() waits for open sockets to be closed (pyzmq's contract):
            # start it first, from another thread, then close the sockets
            for s in socks:
                if not s.closed:
                    s.linger = 0
            term_thread = threading.Thread(target=ctx.term)
            term_thread.start()
    if term_thread is not None:
        term_thread.join(10)
        assert not term_thread.is_alive(), f"term() hung after closing in order {order}"
    # closing again, after the context is gone, is harmless
    for s in socks:
        s.close()
    assert all(s.closed for s in socks)
    assert ctx.closed


ORDERS = list(itertools.permutations(["socket", "monitor", "context"]))


@pytest.mark.timeout(30)
@pytest.mark.parametrize("how_ctx", ["destroy", "term"])
def test_close_order_no_hang_no_fd_leak(how_ctx: str) -> None:
    # warm up: the first context may load lazily created process-wide fds
    warm = zmq.Context()
    _close_in_order(warm, _monitored_pair(warm), ORDERS[0], "destroy")
    before = _fd_count()
    for _round in range(2):
        for order in ORDERS:
            ctx = zmq.Context()
            _close_in_order(ctx, _monitored_pair(ctx), order, how_ctx)
            del ctx
    _assert_fds_back_to(before)


@pytest.mark.timeout(20)
def test_disable_monitor_then_close_no_fd_leak() -> None:
    warm = zmq.Context()
    _close_in_order(warm, _monitored_pair(warm), ORDERS[0], "destroy")
    before = _fd_count()
    for _ in range(5):
        ctx = zmq.Context()
        socks = _monitored_pair(ctx)
        socks[0].disable_monitor()
        socks[1].disable_monitor()
        _close_in_order(ctx, socks, ("socket", "context", "monitor"), "term")
    _assert_fds_back_to(before)


@pytest.mark.timeout(20)
def test_monitor_socket_dropped_without_close() -> None:
    # a monitor socket that is simply forgotten must not keep term() waiting
    warm = zmq.Context()
    _close_in_order(warm, _monitored_pair(warm), ORDERS[0], "destroy")
    before = _fd_count()
    ctx = zmq.Context()
    server, client, smon, cmon = _monitored_pair(ctx)
    del smon, cmon
    server.close(linger=0)
    client.close(linger=0)
    ctx.destroy(linger=0)
    del ctx, server, client
    _assert_fds_back_to(before)


@pytest.mark.timeout(30)
def test_monitor_the_same_socket_again_and_again(ctx) -> None:
    # libzmq frees a monitor's inproc name some time after it stops: each start needs its own
    sock = ctx.socket(zmq.PAIR)
    sock.linger = 0
    for _ in range(50):
        mon = sock.get_monitor_socket()
        sock.bind_to_random_port("tcp://127.0.0.1")
        assert _events_until(mon, zmq.EVENT_LISTENING)
        sock.disable_monitor()
        mon.close(0)
