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
from toolbox import AuthLink


def _authenticator_class(hub):
    if hub.name == "gevent":
        from greenzmq.auth.gevent import GeventAuthenticator

        return GeventAuthenticator
    from greenzmq.auth.eventlet import EventletAuthenticator

    return EventletAuthenticator


def _plain(user: bytes, password: bytes, zmq):
    return ({zmq.PLAIN_SERVER: 1, zmq.ZAP_DOMAIN: b"global"},
            {zmq.PLAIN_USERNAME: user, zmq.PLAIN_PASSWORD: password})


def _curve(server, client, zmq):
    return ({zmq.CURVE_SERVER: 1, zmq.CURVE_SECRETKEY: server[1]},
            {zmq.CURVE_SERVERKEY: server[0], zmq.CURVE_PUBLICKEY: client[0],
             zmq.CURVE_SECRETKEY: client[1]})


def _scenario(hub, tmp_path, configure, links, auth_class=None) -> None:
    """Start a green authenticator, configure it, check each (opts, expect) link."""
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
                lk = AuthLink(ctx, server_opts, client_opts, ticker)
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
