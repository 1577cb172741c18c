"""ZAP served by a greenlet (GeventAuthenticator / EventletAuthenticator), and the
thread authenticator after monkey patching.

Each scenario runs with a ticker greenlet: the hub must keep ticking while
handshakes are authenticated, and no OS thread may be started for ZAP.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

import greenzmq
from greenzmq.utils.monitor import recv_monitor_message

HANDSHAKE_EVENTS = (greenzmq.EVENT_HANDSHAKE_SUCCEEDED | greenzmq.EVENT_HANDSHAKE_FAILED_AUTH
                    | greenzmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
                    | greenzmq.EVENT_HANDSHAKE_FAILED_PROTOCOL)


def _authenticator_class(hub):
    if hub.name == "gevent":
        from greenzmq.auth.gevent import GeventAuthenticator

        return GeventAuthenticator
    from greenzmq.auth.eventlet import EventletAuthenticator

    return EventletAuthenticator


class GreenLink:
    """Green PULL server and PUSH client; the client's handshakes monitored."""

    def __init__(self, ctx, zmq, server_opts, client_opts, ticker) -> None:
        self.zmq = zmq
        self.ticker = ticker
        self.server = ctx.socket(zmq.PULL)
        self.client = ctx.socket(zmq.PUSH)
        for s in (self.server, self.client):
            s.linger = 0
        self.client.reconnect_ivl = 20
        for opt, val in server_opts.items():
            self.server.setsockopt(opt, val)
        for opt, val in client_opts.items():
            self.client.setsockopt(opt, val)
        port = self.server.bind_to_random_port("tcp://127.0.0.1")
        self.monitor = self.client.get_monitor_socket(HANDSHAKE_EVENTS)
        self.client.connect(f"tcp://127.0.0.1:{port}")

    def assert_quiet(self, ms: int) -> None:
        """Nothing arrives within ``ms``, and the hub ran meanwhile: a poll that blocked
        the hub would let the ticker tick 0 times, a green one lets it tick."""
        before = self.ticker.count
        assert self.server.poll(ms) == 0
        assert self.ticker.count > before, "the hub did not run during a green poll"

    def handshake(self) -> dict:
        assert self.monitor.poll(5000), "no handshake result within 5 s"
        return recv_monitor_message(self.monitor)

    def assert_accepted(self) -> None:
        assert self.handshake()["event"] == greenzmq.EVENT_HANDSHAKE_SUCCEEDED
        self.client.send(b"hello")
        assert self.server.poll(5000)
        assert self.server.recv() == b"hello"
        self.assert_quiet(100)  # nothing else is on the way

    def assert_refused(self) -> None:
        ev = self.handshake()
        assert ev["event"] == greenzmq.EVENT_HANDSHAKE_FAILED_AUTH, ev
        assert ev["value"] == 400
        try:
            self.client.send(b"must not arrive", self.zmq.NOBLOCK)
        except self.zmq.Again:
            pass
        self.assert_quiet(250)
        with pytest.raises(self.zmq.Again):
            self.server.recv(self.zmq.NOBLOCK)

    def close(self) -> None:
        self.client.disable_monitor()
        for s in (self.monitor, self.client, self.server):
            s.close(linger=0)


def _plain(user: bytes, password: bytes, zmq):
    return ({zmq.PLAIN_SERVER: 1, zmq.ZAP_DOMAIN: b"global"},
            {zmq.PLAIN_USERNAME: user, zmq.PLAIN_PASSWORD: password})


def _curve(server, client, zmq):
    return ({zmq.CURVE_SERVER: 1, zmq.CURVE_SECRETKEY: server[1]},
            {zmq.CURVE_SERVERKEY: server[0], zmq.CURVE_PUBLICKEY: client[0],
             zmq.CURVE_SECRETKEY: client[1]})


def _scenario(hub, tmp_path, configure, links, auth_class=None) -> None:
    """Start a green authenticator, configure it, check each (opts, expect) link."""
    zmq = hub.zmq
    ctx = hub.context()
    threads_before = threading.active_count()
    auth = (auth_class or _authenticator_class(hub))(ctx)
    auth.start()
    try:
        assert auth.is_alive()
        if auth_class is None:
            assert threading.active_count() == threads_before, \
                "a green authenticator started an OS thread"
        configure(auth)
        with hub.ticking() as ticker:
            for (server_opts, client_opts), expect in links:
                lk = GreenLink(ctx, zmq, server_opts, client_opts, ticker)
                try:
                    if expect:
                        lk.assert_accepted()
                    else:
                        lk.assert_refused()
                finally:
                    lk.close()
            # the hub ran during every green poll (assert_quiet) and never stalled long
            assert ticker.max_gap < 0.5
    finally:
        auth.stop()
    assert not auth.is_alive()


