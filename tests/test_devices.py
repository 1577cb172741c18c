"""Devices: Device/ThreadDevice/ProcessDevice, proxies, steerable proxy, MonitoredQueue."""
import os
import signal
import socket as pysocket
import struct
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import greenzmq as zmq
from greenzmq import devices
from greenzmq.devices import (
    Device,
    ProcessDevice,
    ProcessMonitoredQueue,
    ProcessProxy,
    ThreadDevice,
    ThreadMonitoredQueue,
    ThreadProxy,
    ThreadProxySteerable,
)

LOCAL = "tcp://127.0.0.1"


def use_ctx(dev, ctx):
    """Run a thread device in the test's context, so the fixture's destroy() stops it."""
    dev.context_factory = lambda: ctx
    return dev


def wired(dev):
    """Bind both ends of dev to random local ports; return their addresses."""
    pin = dev.bind_in_to_random_port(LOCAL)
    pout = dev.bind_out_to_random_port(LOCAL)
    return f"{LOCAL}:{pin}", f"{LOCAL}:{pout}"


def sock(ctx, kind, connect=None, **opts):
    s = ctx.socket(kind)
    s.linger = 0
    s.rcvtimeo = 5000
    s.sndtimeo = 5000
    for name, value in opts.items():
        if name == "subscribe":  # a method on sockets, not an option attribute
            s.subscribe(value)
        else:
            setattr(s, name, value)
    if connect:
        s.connect(connect)
    return s


def recv_within(s, seconds):
    """recv_multipart if a message comes within seconds, else None."""
    if s.poll(int(seconds * 1000), zmq.POLLIN):
        return s.recv_multipart()
    return None


def sync_sub(pub_send, subs, probe=b"sync"):
    """Publish probes until every subscriber saw one (the slow joiner problem)."""
    pending = list(subs)
    deadline = time.monotonic() + 10
    while pending:
        assert time.monotonic() < deadline, "subscribers never connected"
        pub_send(probe)
        pending = [s for s in pending if recv_within(s, 0.05) is None]
    for s in subs:
        while recv_within(s, 0.05) is not None:
            pass


# -- API and validation --------------------------------------------------------------------


def test_public_names():
    for name in ("Device", "BackgroundDevice", "ThreadDevice", "ProcessDevice", "Proxy",
                 "ThreadProxy", "ProcessProxy", "ProxySteerable", "ThreadProxySteerable",
                 "ProcessProxySteerable", "MonitoredQueue", "ThreadMonitoredQueue",
                 "ProcessMonitoredQueue", "device", "proxy", "proxy_steerable",
                 "monitored_queue"):
        assert hasattr(devices, name), name
    from greenzmq.devices.monitoredqueue import monitored_queue
    from greenzmq.devices.proxysteerabledevice import ProxySteerable

    assert monitored_queue is devices.monitored_queue
    assert ProxySteerable is devices.ProxySteerable
    assert zmq.devices.ThreadDevice is ThreadDevice
    assert ThreadDevice.context_factory == zmq.Context.instance
    assert ProcessDevice.context_factory is zmq.Context
    assert ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER).daemon is True


def test_bad_arguments_fail_before_start():
    with pytest.raises(TypeError):
        ThreadDevice(zmq.QUEUE, None, zmq.DEALER)
    with pytest.raises(TypeError):
        ThreadDevice(zmq.QUEUE, zmq.ROUTER)
    with pytest.raises(zmq.ZMQError) as info:
        ThreadDevice(zmq.QUEUE, 999, zmq.DEALER)
    assert info.value.errno == zmq.EINVAL
    assert "in_type" in str(info.value)
    with pytest.raises(TypeError):
        ThreadDevice(zmq.QUEUE, "ROUTER", zmq.DEALER)
    with pytest.raises(TypeError):
        ThreadDevice("QUEUE", zmq.ROUTER, zmq.DEALER)
    with pytest.raises(zmq.ZMQError):
        ThreadProxy(zmq.ROUTER, zmq.DEALER, zmq.SUB)  # a monitor must be able to send
    with pytest.raises(TypeError):
        ThreadProxySteerable(zmq.ROUTER, zmq.DEALER, zmq.PUB)  # no ctrl_type
    with pytest.raises(zmq.ZMQError):
        ThreadProxySteerable(zmq.ROUTER, zmq.DEALER, zmq.PUB, zmq.PUB)
    with pytest.raises(TypeError):
        ThreadMonitoredQueue(zmq.ROUTER, zmq.DEALER, zmq.PUB, 1, b"out")
    dev = ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    with pytest.raises(TypeError):
        dev.bind_in(5555)
    with pytest.raises(zmq.ZMQError):
        dev.bind_in_to_random_port("ipc:///tmp/x")
    with pytest.raises(zmq.ZMQError):
        dev.bind_in_to_random_port("tcp://127.0.0.1:5555")
    with pytest.raises(zmq.ZMQError):
        dev.bind_in_to_random_port("tcp://no-such-host.invalid")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("where", ["bind", "connect", "option"])
