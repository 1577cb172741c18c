import importlib
import subprocess
import sys

import pytest

import greenzmq as zmq


def test_versions():
    assert zmq.zmq_version_info()[0] == 4
    assert zmq.zmq_version() == "%d.%d.%d" % zmq.zmq_version_info()
    assert isinstance(zmq.__version__, str)
    assert zmq.pyzmq_version_info() >= (22,)
    assert zmq.pyzmq_version().count(".") == 2


def test_has_and_strerror():
    assert zmq.has("ipc") is True
    assert zmq.has("no-such-thing") is False
    assert zmq.strerror(zmq.EAGAIN) == "Resource temporarily unavailable"
    assert "terminated" in zmq.strerror(zmq.ETERM).lower()


def test_curve_keys():
    pub, sec = zmq.curve_keypair()
    assert len(pub) == len(sec) == 40
    assert zmq.curve_public(sec) == pub
    assert zmq.curve_public(sec.decode()) == pub
    with pytest.raises(ValueError):
        zmq.curve_public(b"short")
    with pytest.raises(TypeError):
        zmq.curve_public(5)


def test_stopwatch():
    w = zmq.Stopwatch()
    with pytest.raises(zmq.ZMQError):
        w.stop()
    w.start()
    with pytest.raises(zmq.ZMQError):
        w.start()
    assert w.stop() >= 0


def test_errors():
    e = zmq.ZMQError(zmq.EAGAIN)
    assert isinstance(e, zmq.Again) and e.errno == zmq.EAGAIN
    assert str(zmq.ZMQError(zmq.EINVAL)) == "Invalid argument"
    assert zmq.ZMQError(zmq.EINVAL, "custom").strerror == "custom"
    assert isinstance(zmq.ContextTerminated(), zmq.ZMQError)
    assert zmq.ContextTerminated().errno == zmq.ETERM
    assert zmq.InterruptedSystemCall().errno == zmq.EINTR
    assert issubclass(zmq.ZMQBindError, zmq.ZMQBaseError)
    assert issubclass(zmq.NotDone, zmq.ZMQBaseError)
    v = zmq.ZMQVersionError("9.0", "Teleport")
    assert "9.0" in str(v) and isinstance(v, NotImplementedError)
    import pickle

    assert pickle.loads(pickle.dumps(zmq.ZMQError(zmq.EINVAL))).errno == zmq.EINVAL


def test_constants_and_enums():
    assert zmq.PUSH == zmq.SocketType.PUSH == 8
    assert zmq.XREQ == zmq.DEALER and zmq.XREP == zmq.ROUTER
    assert zmq.LINGER == zmq.SocketOption.LINGER
    assert zmq.IDENTITY == zmq.ROUTING_ID
    assert zmq.NOBLOCK == zmq.DONTWAIT == zmq.Flag.DONTWAIT
    assert zmq.EVENT_CONNECTED == zmq.Event.CONNECTED
    assert zmq.ETERM == zmq.Errno.ETERM
    assert zmq.IO_THREADS == zmq.ContextOption.IO_THREADS
    assert zmq.POLLIN | zmq.POLLOUT == 3
    assert zmq.QUEUE == zmq.DeviceType.QUEUE
    assert zmq.CURVE == zmq.SecurityMechanism.CURVE
    for name in ("HEARTBEAT_IVL", "ROUTER_MANDATORY", "XPUB_VERBOSE", "CONNECT_TIMEOUT",
                 "STREAM_NOTIFY", "ZAP_DOMAIN", "TCP_KEEPALIVE", "CONFLATE", "HANDSHAKE_IVL"):
        assert isinstance(getattr(zmq, name), int)


@pytest.mark.parametrize("path,names", [
    ("greenzmq.core.socket", ["Socket"]),
    ("greenzmq.core.context", ["Context"]),
    ("greenzmq.core.message", ["Message", "Frame", "MessageTracker"]),
    ("greenzmq.core.poll", ["Poller", "select"]),
    ("greenzmq.core.error", ["ZMQError", "strerror"]),
    ("greenzmq.core.version", ["zmq_version", "zmq_version_info"]),
    ("greenzmq.core.stopwatch", ["Stopwatch"]),
])
def test_old_module_paths(path, names):
    mod = importlib.import_module(path)
    for n in names:
        assert getattr(mod, n) is getattr(zmq, n)


@pytest.mark.timeout(60)
def test_pyzmq_program_runs_unchanged(tmp_path):
    # a typical pyzmq program, with only the import line changed
    prog = tmp_path / "prog.py"
    prog.write_text(
        "import greenzmq as zmq, threading\n"
        "ctx = zmq.Context.instance()\n"
        "rep = ctx.socket(zmq.REP); port = rep.bind_to_random_port('tcp://127.0.0.1')\n"
        "def serve():\n"
        "    for _ in range(3):\n"
        "        rep.send_json({'echo': rep.recv_json()})\n"
        "threading.Thread(target=serve, daemon=True).start()\n"
        "req = ctx.socket(zmq.REQ); req.connect('tcp://127.0.0.1:%d' % port)\n"
        "for i in range(3):\n"
        "    req.send_json(i); assert req.recv_json() == {'echo': i}\n"
        "poller = zmq.Poller(); poller.register(req, zmq.POLLOUT)\n"
        "assert dict(poller.poll(100)) == {req: zmq.POLLOUT}\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, str(prog)], capture_output=True, text=True, timeout=50)
    assert out.stdout.strip() == "ok", out.stderr


@pytest.mark.timeout(60)
def test_interpreter_exit_with_open_sockets_does_not_hang():
    code = (
        "import greenzmq as zmq\n"
        "ctx = zmq.Context.instance()\n"
        "s = ctx.socket(zmq.PUSH); s.connect('tcp://127.0.0.1:1'); s.send(b'never delivered')\n"
        "c2 = zmq.Context(); t = c2.socket(zmq.PUSH); "
        "t.connect('tcp://127.0.0.1:1'); t.send(b'x')\n"
        "print('exiting')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.strip() == "exiting"


def test_lazy_submodules():
    assert zmq.devices.__name__ == "greenzmq.devices"
    with pytest.raises(AttributeError):
        zmq.no_such_module