@pytest.mark.timeout(20)
def test_green_plain(hub, tmp_path) -> None:
    zmq = hub.zmq
    _scenario(hub, tmp_path, lambda a: a.configure_plain("*", {"admin": "s3cret"}),
              [(_plain(b"admin", b"s3cret", zmq), True), (_plain(b"admin", b"wrong", zmq), False)])


@pytest.mark.timeout(20)
def test_thread_authenticator_on_green_context(hub, tmp_path) -> None:
    # the thread serves ZAP with plain sockets on the green context; the
    # greenlets keep running while they wait for it
    from greenzmq.auth.thread import ThreadAuthenticator

    zmq = hub.zmq
    _scenario(hub, tmp_path, lambda a: a.configure_plain("*", {"admin": "s3cret"}),
              [(_plain(b"admin", b"s3cret", zmq), True), (_plain(b"admin", b"wrong", zmq), False)],
              auth_class=ThreadAuthenticator)


@pytest.mark.timeout(20)
def test_green_ip_deny(hub, tmp_path) -> None:
    zmq = hub.zmq
    null = ({zmq.ZAP_DOMAIN: b"global"}, {})
    _scenario(hub, tmp_path, lambda a: a.deny("127.0.0.1"),
              [(null, False), (_plain(b"u", b"p", zmq), False)])


@pytest.mark.timeout(20)
def test_green_null_zap_domain(hub, tmp_path) -> None:
    zmq = hub.zmq
    _scenario(hub, tmp_path, lambda a: a.allow("127.0.0.1"),
              [(({zmq.ZAP_DOMAIN: b"global"}, {}), True)])


@pytest.mark.timeout(20)
def test_green_curve(hub, tmp_path) -> None:
    if not greenzmq.has("curve"):
        pytest.skip("libzmq without CURVE")
    from greenzmq.auth import create_certificates, load_certificate

    zmq = hub.zmq
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    pub_file, sec_file = create_certificates(tmp_path, "client")
    os.replace(pub_file, allowed / "client.key")
    client = load_certificate(sec_file)
    server = greenzmq.curve_keypair()
    stranger = greenzmq.curve_keypair()
    _scenario(hub, tmp_path, lambda a: a.configure_curve("*", str(allowed)),
              [(_curve(server, client, zmq), True), (_curve(server, stranger, zmq), False)])


@pytest.mark.timeout(20)
def test_green_authenticator_stop_and_restart(hub) -> None:
    ctx = hub.context()
    cls = _authenticator_class(hub)
    a = cls(ctx)
    a.start()
    with pytest.raises(RuntimeError):
        a.start()
    b = cls(ctx)
    with pytest.raises(greenzmq.ZMQError):
        b.start()  # one ZAP handler per context
    a.stop()
    a.stop()
    with cls(ctx) as c:
        assert c.is_alive()
    assert not c.is_alive()


# ------------------------------------------------ ThreadAuthenticator, patched
PATCHED = textwrap.dedent("""
    import sys
    if sys.argv[1] == "gevent":
        from gevent import monkey
        monkey.patch_all()
    else:
        import eventlet
        eventlet.monkey_patch()
    import greenzmq as zmq
    from greenzmq.auth.thread import ThreadAuthenticator

    ctx = zmq.Context()
    auth = ThreadAuthenticator(ctx)
    auth.start()
    auth.configure_plain("*", {"u": "p"})

    def attempt(password):
        server = ctx.socket(zmq.PULL)
        client = ctx.socket(zmq.PUSH)
        for s in (server, client):
            s.linger = 0
        server.plain_server = True
        client.plain_username = b"u"
        client.plain_password = password
        port = server.bind_to_random_port("tcp://127.0.0.1")
        client.connect("tcp://127.0.0.1:%d" % port)
        try:
            client.send(b"x", zmq.NOBLOCK)
        except zmq.Again:
            pass
        # a plain blocking poll: the ZAP handler must run in another OS thread
        # for the handshake to complete meanwhile
        got = server.poll(password == b"p" and 5000 or 300)
        server.close(); client.close()
        return bool(got)

    good, bad = attempt(b"p"), attempt(b"nope")
    auth.stop()
    ctx.destroy(linger=0)
    print("RESULT", good, bad, auth.is_alive())
""")


@pytest.mark.timeout(40)
@pytest.mark.parametrize("which", ["gevent", "eventlet"])
def test_thread_authenticator_after_monkey_patching(which: str) -> None:
    pytest.importorskip(which)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])),
    )
    res = subprocess.run([sys.executable, "-c", PATCHED, which], capture_output=True, text=True,
                         timeout=30, env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1] == "RESULT True False False", res.stdout + res.stderr