def test_thread_device_setup_error_raises_in_start(ctx, where):
    dev = use_ctx(ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER), ctx)
    dev.bind_out("inproc://fine")
    if where == "bind":
        dev.bind_in("tcp://not an address")
    elif where == "connect":
        dev.connect_in("nosuchtransport://x")
    else:
        dev.setsockopt_in(12345, 1)
    with pytest.raises(zmq.ZMQError) as info:
        dev.start()
    assert info.value.errno in (zmq.EINVAL, zmq.EPROTONOSUPPORT, zmq.ENODEV)
    dev.join(5)
    assert dev.done and not dev.launcher.is_alive()
    assert ctx._socket_count() == 0  # the device closed what it had made
    with pytest.raises(RuntimeError):
        dev.start()


@pytest.mark.timeout(30)
def test_process_device_setup_error_raises_in_start():
    dev = ProcessDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    dev.bind_in("tcp://not an address")
    dev.bind_out("inproc://x")
    with pytest.raises(zmq.ZMQError) as info:
        dev.start()
    assert info.value.errno == zmq.EINVAL
    dev.join(10)
    assert not dev.launcher.is_alive()


# -- forwarding ----------------------------------------------------------------------------


@pytest.mark.timeout(20)
def test_thread_device_queue_req_rep(ctx):
    dev = use_ctx(ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER), ctx)
    ain, aout = wired(dev)
    dev.start()
    assert not dev.done and dev.launcher.is_alive()
    req, rep = sock(ctx, zmq.REQ, ain), sock(ctx, zmq.REP, aout)
    for i in range(20):
        req.send_multipart([b"q", b"%d" % i])
        assert rep.recv_multipart() == [b"q", b"%d" % i]
        rep.send(b"a%d" % i)
        assert req.recv() == b"a%d" % i
    t0 = time.monotonic()
    dev.join(0.05)  # still running: returns after the timeout
    assert time.monotonic() - t0 >= 0.04 and not dev.done
    req.close()
    rep.close()
    ctx.term()  # ends the device (ETERM), which closes its sockets so term() returns
    dev.join(5)
    assert dev.done and not dev.launcher.is_alive()


@pytest.mark.timeout(20)
def test_random_port_is_held_until_the_device_binds(ctx):
    dev = use_ctx(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH), ctx)
    port = dev.bind_in_to_random_port(LOCAL, min_port=20000, max_port=60000)
    assert 20000 <= port < 60000
    dev.bind_out("inproc://held-out")
    thief = pysocket.socket()
    with pytest.raises(OSError):
        thief.bind(("127.0.0.1", port))  # nobody can take it before the device runs
    thief.close()
    dev.start()
    push, pull = sock(ctx, zmq.PUSH, f"{LOCAL}:{port}"), sock(ctx, zmq.PULL, "inproc://held-out")
    push.send(b"through the reserved port")
    assert pull.recv() == b"through the reserved port"


@pytest.mark.timeout(20)
def test_streamer_push_pull(ctx):
    dev = use_ctx(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH), ctx)
    ain, aout = wired(dev)
    dev.start()
    push, pull = sock(ctx, zmq.PUSH, ain), sock(ctx, zmq.PULL, aout)
    for i in range(200):
        push.send_multipart([b"part1", b"%d" % i])
    expected = [[b"part1", b"%d" % i] for i in range(200)]
    assert [pull.recv_multipart() for _ in range(200)] == expected


