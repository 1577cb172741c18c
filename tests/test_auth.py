"""ZAP authentication, CURVE keys and certificates.

Every policy is checked both ways: an admitted peer's message arrives, a refused
peer's handshake fails (seen on the client's monitor) and nothing reaches the server.
"""
from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
import textwrap
import threading

import pytest

import greenzmq as zmq
from greenzmq.auth import (
    CURVE_ALLOW_ANY,
    Authenticator,
    create_certificates,
    load_certificate,
    load_certificates,
)
from greenzmq.auth.thread import ThreadAuthenticator
from greenzmq.utils import z85
from greenzmq.utils.monitor import recv_monitor_message

from toolbox import AuthLink

needs_curve = pytest.mark.skipif(not zmq.has("curve"), reason="libzmq without CURVE")


# ----------------------------------------------------------------- helpers
@pytest.fixture
def auth(ctx):
    a = ThreadAuthenticator(ctx)
    a.start()
    yield a
    a.stop()


@pytest.fixture
def link(ctx):
    links = []

    def make(server_opts=None, client_opts=None) -> AuthLink:
        lk = AuthLink(ctx, server_opts, client_opts)
        links.append(lk)
        return lk

    yield make
    for lk in links:
        lk.close()


def curve_opts(server_secret: bytes, server_public: bytes, client_public: bytes,
               client_secret: bytes) -> tuple[dict, dict]:
    return ({zmq.CURVE_SERVER: 1, zmq.CURVE_SECRETKEY: server_secret},
            {zmq.CURVE_SERVERKEY: server_public, zmq.CURVE_PUBLICKEY: client_public,
             zmq.CURVE_SECRETKEY: client_secret})


@pytest.fixture
def keys(tmp_path):
    """Server keypair, an allowed client (its certificate in `allowed/`) and an unknown one."""
    allowed = tmp_path / "allowed"
    secrets = tmp_path / "secrets"
    allowed.mkdir()
    secrets.mkdir()
    server_public, server_secret = zmq.curve_keypair()
    pub_file, sec_file = create_certificates(str(secrets), "client")
    os.replace(pub_file, allowed / "client.key")
    client_public, client_secret = load_certificate(sec_file)
    stranger_public, stranger_secret = zmq.curve_keypair()
    return {
        "dir": str(allowed),
        "server": (server_public, server_secret),
        "client": (client_public, client_secret),
        "stranger": (stranger_public, stranger_secret),
    }


# ------------------------------------------------------------------- NULL
@pytest.mark.timeout(15)
def test_null_with_zap_domain_accepted(auth, link) -> None:
    lk = link({zmq.ZAP_DOMAIN: b"global"})
    lk.assert_accepted()


@pytest.mark.timeout(15)
def test_null_with_zap_domain_ip_denied(auth, link) -> None:
    auth.deny("127.0.0.1")
    lk = link({zmq.ZAP_DOMAIN: b"global"})
    lk.assert_refused()


@pytest.mark.timeout(15)
def test_null_allow_list(auth, link) -> None:
    auth.allow("127.0.0.1")
    link({zmq.ZAP_DOMAIN: b"global"}).assert_accepted()


@pytest.mark.timeout(15)
def test_null_not_on_allow_list(auth, link) -> None:
    auth.allow("192.0.2.1")
    link({zmq.ZAP_DOMAIN: b"global"}).assert_refused()


@pytest.mark.timeout(15)
def test_deny_other_address_accepts(auth, link) -> None:
    auth.deny("192.0.2.1")
    link({zmq.ZAP_DOMAIN: b"global"}).assert_accepted()


def test_allow_and_deny_are_exclusive(ctx) -> None:
    a = Authenticator(ctx)
    a.allow("127.0.0.1")
    with pytest.raises(ValueError, match="not both"):
        a.deny("10.0.0.1")
    b = Authenticator(ctx)
    b.deny("127.0.0.1")
    with pytest.raises(ValueError, match="not both"):
        b.allow("10.0.0.1")
    assert b.deny_addresses == {"127.0.0.1"}
    assert not hasattr(b, "blacklist")  # pyzmq 27 dropped the old names
    with pytest.raises(TypeError):
        b.deny(127)  # type: ignore[arg-type]


