"""pyzmq API conformance: names and behaviours pyzmq programs rely on.

Each test asserts behaviour (what is sent, raised, returned), not only that a name exists.
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import warnings

import pytest

import greenzmq as zmq
from greenzmq.decorators import context, socket


# --- decorators ----------------------------------------------------------------------------

@pytest.mark.timeout(10)
def test_context_decorator_gives_a_fresh_context_terminated_after():
    seen = []

    @context()
    def work(ctx):
        seen.append(ctx)
        return ctx.closed

    assert work() is False
    assert isinstance(seen[0], zmq.Context) and seen[0].closed


@pytest.mark.timeout(10)
def test_context_decorator_name_and_arguments():
    @context("c", io_threads=2)
    def work(c):
        return c.get(zmq.IO_THREADS)

    assert work() == 2
    with pytest.raises(TypeError):
        work(c="mine")  # the decorator provides it


@pytest.mark.timeout(10)
def test_socket_decorators_send_and_close():
    @context()
    @socket("push", zmq.PUSH)
    @socket("pull", zmq.PULL)
    def work(ctx, push, pull):
        assert push.context is ctx and pull.context is ctx  # the call's context is used
        pull.bind("inproc://deco")
        push.connect("inproc://deco")
        push.send(b"through decorators")
        return pull.recv(), push, pull

    msg, push, pull = work()
    assert msg == b"through decorators" and push.closed and pull.closed


@pytest.mark.timeout(10)
def test_socket_decorator_finds_context_by_keyword_or_default(ctx):
    @socket(zmq.PUB, context_name="c")
    def with_kw(pub, c=None):
        return pub.context

    @socket(zmq.PUB)
    def default(pub):
        return pub.context

    assert with_kw(c=ctx) is ctx
    assert default() is zmq.Context.instance()


# --- module-level names ----------------------------------------------------------------------

def test_all_names_resolve_and_green_modules_share_constants():
    gz = pytest.importorskip("greenzmq.green_gevent")
    assert "Context" in zmq.__all__ and "RCVTIMEO" in zmq.__all__
    for name in zmq.__all__:
        assert hasattr(zmq, name), name
        assert hasattr(gz, name), name
    assert gz.RCVTIMEO is zmq.RCVTIMEO and gz.Context is not zmq.Context


def test_sync_aliases_are_the_classes(ctx):
    assert zmq.SyncContext is zmq.Context and zmq.SyncSocket is zmq.Socket
    assert isinstance(ctx.socket(zmq.PAIR), zmq.SyncSocket)


def test_includes_hold_the_cython_declarations():
    inc = zmq.get_includes()
    assert os.path.basename(inc[1]) == "utils"
    assert any(os.path.exists(os.path.join(d, "_zmq.pxd")) for d in inc)
    assert any(os.path.exists(os.path.join(d, "greenzmq", "__init__.py")) for d in inc)
    assert os.path.isdir(zmq.get_library_dirs()[0])


def test_version_names():
    from greenzmq.core import version

    assert zmq.__version__ == zmq.pyzmq_version() == version.__version__
    assert zmq.pyzmq_version_info() == tuple(int(x) for x in zmq.__version__.split("."))
    assert zmq.__revision__ == "" and version.VERSION_EXTRA == ""
    assert zmq.greenzmq_version() != zmq.__version__


def test_jsonmod_is_what_jsonapi_uses():
    from greenzmq.utils import jsonapi

    assert jsonapi.jsonmod is json
    assert jsonapi.loads(jsonapi.dumps({"a": 1})) == {"a": 1}


def test_cancelled_error_is_what_a_cancelled_future_raises():
    import asyncio

    from greenzmq.eventloop.future import CancelledError

    async def main():
        t = asyncio.ensure_future(asyncio.sleep(10))
        await asyncio.sleep(0)
        t.cancel()
        try:
            await t
        except CancelledError:
            return "caught"

    assert asyncio.run(main()) == "caught"


@pytest.mark.timeout(10)
def test_finished_tracker_is_done():
    assert zmq._FINISHED_TRACKER.done
    zmq._FINISHED_TRACKER.wait(0)  # returns at once, no NotDone


def test_garbage_face_has_no_refs():
    from greenzmq.utils.garbage import gc

    f = zmq.Frame(b"x" * 100_000, copy=False)
    assert gc.refs == {} and not gc.is_alive
    del f


# --- constants --------------------------------------------------------------------------------

def test_newer_constants_and_option_types():
    assert zmq.HWM == 1 and zmq.BUSY_POLL == 113 and zmq.HICCUP_MSG == 114
    assert zmq.NORM_CC is zmq.NormMode.CC
    assert zmq.EVENT_ALL_V2 == zmq.EVENT_ALL | zmq.EVENT_PIPES_STATS
    assert zmq.IDENTITY._opt_type is zmq.constants._OptType.bytes
    assert zmq.AFFINITY._opt_type is zmq.constants._OptType.int64
    assert zmq.LINGER._opt_type is zmq.constants._OptType.int
    assert "ALL_V1" in repr(zmq.Event.ALL)


def test_option_libzmq_lacks_raises_einval(ctx):
    s = ctx.socket(zmq.PUSH)
    if zmq.zmq_version_info() >= (4, 3, 5):
        pytest.skip("libzmq may know BUSY_POLL")
    with pytest.raises(zmq.ZMQError) as info:
        s.busy_poll = 1
    assert info.value.errno == zmq.EINVAL


# --- sockets ---------------------------------------------------------------------------------

def test_hwm_sets_both_directions(ctx):
    s = ctx.socket(zmq.DEALER)
    s.hwm = 11
    assert (s.sndhwm, s.rcvhwm, s.hwm) == (11, 11, 11)


def test_options_as_attributes(ctx, pair):
    a, _ = pair()
    assert a.MECHANISM == zmq.NULL
    a.Linger = 0  # any spelling sets
    assert a.linger == 0 and a.LINGER == 0  # lower- and upper-case read
    with pytest.raises(AttributeError):
        a.Linger  # no __getattr__ fallback: it would slow every a.send(...) (see _attrs)
    assert {"IDENTITY", "AFFINITY", "FD", "send"} <= set(dir(a))
    assert {"IO_THREADS", "LINGER", "socket"} <= set(dir(ctx))
    assert ctx.IO_THREADS == 1


def test_unknown_attribute_is_refused(ctx):
    s = ctx.socket(zmq.DEALER)
    with pytest.raises(AttributeError):
        s.lingr = 0  # a misspelt option must not pass silently
    with pytest.raises(AttributeError):
        s.apple
    with pytest.raises(AttributeError):
        ctx.apple = 1

    class Mine(zmq.Socket):
        tag: str  # declared attributes are fine

    m = ctx.socket(zmq.DEALER, socket_class=Mine)
    m.tag = "x"
    m._private = 1
    assert (m.tag, m._private) == ("x", 1)


def test_repr_forms(ctx):
    assert "greenzmq.Context()" in repr(ctx)
    s = ctx.socket(zmq.PUSH)
    assert "greenzmq.Socket(zmq.PUSH)" in repr(s) and "closed" not in repr(s)
    assert "greenzmq.Context(1 socket)" in repr(ctx)
    s.close()
    assert "closed" in repr(s)


@pytest.mark.timeout(10)
def test_copy_is_a_working_shadow(ctx, pair):
    a, b = pair()
    for c in (copy.copy(a), copy.deepcopy(a)):
        assert c._shadow and c.underlying == a.underlying and c._shadow_obj is a
        c.send(b"via copy")
        assert b.recv() == b"via copy"
        c.close()  # a shadow's close leaves the socket open
        assert not a.closed
    c = copy.copy(ctx)
    assert c._shadow and c.underlying == ctx.underlying
    c.socket(zmq.PUB).close()


@pytest.mark.timeout(10)
def test_shadow_takes_objects_and_addresses(ctx, pair):
    a, b = pair()
    s2 = zmq.Socket(a)
    assert s2._shadow_obj is a and s2.context is a.context
    s3 = zmq.Socket.shadow(a.underlying)
    s3.send(b"by address")
    assert b.recv() == b"by address"
    c2 = zmq.Context(ctx)
    assert c2.underlying == ctx.underlying
    c2.term()  # not ours: the shadowed context lives on
    assert not ctx.closed


def _pyzmq_shares_our_libzmq() -> bool:
    from greenzmq.core.socket import _libzmq_files

    return len(_libzmq_files()) == 1


@pytest.mark.timeout(20)
def test_shadow_of_a_c_extensions_context():
    # a C library using the same libzmq (here through ctypes) shares its context with us
    import ctypes
    import ctypes.util

    from greenzmq.core.socket import _libzmq_files

    files = _libzmq_files()
    path = next(iter(files)) if len(files) == 1 else ctypes.util.find_library("zmq")
    lib = ctypes.CDLL(path)
    lib.zmq_ctx_new.restype = ctypes.c_void_p
    lib.zmq_ctx_term.argtypes = [ctypes.c_void_p]
    cptr = lib.zmq_ctx_new()
    try:
        c = zmq.Context.shadow(cptr)
        a, b = c.socket(zmq.PAIR), c.socket(zmq.PAIR)
        a.bind("inproc://c-ext")
        b.connect("inproc://c-ext")
        a.send(b"shared")
        assert b.recv() == b"shared"
        a.close()
        b.close()
        c.term()  # a shadow: leaves the C library's context alone
    finally:
        assert lib.zmq_ctx_term(cptr) == 0  # the owner terms it, once


@pytest.mark.timeout(20)
def test_shadow_both_ways_with_pyzmq():
    pyzmq = pytest.importorskip("zmq")
    pctx = pyzmq.Context()
    try:
        if not _pyzmq_shares_our_libzmq():
            # pyzmq's wheel bundles its own libzmq: sharing would abort in libzmq
            with pytest.raises(zmq.ZMQError, match="different copies of libzmq"):
                zmq.Context.shadow(pctx)
            return
        gctx = zmq.Context.shadow(pctx)  # greenzmq on pyzmq's libzmq context
        g = gctx.socket(zmq.PAIR)
        g.bind("inproc://mixed")
        p = pctx.socket(pyzmq.PAIR)
        p.connect("inproc://mixed")  # inproc works: one libzmq context
        p.send(b"from pyzmq")
        assert g.recv() == b"from pyzmq"
        ps = pyzmq.Socket.shadow(g.underlying)  # pyzmq on greenzmq's socket
        ps.send(b"from shadow")
        assert p.recv() == b"from shadow"
        gs = zmq.Socket.shadow(p)  # greenzmq on pyzmq's socket
        gs.send(b"back")
        assert g.recv() == b"back"
        gs.close()
        ps.close()  # shadows close nothing: no double close
        g.close()
        p.close()
        gctx.term()
    finally:
        pctx.term()


def test_socket_on_terminated_shadowed_context_is_efault():
    c = zmq.Context()
    shadow = zmq.Context.shadow(c)
    c.term()
    with pytest.raises(zmq.ZMQError) as info:
        shadow.socket(zmq.PUB)
    assert info.value.errno == zmq.EFAULT


def test_ipc_path_too_long_names_the_limit(ctx):
    s = ctx.socket(zmq.PUB)
    with pytest.raises(zmq.ZMQError) as info:
        s.bind("ipc://" + "a" * (zmq.IPC_PATH_MAX_LEN + 1))
    assert str(zmq.IPC_PATH_MAX_LEN) in info.value.strerror


@pytest.mark.timeout(10)
def test_frame_indexing_reads_metadata(ctx):
    a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    b.connect(f"tcp://127.0.0.1:{a.bind_to_random_port('tcp://127.0.0.1')}")
    b.send(b"x")  # metadata travels over tcp (not inproc)
    f = a.recv(copy=False)
    assert f["Socket-Type"] == "PAIR" == f.get("Socket-Type")
    with pytest.raises(zmq.ZMQError):
        f["No-Such-Property"]


@pytest.mark.timeout(10)
def test_poller_gives_fds_for_objects_with_fileno(push_pull):
    import socket as pysocket

    a, b = push_pull
    r, w = pysocket.socketpair()
    try:
        p = zmq.Poller()
        p.register(r, zmq.POLLIN)
        p.register(b, zmq.POLLIN)
        w.send(b"!")
        a.send(b"x")
        ready = {}
        for _ in range(50):
            ready.update(p.poll(100))
            if len(ready) == 2:
                break
        assert ready == {r.fileno(): zmq.POLLIN, b: zmq.POLLIN}
        assert r in p  # registered under the object itself
        p.unregister(r)
    finally:
        r.close()
        w.close()


# --- contexts --------------------------------------------------------------------------------

def test_negative_io_threads_is_einval():
    with pytest.raises(zmq.ZMQError) as info:
        zmq.Context(io_threads=-1)
    assert info.value.errno == zmq.EINVAL


def test_instance_is_shared_by_subclasses_unless_declared():
    base = zmq.Context.instance()

    class Inherit(zmq.Context):
        pass

    class Own(zmq.Context):
        _instance = None

    assert Inherit.instance() is base
    own = Own.instance()
    assert type(own) is Own and Own.instance() is own
    own.term()


@pytest.mark.timeout(10)
def test_with_block_closes_open_sockets_with_a_warning():
    with pytest.warns(ResourceWarning, match="unclosed socket"):
        with zmq.Context() as c:
            s = c.socket(zmq.PUSH)  # left open: term() alone would wait for it forever
    assert s.closed and c.closed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with zmq.Context() as c:
            c.socket(zmq.PUSH).close()  # nothing left open: no warning


# --- devices, log, keygen --------------------------------------------------------------------

@pytest.mark.timeout(20)
def test_thread_device_accepts_any_device_type():
    from greenzmq.devices import ThreadDevice

    dev = ThreadDevice(zmq.PULL, zmq.PULL, zmq.PUSH)  # pyzmq's tests write it so
    port_in = dev.bind_in_to_random_port("tcp://127.0.0.1")
    port_out = dev.bind_out_to_random_port("tcp://127.0.0.1")
    dev.start()
    ctx = zmq.Context()
    push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
    push.connect(f"tcp://127.0.0.1:{port_in}")
    pull.connect(f"tcp://127.0.0.1:{port_out}")
    pull.rcvtimeo = 5000
    push.send(b"forwarded")
    assert pull.recv() == b"forwarded"
    ctx.destroy(linger=0)
    with pytest.raises(TypeError):
        ThreadDevice("QUEUE", zmq.PULL, zmq.PUSH)


@pytest.mark.timeout(10)
def test_pubhandler_root_topic_bytes_and_own_context():
    import logging

    from greenzmq.log.handlers import PUBHandler

    h = PUBHandler("inproc://log-own", root_topic=b"app")
    assert h.root_topic == "app"
    assert h.ctx is not zmq.Context.instance()
    sub = h.ctx.socket(zmq.SUB)
    sub.subscribe(b"")
    sub.connect("inproc://log-own")
    log = logging.getLogger("compat.pubhandler")
    log.propagate = False
    log.addHandler(h)
    log.setLevel(logging.INFO)
    sub.rcvtimeo = 5000
    for _ in range(100):  # until the subscription is through (PUB drops before that)
        log.info("hi")
        try:
            topic, body = sub.recv_multipart(zmq.NOBLOCK)
            break
        except zmq.Again:
            zmq.select([sub], [], [], 0.05)
    assert topic == b"app.INFO" and body == b"hi\n"
    log.removeHandler(h)
    sub.close(linger=0)
    h.close()
    h.ctx.destroy(linger=0)


@pytest.mark.timeout(30)
def test_curve_keygen_json_and_secret():
    if not zmq.has("curve"):
        pytest.skip("needs CURVE")
    cmd = [sys.executable, "-m", "greenzmq.curve_keygen"]
    out = json.loads(subprocess.run(cmd + ["--json"], capture_output=True, text=True,
                                    check=True).stdout)
    assert zmq.curve_public(out["secret"].encode()) == out["public"].encode()
    # "--secret=KEY": a Z85 key may start with "-", which argparse would take for an option
    again = json.loads(subprocess.run(cmd + [f"--secret={out['secret']}", "--json"],
                                      capture_output=True, text=True, check=True).stdout)
    assert again == out
    bad = subprocess.run(cmd + ["--secret", "short"], capture_output=True, text=True)
    assert bad.returncode == 1 and "40 characters" in bad.stderr
    assert "--json" in subprocess.run(cmd + ["-h"], capture_output=True, text=True).stdout


# --- ssh ---------------------------------------------------------------------------------------

def test_select_random_ports_are_distinct():
    from greenzmq.ssh.tunnel import select_random_ports

    for _ in range(50):
        ports = select_random_ports(10)
        assert len(set(ports)) == 10 and all(0 < p < 65536 for p in ports)


@pytest.mark.timeout(30)
def test_tunnel_connection_reaches_the_remote_through_ssh(ctx, tmp_path, monkeypatch):
    from greenzmq.ssh import tunnel

    log = tmp_path / "ssh.log"
    monkeypatch.setenv("GREENZMQ_SSH", os.path.join(os.path.dirname(__file__), "scripts",
                                                     "fake_ssh.py"))
    monkeypatch.setenv("FAKE_SSH_LOG", str(log))
    rep = ctx.socket(zmq.REP)
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    req = ctx.socket(zmq.REQ)
    req.rcvtimeo = 5000
    pid = tunnel.tunnel_connection(req, f"tcp://127.0.0.1:{port}", "me@gateway:2222",
                                   keyfile="/k", timeout=20)
    req.send(b"ping")
    assert rep.recv() == b"ping"
    rep.send(b"pong")
    assert req.recv() == b"pong"
    argv = log.read_text().split()
    assert argv[argv.index("-i") + 1] == "/k" and argv[argv.index("-p") + 1] == "2222"
    assert f"127.0.0.1:{port}" in argv[argv.index("-L") + 1] and "me@gateway" in argv
    os.kill(pid, 15)
    assert tunnel.try_passwordless_ssh("me@gateway") is True  # fake ssh: `exit` succeeds
    with pytest.raises(ValueError):
        tunnel.open_tunnel("ipc:///tmp/x", "gateway")


@pytest.mark.timeout(10)
def test_subscribe_attribute_sets_the_option(pair):
    pub, sub = pair(zmq.PUB, zmq.SUB)
    sub.subscribe = "c"  # an option set, though subscribe() is a method too (as pyzmq)
    sub.rcvtimeo = 100
    assert callable(sub.subscribe)
    for _ in range(50):
        pub.send(b"canary")
        pub.send(b"other")
        try:
            assert sub.recv() == b"canary"
            break
        except zmq.Again:
            continue
    else:
        pytest.fail("the subscription set by attribute never took effect")


def test_mock_spec_probes_every_attribute(ctx):
    from unittest import mock

    s = ctx.socket(zmq.SUB)
    m = mock.Mock(spec=s)  # reads every name of dir(s): unreadable options are AttributeError
    m.send(b"x")
    mock.Mock(spec=ctx)
    assert "connect='inproc://m'" in repr(s.connect("inproc://m"))


@pytest.mark.timeout(10)
def test_closing_the_original_closes_its_shadows(pair):
    a, _ = pair()
    s = zmq.Socket.shadow(a)
    a.close()
    assert s.closed  # never a dangling address
    with pytest.raises(zmq.ZMQError) as info:
        s.send(b"x")
    assert info.value.errno == zmq.ENOTSOCK


@pytest.mark.timeout(10)
def test_get_monitor_socket_twice_is_the_same_socket(ctx):
    from greenzmq.utils.monitor import recv_monitor_message

    s = ctx.socket(zmq.PULL)
    m = s.get_monitor_socket()
    assert s.get_monitor_socket() is m
    s.disable_monitor()
    m.rcvtimeo = 5000
    assert recv_monitor_message(m)["event"] == zmq.EVENT_MONITOR_STOPPED
    m.close()


def test_pyzmq_module_names_as_attributes():
    assert zmq.backend is zmq.core and zmq.sugar is zmq.core
    gz = pytest.importorskip("greenzmq.green_gevent")
    assert zmq.green is gz
    ctx = gz.Context()
    s = ctx.socket(zmq.PUSH)
    assert "greenzmq.green.Socket(zmq.PUSH)" in repr(s)  # zmq.green's name, as pyzmq
    s.close()
    ctx.term()


def test_event_has_pyzmqs_members():
    assert repr(zmq.Event(zmq.PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND)) == \
        "<Event.PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND: 268435457>"
    assert zmq.PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND is \
        zmq.ProtocolError.ZMTP_UNEXPECTED_COMMAND  # the flat name keeps its enum
    assert not hasattr(zmq, "EVENT_PROTOCOL_ERROR_WS_UNSPECIFIED")


@pytest.mark.timeout(20)
def test_instance_replaces_a_terminating_context():
    import threading

    c = zmq.Context()

    class Own(zmq.Context):
        _instance = None

    inst = Own.instance()
    s = inst.socket(zmq.PUSH)
    t = threading.Thread(target=inst.term)  # waits for s: the context is terminating
    t.start()
    for _ in range(200):
        if inst._terminating:
            break
        threading.Event().wait(0.01)
    assert inst._terminating
    fresh = Own.instance()
    assert fresh is not inst and not fresh.closed
    s.close()
    t.join(10)
    fresh.term()
    c.term()


@pytest.mark.timeout(20)
def test_recv_monitor_message_on_an_asyncio_socket_is_awaitable():
    import asyncio

    za = pytest.importorskip("greenzmq.asyncio")
    from greenzmq.utils.monitor import recv_monitor_message

    async def main():
        ctx = za.Context()
        s = ctx.socket(zmq.PULL)
        m = s.get_monitor_socket()
        s.bind("tcp://127.0.0.1:*")
        ev = await asyncio.wait_for(recv_monitor_message(m), 5)
        m.close()
        s.close()
        ctx.term()
        return ev["event"]

    assert asyncio.run(main()) == zmq.EVENT_LISTENING


def test_ioloop_authenticator_io_loop_argument_is_deprecated(ctx):
    pytest.importorskip("tornado")
    from tornado.ioloop import IOLoop

    from greenzmq.auth.ioloop import IOLoopAuthenticator

    loop = IOLoop(make_current=False)
    with pytest.warns(DeprecationWarning):
        IOLoopAuthenticator(ctx, io_loop=loop)
    loop.close()


def test_unknown_option_number_is_an_int_option(ctx):
    s = ctx.socket(zmq.PUB)
    with pytest.raises(TypeError):
        s.setsockopt(9999, b"5")  # as pyzmq: unknown options take ints
    for call in (lambda: s.setsockopt(9999, 5), lambda: s.getsockopt(9999),
                 lambda: s.setsockopt(-2**31, True)):
        with pytest.raises(zmq.ZMQError) as info:
            call()
        assert info.value.errno == zmq.EINVAL


@pytest.mark.timeout(20)
def test_thread_device_on_one_socket_echoes():
    from greenzmq.devices import ThreadDevice

    dev = ThreadDevice(zmq.QUEUE, zmq.REP, -1)  # out_type < 0: one socket, libzmq echoes
    port = dev.bind_in_to_random_port("tcp://127.0.0.1")
    dev.start()
    ctx = zmq.Context()
    req = ctx.socket(zmq.REQ)
    req.rcvtimeo = 5000
    req.connect(f"tcp://127.0.0.1:{port}")
    for i in range(3):
        req.send(b"hello %d" % i)
        assert req.recv() == b"hello %d" % i
    ctx.destroy(linger=0)