@pytest.mark.timeout(20)
def test_forwarder_pub_sub_topics(ctx):
    dev = use_ctx(ThreadDevice(zmq.FORWARDER, zmq.SUB, zmq.PUB), ctx)
    dev.setsockopt_in(zmq.SUBSCRIBE, b"")
    ain, aout = wired(dev)
    dev.start()
    pub = ctx.socket(zmq.PUB)
    pub.linger = 0
    pub.connect(ain)
    sub_a = sock(ctx, zmq.SUB, aout, subscribe=b"a")
    sub_b = sock(ctx, zmq.SUB, aout, subscribe=b"b")
    # the device's SUB and both end SUBs must all be connected before the real messages
    sync_sub(lambda p: (pub.send(b"a" + p), pub.send(b"b" + p)), [sub_a, sub_b])
    for topic in (b"a", b"b", b"c", b"a", b"b"):
        pub.send_multipart([topic + b".news", b"body-" + topic])
    pub.send(b"a.end")
    pub.send(b"b.end")

    def drain(s, end):
        got = []
        while True:
            msg = s.recv_multipart()
            if msg == [end]:
                return got
            if not msg[0].endswith(b"sync"):
                got.append(msg)

    assert drain(sub_a, b"a.end") == [[b"a.news", b"body-a"]] * 2
    assert drain(sub_b, b"b.end") == [[b"b.news", b"body-b"]] * 2


@pytest.mark.timeout(20)
def test_single_socket_device_echoes(ctx):
    # out_type < 0: one ROUTER is both ends, so it sends each message back where it came from
    dev = use_ctx(ThreadDevice(zmq.QUEUE, zmq.ROUTER, -1), ctx)
    port = dev.bind_in_to_random_port(LOCAL)
    dev.start()
    dealer = sock(ctx, zmq.DEALER, f"{LOCAL}:{port}")
    dealer.send_multipart([b"echo", b"me"])
    assert dealer.recv_multipart() == [b"echo", b"me"]


@pytest.mark.timeout(20)
def test_foreground_device_start_blocks_until_term(ctx):
    dev = use_ctx(Device(zmq.QUEUE, zmq.ROUTER, zmq.DEALER), ctx)
    ain, aout = wired(dev)
    errors = []

    def runner():
        try:
            dev.start()
        except BaseException as e:  # noqa: BLE001 - reported to the test below
            errors.append(e)

    t = threading.Thread(target=runner, daemon=True)
    t.start()
    req, rep = sock(ctx, zmq.REQ, ain), sock(ctx, zmq.REP, aout)
    req.send(b"hi")
    assert rep.recv() == b"hi"
    rep.send(b"there")
    assert req.recv() == b"there"
    assert not dev.done
    req.close()
    rep.close()
    ctx.term()
    dev.join(5)
    t.join(5)
    assert dev.done and not t.is_alive() and errors == []


@pytest.mark.timeout(60)
def test_process_device_queue_20_clients_4_workers():
    dev = ProcessDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
    ain, aout = wired(dev)
    dev.start()
    try:
        with zmq.Context() as ctx:
            workers = [sock(ctx, zmq.REP, aout) for _ in range(4)]
            clients = [sock(ctx, zmq.REQ, ain) for _ in range(20)]
            poller = zmq.Poller()
            for s in workers + clients:
                poller.register(s, zmq.POLLIN)
            for i, c in enumerate(clients):
                c.send_multipart([b"request", b"%d" % i])
            answers, served = {}, [0] * 4
            deadline = time.monotonic() + 30
            while len(answers) < len(clients):
                assert time.monotonic() < deadline, f"only {len(answers)} answers"
                for s, _ in poller.poll(1000):
                    if s in workers:
                        w = workers.index(s)
                        req = s.recv_multipart()
                        served[w] += 1
                        s.send_multipart([b"reply"] + req[1:] + [b"w%d" % w])
                    else:
                        answers[clients.index(s)] = s.recv_multipart()
            for i, reply in answers.items():
                assert reply[:2] == [b"reply", b"%d" % i]
            assert sum(served) == 20
            for s in workers + clients:
                s.close()
    finally:
        dev.launcher.terminate()
        dev.join(10)
    assert not dev.launcher.is_alive()