# ------------------------------------------------------------------ PLAIN
def plain_opts(user: bytes, password: bytes, domain: bytes = b"global") -> tuple[dict, dict]:
    return ({zmq.PLAIN_SERVER: 1, zmq.ZAP_DOMAIN: domain},
            {zmq.PLAIN_USERNAME: user, zmq.PLAIN_PASSWORD: password})


@pytest.mark.timeout(15)
def test_plain_right_password(auth, link) -> None:
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    msg = link(*plain_opts(b"admin", b"s3cret")).assert_accepted()
    # the ZAP reply's user id travels with each message
    assert msg.get("User-Id") == "admin"


@pytest.mark.timeout(15)
def test_plain_wrong_password(auth, link) -> None:
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    link(*plain_opts(b"admin", b"guess")).assert_refused()


@pytest.mark.timeout(15)
def test_plain_unknown_user(auth, link) -> None:
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    link(*plain_opts(b"mallory", b"s3cret")).assert_refused()


@pytest.mark.timeout(15)
def test_plain_unconfigured_refuses(auth, link) -> None:
    link(*plain_opts(b"admin", b"s3cret")).assert_refused()


@pytest.mark.timeout(15)
def test_plain_per_domain(auth, link) -> None:
    auth.configure_plain(domain="alpha", passwords={"a": "1"})
    link(*plain_opts(b"a", b"1", b"alpha")).assert_accepted()
    link(*plain_opts(b"a", b"1", b"beta")).assert_refused()


@pytest.mark.timeout(15)
def test_plain_right_password_but_ip_denied(auth, link) -> None:
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    auth.deny("127.0.0.1")
    link(*plain_opts(b"admin", b"s3cret")).assert_refused()


@pytest.mark.timeout(15)
def test_plain_allowed_ip_still_needs_password(auth, link) -> None:
    auth.configure_plain(domain="*", passwords={"admin": "s3cret"})
    auth.allow("127.0.0.1")
    link(*plain_opts(b"admin", b"wrong")).assert_refused()
    link(*plain_opts(b"admin", b"s3cret")).assert_accepted()


# ------------------------------------------------------------------ CURVE
@needs_curve
@pytest.mark.timeout(15)
def test_curve_allowed_key(auth, link, keys) -> None:
    auth.configure_curve(domain="*", location=keys["dir"])
    lk = link(*curve_opts(keys["server"][1], keys["server"][0], *keys["client"]))
    msg = lk.assert_accepted()
    assert msg.get("User-Id") == keys["client"][0].decode()


@needs_curve
@pytest.mark.timeout(15)
def test_curve_unknown_key(auth, link, keys) -> None:
    auth.configure_curve(domain="*", location=keys["dir"])
    link(*curve_opts(keys["server"][1], keys["server"][0], *keys["stranger"])).assert_refused()


@needs_curve
@pytest.mark.timeout(15)
def test_curve_allow_any(auth, link, keys) -> None:
    auth.configure_curve(domain="*", location=CURVE_ALLOW_ANY)
    link(*curve_opts(keys["server"][1], keys["server"][0], *keys["stranger"])).assert_accepted()


@needs_curve
@pytest.mark.timeout(15)
def test_curve_unconfigured_refuses(auth, link, keys) -> None:
    link(*curve_opts(keys["server"][1], keys["server"][0], *keys["client"])).assert_refused()


@needs_curve
@pytest.mark.timeout(15)
def test_curve_callback(auth, link, keys) -> None:
    seen = []

    class Provider:
        def callback(self, domain, key):
            seen.append((domain, key))
            return key == keys["client"][0]

    auth.configure_curve_callback(domain="*", credentials_provider=Provider())
    link(*curve_opts(keys["server"][1], keys["server"][0], *keys["client"])).assert_accepted()
    link(*curve_opts(keys["server"][1], keys["server"][0], *keys["stranger"])).assert_refused()
    assert ("", keys["client"][0]) in seen
    assert ("", keys["stranger"][0]) in seen
    with pytest.raises(TypeError):
        auth.configure_curve_callback("*", None)