@pytest.mark.timeout(30)
def test_killed_process_device_does_not_hang_join():
    dev = ProcessProxy(zmq.ROUTER, zmq.DEALER, zmq.PUB)
    wired(dev)
    dev.bind_mon("inproc://mon")
    dev.start()
    assert dev.launcher.is_alive()
    t0 = time.monotonic()
    dev.join(0.1)  # alive: returns after the timeout
    assert dev.launcher.is_alive() and not dev.done
    os.kill(dev.launcher.pid, signal.SIGKILL)
    dev.join(10)
    assert time.monotonic() - t0 < 8
    assert not dev.launcher.is_alive()
    assert dev.launcher.exitcode == -signal.SIGKILL
    assert dev.done


class SpawnedProcessDevice(ProcessDevice):
    start_method = "spawn"


@pytest.mark.timeout(60)
def test_spawned_process_device_gets_its_reserved_port():
    # spawn pickles the device: the reserved listening socket travels to the child
    dev = SpawnedProcessDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH)
    ain, aout = wired(dev)
    dev.start()
    try:
        with zmq.Context() as ctx:
            push, pull = sock(ctx, zmq.PUSH, ain), sock(ctx, zmq.PULL, aout, rcvtimeo=20000)
            push.send(b"via spawn")
            assert pull.recv() == b"via spawn"
            push.close()
            pull.close()
    finally:
        dev.launcher.terminate()
        dev.join(10)


# -- proxies -------------------------------------------------------------------------------


@pytest.mark.timeout(20)
def test_thread_proxy_captures(ctx):
    dev = use_ctx(ThreadProxy(zmq.PULL, zmq.PUSH, zmq.PUSH), ctx)
    ain, aout = wired(dev)
    dev.bind_mon("inproc://capture")
    dev.start()
    cap = sock(ctx, zmq.PULL, "inproc://capture")
    push, pull = sock(ctx, zmq.PUSH, ain), sock(ctx, zmq.PULL, aout)
    push.send_multipart([b"a", b"b"])
    assert pull.recv_multipart() == [b"a", b"b"]
    assert cap.recv_multipart() == [b"a", b"b"]


def _stats(ctrl):
    ctrl.send(b"STATISTICS")
    reply = ctrl.recv_multipart()
    assert len(reply) == 8 and all(len(f) == 8 for f in reply)
    return [struct.unpack("=Q", f)[0] for f in reply]


@pytest.mark.timeout(20)
def test_steerable_proxy_pause_resume_statistics_terminate(ctx):
    dev = use_ctx(ThreadProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR), ctx)
    ain, aout = wired(dev)
    dev.bind_ctrl("inproc://ctrl")
    dev.start()
    ctrl = sock(ctx, zmq.PAIR, "inproc://ctrl")
    push, pull = sock(ctx, zmq.PUSH, ain), sock(ctx, zmq.PULL, aout)

    push.send(b"one")
    assert pull.recv() == b"one"
    # frontend: msgs in, bytes in, msgs out, bytes out; then the same for the backend
    assert _stats(ctrl) == [1, 3, 0, 0, 0, 0, 1, 3]

    ctrl.send(b"PAUSE")
    _stats(ctrl)  # commands run in order: once this answers, PAUSE is in force
    push.send(b"held")
    assert recv_within(pull, 0.3) is None
    ctrl.send(b"RESUME")
    assert pull.recv() == b"held"
    assert _stats(ctrl)[:2] == [2, 7]

    ctrl.send(b"TERMINATE")
    dev.join(5)
    assert dev.done and not dev.launcher.is_alive()
    assert ctx._socket_count() == 3  # only the test's own sockets are left


@pytest.mark.timeout(30)
def test_process_proxy_steerable_terminate():
    dev = devices.ProcessProxySteerable(zmq.PULL, zmq.PUSH, zmq.PUB, zmq.PAIR)
    ain, aout = wired(dev)
    pctrl = dev.bind_ctrl_to_random_port(LOCAL)
    dev.start()
    with zmq.Context() as ctx:
        ctrl = sock(ctx, zmq.PAIR, f"{LOCAL}:{pctrl}")
        push, pull = sock(ctx, zmq.PUSH, ain), sock(ctx, zmq.PULL, aout)
        push.send(b"x")
        assert pull.recv() == b"x"
        ctrl.send(b"TERMINATE")
        dev.join(10)
        assert not dev.launcher.is_alive() and dev.launcher.exitcode == 0
        for s in (ctrl, push, pull):
            s.close()


# -- monitored queue ------------------------------------------------------------------------


@pytest.mark.timeout(20)
def test_thread_monitored_queue_prefixes(ctx):
    dev = use_ctx(ThreadMonitoredQueue(zmq.ROUTER, zmq.DEALER, zmq.PUB, b"IN", b"OUT"), ctx)
    ain, aout = wired(dev)
    dev.bind_mon("inproc://mq-mon")
    dev.start()
    mon = sock(ctx, zmq.SUB, "inproc://mq-mon", subscribe=b"")
    req, rep = sock(ctx, zmq.REQ, ain), sock(ctx, zmq.REP, aout)

    def round_trip(payload):
        req.send(payload)
        assert rep.recv() == payload
        rep.send(payload.upper())
        assert req.recv() == payload.upper()

    # warm up until the monitor's subscription has reached the device's PUB
    deadline = time.monotonic() + 10
    while recv_within(mon, 0.05) is None:
        assert time.monotonic() < deadline
        round_trip(b"warm")
    while recv_within(mon, 0.1) is not None:
        pass
    for i in range(10):
        round_trip(b"msg%d" % i)
    for i in range(10):
        seen_in = mon.recv_multipart()
        seen_out = mon.recv_multipart()
        # [prefix, client routing id, empty delimiter, body]
        assert seen_in[0] == b"IN" and seen_in[2:] == [b"", b"msg%d" % i]
        assert seen_out[0] == b"OUT" and seen_out[1:] == [seen_in[1], b"", b"MSG%d" % i]
    assert recv_within(mon, 0.05) is None


@pytest.mark.timeout(20)
def test_monitored_queue_router_router_swaps_ids(ctx):
    ins, outs, mon = ctx.socket(zmq.ROUTER), ctx.socket(zmq.ROUTER), ctx.socket(zmq.PUSH)
    ins.bind("inproc://rr-in")
    outs.bind("inproc://rr-out")
    mon.bind("inproc://rr-mon")
    errors = []

    def run():
        try:
            zmq.devices.monitored_queue(ins, outs, mon)
        except zmq.ZMQError as e:  # ContextTerminated at the end of the test
            errors.append(e)
        finally:
            for s in (ins, outs, mon):
                s.close()

    client = sock(ctx, zmq.DEALER, routing_id=b"client")
    worker = sock(ctx, zmq.DEALER, routing_id=b"worker")
    watch = sock(ctx, zmq.PULL, "inproc://rr-mon")
    client.connect("inproc://rr-in")
    worker.connect("inproc://rr-out")
    t = threading.Thread(target=run, daemon=True)
    t.start()
    client.send_multipart([b"worker", b"hello"])
    assert worker.recv_multipart() == [b"client", b"hello"]
    worker.send_multipart([b"client", b"world"])
    assert client.recv_multipart() == [b"worker", b"world"]
    assert watch.recv_multipart() == [b"in", b"worker", b"client", b"hello"]
    assert watch.recv_multipart() == [b"out", b"client", b"worker", b"world"]
    for s in (client, worker, watch):
        s.close()
    ctx.term()
    t.join(5)
    assert not t.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], zmq.ContextTerminated)


@pytest.mark.timeout(20)
def test_monitored_queue_argument_checks(ctx):
    a, b, c = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR), ctx.socket(zmq.PUB)
    with pytest.raises(TypeError):
        zmq.devices.monitored_queue(a, b, None)
    with pytest.raises(TypeError):
        zmq.devices.monitored_queue(a, b, c, in_prefix=5)
    c.close()
    with pytest.raises(zmq.ZMQError) as info:
        zmq.devices.monitored_queue(a, b, c)
    assert info.value.errno == zmq.ENOTSOCK