@needs_curve
@pytest.mark.timeout(15)
def test_async_curve_callback_is_awaited_not_taken_as_true(auth, link, keys) -> None:
    # a coroutine object is truthy: taken as the answer it would let every key in
    class Provider:
        async def callback(self, domain, key):
            return key == keys["client"][0]

    auth.configure_curve_callback(domain="*", credentials_provider=Provider())
    link(*curve_opts(keys["server"][1], keys["server"][0], *keys["stranger"])).assert_refused()
    link(*curve_opts(keys["server"][1], keys["server"][0], *keys["client"])).assert_accepted()


@needs_curve
@pytest.mark.timeout(15)
def test_curve_callback_error_refuses_and_keeps_serving(auth, link, keys, caplog) -> None:
    calls = []

    class Broken:
        def callback(self, domain, key):
            calls.append(key)
            if len(calls) == 1:
                raise RuntimeError("database down")
            return True

    auth.configure_curve_callback(domain="*", credentials_provider=Broken())
    with caplog.at_level(logging.ERROR, logger="greenzmq.auth"):
        lk = link(*curve_opts(keys["server"][1], keys["server"][0], *keys["client"]))
        ev = lk.handshake()
    # ZAP status 500: the handshake fails, and no message gets through
    assert ev["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH and ev["value"] == 500, ev
    assert lk.server.poll(100) == 0
    assert "database down" in caplog.text
    # the handler survived and answers the next request
    link(*curve_opts(keys["server"][1], keys["server"][0], *keys["client"])).assert_accepted()


@needs_curve
@pytest.mark.timeout(15)
def test_curve_wrong_server_key_fails_handshake(auth, link, keys) -> None:
    auth.configure_curve(domain="*", location=CURVE_ALLOW_ANY)
    other_public, _ = zmq.curve_keypair()
    lk = link(*curve_opts(keys["server"][1], other_public, *keys["client"]))
    # the server cannot decrypt the client's HELLO: no ZAP request, no message
    assert (
        not lk.monitor.poll(300)
        or recv_monitor_message(lk.monitor)["event"] != zmq.EVENT_HANDSHAKE_SUCCEEDED
    )
    assert lk.server.poll(100) == 0


# --------------------------------------------------------- authenticator API
@pytest.mark.timeout(15)
def test_thread_authenticator_lifecycle(ctx) -> None:
    a = ThreadAuthenticator(ctx)
    assert not a.is_alive()
    a.start()
    assert a.is_alive()
    with pytest.raises(RuntimeError, match="already started"):
        a.start()
    # one ZAP handler per context: a second one cannot bind
    b = ThreadAuthenticator(ctx)
    with pytest.raises(zmq.ZMQError) as info:
        b.start()
    assert info.value.errno == zmq.EADDRINUSE
    assert not b.is_alive()
    a.stop()
    assert not a.is_alive()
    a.stop()  # twice is harmless
    # the endpoint is free again
    with ThreadAuthenticator(ctx) as c:
        assert c.is_alive()
    assert not c.is_alive()


@pytest.mark.timeout(15)
def test_thread_authenticator_is_a_real_thread(ctx) -> None:
    a = ThreadAuthenticator(ctx)
    a.start()
    try:
        assert a.thread_id is not None and a.thread_id != threading.get_ident()
    finally:
        a.stop()


@pytest.mark.timeout(15)
def test_context_destroy_ends_thread(ctx) -> None:
    a = ThreadAuthenticator(ctx)
    a.start()
    ctx.destroy(linger=0)
    # the thread sees ETERM/ENOTSOCK and ends; stop() then returns at once
    a.stop()
    assert not a.is_alive()


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[list[bytes]] = []

    def send_multipart(self, msg) -> None:
        self.sent.append(list(msg))


def _zap(auth: Authenticator, frames: list[bytes]) -> list[bytes]:
    auth.zap_socket = FakeSocket()
    auth.handle_zap_message(frames)
    (reply,) = auth.zap_socket.sent
    return reply


def test_handle_zap_message_replies() -> None:
    a = Authenticator(context=object())
    a.configure_plain("*", {"u": "p"})
    ok = _zap(a, [b"1.0", b"7", b"d", b"10.0.0.1", b"", b"PLAIN", b"u", b"p"])
    assert ok == [b"1.0", b"7", b"200", b"OK", b"u", b""]
    bad = _zap(a, [b"1.0", b"8", b"d", b"10.0.0.1", b"", b"PLAIN", b"u", b"x"])
    assert bad[:3] == [b"1.0", b"8", b"400"] and bad[4] == b""
    assert _zap(a, [b"2.0", b"9", b"d", b"a", b"", b"NULL"])[2:4] == [b"400", b"Invalid version"]
    assert _zap(a, [b"1.0", b"10", b"d", b"a"])[1:3] == [b"10", b"400"]
    assert _zap(a, [b"1.0", b"11", b"d", b"a", b"", b"MAGIC"])[2] == b"400"
    assert _zap(a, [b"1.0", b"12", b"d", b"a", b"", b"PLAIN", b"only-user"])[2] == b"400"
    assert _zap(a, [b"1.0", b"13", b"d", b"a", b"", b"CURVE", b"short"])[2] == b"400"
    # GSSAPI: libzmq did the authentication; the principal becomes the user id
    assert _zap(a, [b"1.0", b"14", b"d", b"a", b"", b"GSSAPI", b"alice@REALM"])[2:5] == \
        [b"200", b"OK", b"alice@REALM"]
    assert _zap(a, [b"1.0", b"15", b"d", b"a", b"", b"NULL"])[2:5] == [b"200", b"OK", b"anonymous"]


def test_handle_zap_message_curve_keys() -> None:
    a = Authenticator(context=object())
    key = os.urandom(32)
    a.certs["*"] = {z85.encode(key): True}
    assert _zap(a, [b"1.0", b"1", b"", b"a", b"", b"CURVE", key])[2:5] == [
        b"200",
        b"OK",
        z85.encode(key),
    ]
    assert _zap(a, [b"1.0", b"2", b"", b"a", b"", b"CURVE", os.urandom(32)])[2:4] == [
        b"400",
        b"Unknown key",
    ]


def test_authenticator_logs_decisions(caplog) -> None:
    a = Authenticator(context=object(), log=logging.getLogger("greenzmq.auth.test"))
    a.deny("10.0.0.1")
    with caplog.at_level(logging.DEBUG, logger="greenzmq.auth.test"):
        assert _zap(a, [b"1.0", b"1", b"", b"10.0.0.1", b"", b"NULL"])[2] == b"400"
    assert "DENIED" in caplog.text


# ----------------------------------------------------------- keys and certs
@needs_curve
def test_curve_keypair_and_public() -> None:
    public, secret = zmq.curve_keypair()
    assert isinstance(public, bytes) and isinstance(secret, bytes)
    assert len(public) == len(secret) == 40
    assert len(z85.decode(public)) == len(z85.decode(secret)) == 32
    assert zmq.curve_public(secret) == public
    assert zmq.curve_keypair() != (public, secret)


@needs_curve
@pytest.mark.parametrize("bad", [b"", b"short", b"x" * 39, b"x" * 41, b"~" * 40])
def test_curve_public_bad_key(bad: bytes) -> None:
    with pytest.raises((ValueError, zmq.ZMQError)) as info:
        zmq.curve_public(bad)
    assert str(info.value)


@needs_curve
@pytest.mark.parametrize("opt", ["CURVE_SECRETKEY", "CURVE_PUBLICKEY", "CURVE_SERVERKEY"])
@pytest.mark.parametrize("bad", [b"short", b"x" * 39, b"~" * 40, b"\x00" * 31])
def test_bad_curve_key_option(ctx, opt: str, bad: bytes) -> None:
    s = ctx.socket(zmq.DEALER)
    try:
        with pytest.raises((ValueError, zmq.ZMQError)) as info:
            s.setsockopt(getattr(zmq, opt), bad)
        assert str(info.value)
        if isinstance(info.value, zmq.ZMQError):
            assert info.value.errno == zmq.EINVAL
    finally:
        s.close(linger=0)


@needs_curve
def test_curve_key_option_forms(ctx) -> None:
    public, secret = zmq.curve_keypair()
    s = ctx.socket(zmq.DEALER)
    try:
        s.curve_secretkey = secret  # Z85 text
        assert s.curve_secretkey == secret
        s.setsockopt(zmq.CURVE_PUBLICKEY, z85.decode(public))  # 32 raw bytes
        assert s.getsockopt(zmq.CURVE_PUBLICKEY) == public
        s.setsockopt_string(zmq.CURVE_SERVERKEY, public.decode())
        assert s.getsockopt(zmq.CURVE_SERVERKEY) == public
        s.curve_serverkey = secret.decode()  # str through the attribute
        assert s.curve_serverkey == secret
    finally:
        s.close(linger=0)


@needs_curve
def test_create_and_load_certificates(tmp_path) -> None:
    pub_file, sec_file = create_certificates(
        tmp_path, "alice", metadata={"name": "Alice", "role": "admin"}
    )
    assert pub_file == str(tmp_path / "alice.key")
    assert sec_file == str(tmp_path / "alice.key_secret")
    assert stat.S_IMODE(os.stat(sec_file).st_mode) == 0o600
    assert not os.stat(pub_file).st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    public, secret = load_certificate(sec_file)
    assert zmq.curve_public(secret) == public
    assert load_certificate(pub_file) == (public, None)
    with open(pub_file) as f:
        text = f.read()
    assert 'name = "Alice"' in text and 'role = "admin"' in text
    assert "secret-key" not in text and public.decode() in text
    # no temporary files left behind
    assert sorted(os.listdir(tmp_path)) == ["alice.key", "alice.key_secret"]

    create_certificates(tmp_path, "bob")
    found = load_certificates(tmp_path)
    assert found == {public: True, load_certificate(tmp_path / "bob.key")[0]: True}


def test_certificate_errors(tmp_path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        load_certificates(tmp_path / "missing")
    with pytest.raises(ValueError, match="does not exist"):
        create_certificates(tmp_path / "missing", "x")
    empty = tmp_path / "empty.key"
    empty.write_text("metadata\ncurve\n")
    with pytest.raises(ValueError, match="no public key"):
        load_certificate(empty)
    short = tmp_path / "short.key"
    short.write_text('curve\n    public-key = "abc"\n')
    with pytest.raises(ValueError, match="40 Z85"):
        load_certificate(short)
    notz85 = tmp_path / "bad.key"
    notz85.write_text('curve\n    public-key = "' + "~" * 40 + '"\n')
    with pytest.raises(ValueError, match="not valid Z85"):
        load_certificate(notz85)
    with pytest.raises(ValueError, match="bad.key"):
        load_certificates(tmp_path)
    with pytest.raises(ValueError):
        create_certificates(tmp_path, "q", metadata={"k": 'has "quote"'})
    with pytest.raises(ValueError):
        create_certificates(tmp_path, "q", metadata={"bad name": "v"})


def test_load_certificate_pyzmq_style(tmp_path) -> None:
    # certificates written by czmq/pyzmq (single quotes, other comments) load too
    key = z85.encode(os.urandom(32)).decode()
    f = tmp_path / "peer.key"
    f.write_text(
        f"#   ****  Generated by someone else  ****\n\nmetadata\ncurve\n    public-key = '{key}'\n"
    )
    assert load_certificate(f) == (key.encode(), None)


@needs_curve
@pytest.mark.timeout(30)
def test_curve_keygen_cli(tmp_path) -> None:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])),
    )
    out = subprocess.run([sys.executable, "-m", "greenzmq.curve_keygen"], capture_output=True,
                         text=True, timeout=20, env=env, check=True).stdout.splitlines()
    assert out[0] == "== CURVE PUBLIC KEY ==" and out[2] == "== CURVE SECRET KEY =="
    assert zmq.curve_public(out[3].encode()) == out[1].encode()

    res = subprocess.run([sys.executable, "-m", "greenzmq.curve_keygen", "--dir", str(tmp_path),
                          "--name", "srv", "-m", "host=example"], capture_output=True, text=True,
                         timeout=20, env=env, check=True)
    pub_file, sec_file = res.stdout.split()
    public, secret = load_certificate(sec_file)
    assert load_certificate(pub_file) == (public, None)
    assert stat.S_IMODE(os.stat(sec_file).st_mode) == 0o600

    bad = subprocess.run(
        [sys.executable, "-m", "greenzmq.curve_keygen", "--dir", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=20,
        env=env,
    )
    assert bad.returncode == 1 and "does not exist" in bad.stderr


# ----------------------------------------------------------------- tornado
@pytest.mark.timeout(20)
def test_ioloop_authenticator(ctx) -> None:
    pytest.importorskip("tornado")
    from tornado.ioloop import IOLoop

    from greenzmq.auth.ioloop import IOLoopAuthenticator

    results = {}

    def scenario() -> None:
        # blocking socket work off the loop thread, while the loop answers ZAP
        ok = AuthLink(ctx, *plain_opts(b"admin", b"s3cret"))
        bad = AuthLink(ctx, *plain_opts(b"admin", b"nope"))
        try:
            ok.assert_accepted()
            bad.assert_refused()
            results["done"] = True
        finally:
            ok.close()
            bad.close()

    async def main() -> None:
        a = IOLoopAuthenticator(ctx)
        a.configure_plain("*", {"admin": "s3cret"})
        a.start()
        try:
            await IOLoop.current().run_in_executor(None, scenario)
        finally:
            a.stop()

    IOLoop.current().run_sync(main, timeout=15)
    assert results == {"done": True}


# ------------------------------------------------------------ other binding
PYZMQ_CLIENT = textwrap.dedent("""
    import json, sys
    import zmq
    cfg = json.loads(sys.argv[1])
    ctx = zmq.Context()
    s = ctx.socket(zmq.REQ)
    s.linger = 0
    s.curve_serverkey = cfg["server_public"].encode()
    s.curve_publickey = cfg["public"].encode()
    s.curve_secretkey = cfg["secret"].encode()
    s.connect(cfg["endpoint"])
    s.send(b"ping from pyzmq " + zmq.zmq_version().encode())
    if s.poll(int(cfg["timeout_ms"])):
        print("REPLY", s.recv().decode())
    else:
        print("NOREPLY")
    s.close()
    ctx.term()
""")


def _pyzmq_available() -> bool:
    return subprocess.run([sys.executable, "-c", "import zmq"], capture_output=True).returncode == 0


@needs_curve
@pytest.mark.timeout(40)
def test_curve_interop_with_pyzmq(auth, ctx, keys) -> None:
    if not _pyzmq_available():
        pytest.skip("pyzmq is not installed")
    auth.configure_curve(domain="*", location=keys["dir"])
    server = ctx.socket(zmq.REP)
    server.linger = 0
    server.curve_server = True
    server.curve_secretkey = keys["server"][1]
    port = server.bind_to_random_port("tcp://127.0.0.1")
    endpoint = f"tcp://127.0.0.1:{port}"

    def run_client(public: bytes, secret: bytes, timeout_ms: int) -> subprocess.Popen:
        cfg = {"server_public": keys["server"][0].decode(), "public": public.decode(),
               "secret": secret.decode(), "endpoint": endpoint, "timeout_ms": timeout_ms}
        return subprocess.Popen([sys.executable, "-c", PYZMQ_CLIENT, json.dumps(cfg)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    try:
        # the known client: request and reply cross over ZMTP 3 + CURVE
        proc = run_client(*keys["client"], timeout_ms=10000)
        assert server.poll(15000), "pyzmq client's request never arrived"
        request = server.recv(copy=False)
        assert request.bytes.startswith(b"ping from pyzmq")
        assert request.get("User-Id") == keys["client"][0].decode()
        server.send(b"pong from greenzmq")
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert out.strip() == "REPLY pong from greenzmq"

        # an unknown key: refused, nothing arrives
        proc = run_client(*keys["stranger"], timeout_ms=1000)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert out.strip() == "NOREPLY"
        assert server.poll(0) == 0
    finally:
        server.close(linger=0)