@pytest.mark.timeout(30)
def test_process_monitored_queue_many_messages():
    dev = ProcessMonitoredQueue(zmq.PULL, zmq.PUSH, zmq.PUSH, b"in", b"out")
    ain, aout = wired(dev)
    pmon = dev.bind_mon_to_random_port(LOCAL)
    dev.start()
    try:
        with zmq.Context() as ctx:
            mon = sock(ctx, zmq.PULL, f"{LOCAL}:{pmon}")
            push, pull = sock(ctx, zmq.PUSH, ain), sock(ctx, zmq.PULL, aout)
            big = os.urandom(100_000)  # shared by reference between the two sends
            msgs = [[b"%d" % i, big if i % 100 == 0 else b"small"] for i in range(1000)]
            for m in msgs:
                push.send_multipart(m)
            assert [pull.recv_multipart() for _ in msgs] == msgs
            assert [mon.recv_multipart() for _ in msgs] == [[b"in"] + m for m in msgs]
            for s in (mon, push, pull):
                s.close()
    finally:
        dev.launcher.terminate()
        dev.join(10)


# -- monkey patching: ThreadDevice stays a real OS thread ----------------------------------

_PATCHED_SCRIPT = """
import sys, time
HUB = sys.argv[1]
if HUB == "gevent":
    from gevent import monkey; monkey.patch_all()
    import gevent
    spawn, sleep = gevent.spawn, gevent.sleep
else:
    import eventlet; eventlet.monkey_patch()
    spawn, sleep = eventlet.spawn, eventlet.sleep
import greenzmq as zmq
from greenzmq.devices import ThreadDevice

ctx = zmq.Context()
dev = ThreadDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER)
dev.context_factory = lambda: ctx
pin = dev.bind_in_to_random_port("tcp://127.0.0.1")
pout = dev.bind_out_to_random_port("tcp://127.0.0.1")
dev.start()
ticks = [0]
def ticker():
    while True:
        ticks[0] += 1
        sleep(0.005)
spawn(ticker)
sleep(0)
req = ctx.socket(zmq.REQ); req.rcvtimeo = 5000; req.connect("tcp://127.0.0.1:%d" % pin)
rep = ctx.socket(zmq.REP); rep.rcvtimeo = 5000; rep.connect("tcp://127.0.0.1:%d" % pout)
# plain (non-green) sockets block this whole hub in C: only a real OS thread can forward
req.send(b"ping")
assert rep.recv() == b"ping"
rep.send(b"pong")
assert req.recv() == b"pong"
before = ticks[0]
dev.join(0.3)  # the device runs on; joining parks this greenlet, the ticker goes on
assert not dev.done
assert ticks[0] - before >= 10, (before, ticks[0])
req.close(); rep.close()
ctx.term()
dev.join(5)
assert dev.done
print("OK")
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize("hub", ["gevent", "eventlet"])
def test_thread_device_is_a_real_thread_after_monkey_patching(hub):
    import importlib.util

    if importlib.util.find_spec(hub) is None:  # not imported here: eventlet warns on fork
        pytest.skip(f"{hub} is not installed")
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_PATCHED_SCRIPT), hub],
        capture_output=True, text=True, timeout=50,
    )
    assert out.returncode == 0 and "OK" in out.stdout, out.stdout + out.stderr


# -- errors after setup, shutdown paths ----------------------------------------------------


class FailingDevice(ThreadDevice):
    """Sets up fine, then fails the way a device loop can (an error other than ETERM)."""

    def run_device(self):
        self._setup_sockets()
        self._notify_setup_done()
        raise zmq.ZMQError(zmq.EFSM)


@pytest.mark.timeout(20)
def test_join_reraises_the_error_that_stopped_the_device(ctx):
    dev = use_ctx(FailingDevice(zmq.QUEUE, zmq.ROUTER, zmq.DEALER), ctx)
    dev.bind_in("inproc://fail-in")
    dev.bind_out("inproc://fail-out")
    dev.start()  # setup worked
    with pytest.raises(zmq.ZMQError) as info:
        dev.join(5)
    assert info.value.errno == zmq.EFSM
    dev.join(5)  # reported once
    assert dev.done and ctx._socket_count() == 0


@pytest.mark.timeout(20)
def test_random_port_on_all_interfaces(ctx):
    dev = use_ctx(ThreadDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH), ctx)
    port = dev.bind_in_to_random_port("tcp://*")
    dev.bind_out("inproc://star-out")
    dev.start()
    push, pull = sock(ctx, zmq.PUSH, f"{LOCAL}:{port}"), sock(ctx, zmq.PULL, "inproc://star-out")
    push.send(b"star")
    assert pull.recv() == b"star"


@pytest.mark.timeout(20)
def test_destroy_stops_a_running_monitored_queue(ctx):
    ins, outs, mon = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH), ctx.socket(zmq.PUB)
    ins.bind("inproc://d-in")
    outs.bind("inproc://d-out")
    mon.bind("inproc://d-mon")
    errors = []
    started = threading.Event()

    def run():
        started.set()
        try:
            zmq.devices.monitored_queue(ins, outs, mon)
        except zmq.ZMQError as e:
            errors.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    started.wait(5)
    push, pull = sock(ctx, zmq.PUSH, "inproc://d-in"), sock(ctx, zmq.PULL, "inproc://d-out")
    push.send(b"before destroy")
    assert pull.recv() == b"before destroy"
    ctx.destroy(linger=0)  # wakes the loop with ETERM; its sockets close as it returns
    t.join(5)
    assert not t.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], zmq.ContextTerminated)
    assert ins.closed and outs.closed and mon.closed


_SIGINT_SCRIPT = """
import os, signal, threading, time
import greenzmq as zmq
ctx = zmq.Context()
a, b, m = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR), ctx.socket(zmq.PUB)
a.bind("inproc://a"); b.bind("inproc://b"); m.bind("inproc://m")
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    zmq.devices.monitored_queue(a, b, m)
except KeyboardInterrupt:
    print("interrupted")
for s in (a, b, m):
    s.close()
ctx.term()
"""


@pytest.mark.timeout(30)
def test_ctrl_c_interrupts_monitored_queue():
    out = subprocess.run([sys.executable, "-c", _SIGINT_SCRIPT], capture_output=True,
                         text=True, timeout=20)
    assert out.returncode == 0 and "interrupted" in out.stdout, out.stdout + out.stderr


@pytest.mark.timeout(60)
def test_monitored_queue_relays_any_message(ctx):
    from hypothesis import given, settings, strategies as st

    ins, outs, mon = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR), ctx.socket(zmq.PUSH)
    ins.bind("inproc://h-in")
    outs.bind("inproc://h-out")
    mon.bind("inproc://h-mon")
    left, right = sock(ctx, zmq.PAIR, "inproc://h-in"), sock(ctx, zmq.PAIR, "inproc://h-out")
    watch = sock(ctx, zmq.PULL, "inproc://h-mon")
    ended = []

    def run():
        try:
            zmq.devices.monitored_queue(ins, outs, mon, b"L", b"R")
        except zmq.ContextTerminated:
            ended.append(True)
        finally:
            for s in (ins, outs, mon):
                s.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    frame = st.one_of(st.binary(max_size=64), st.binary(min_size=1000, max_size=70_000))

    @settings(max_examples=150, deadline=None)
    @given(st.lists(frame, min_size=1, max_size=5), st.booleans())
    def check(frames, backwards):
        src, dst, prefix = (right, left, b"R") if backwards else (left, right, b"L")
        src.send_multipart(frames)
        assert dst.recv_multipart() == frames
        assert watch.recv_multipart() == [prefix] + frames

    check()
    for s in (left, right, watch):
        s.close()
    ctx.term()
    t.join(5)
    assert not t.is_alive() and ended == [True]


class InstanceProcessDevice(ProcessDevice):
    context_factory = zmq.Context.instance


@pytest.mark.timeout(30)
def test_process_device_child_gets_a_new_context_instance():
    parent_instance = zmq.Context.instance()  # exists before the fork
    keep = parent_instance.socket(zmq.PAIR)  # and has a live socket
    dev = InstanceProcessDevice(zmq.STREAMER, zmq.PULL, zmq.PUSH)
    ain, aout = wired(dev)
    dev.start()
    try:
        with zmq.Context() as ctx:
            push, pull = sock(ctx, zmq.PUSH, ain), sock(ctx, zmq.PULL, aout)
            push.send(b"child made its own instance")
            assert pull.recv() == b"child made its own instance"
            push.close()
            pull.close()
    finally:
        dev.launcher.terminate()
        dev.join(10)
        keep.close()
    assert zmq.Context.instance() is parent_instance
