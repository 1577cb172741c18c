"""greenzmq.log: PUBHandler, TopicLogger and the `python -m greenzmq.log` subscriber."""
from __future__ import annotations

import io
import logging
import os
import queue
import signal
import subprocess
import sys
import threading

import pytest

import greenzmq as zmq
from greenzmq.log import TOPIC_DELIM, PUBHandler, TopicLogger
from greenzmq.log.__main__ import format_record, main

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def pubsub(ctx):
    """A PUB socket and a SUB socket (subscribed to everything) joined over inproc."""
    pub = ctx.socket(zmq.PUB)
    sub = ctx.socket(zmq.SUB)
    pub.linger = sub.linger = 0
    pub.bind("inproc://logs")
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect("inproc://logs")
    return pub, sub


def make_logger(name: str, handler: logging.Handler, cls=logging.Logger) -> logging.Logger:
    logger = cls(name)  # not registered globally: tests stay independent
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return logger


def joined(logger: logging.Logger, sub) -> None:
    """Beat PUB/SUB's slow joiner: log until the subscriber sees a record, then drain."""
    for _ in range(200):
        logger.info("sync")
        if sub.poll(25, zmq.POLLIN):
            break
    else:
        pytest.fail("the subscription never reached the publisher")
    while sub.poll(25, zmq.POLLIN):
        sub.recv_multipart()


# --------------------------------------------------------------------------- handler
def test_topics_and_per_level_formats(pubsub):
    pub, sub = pubsub
    handler = PUBHandler(pub, root_topic="app")
    logger = make_logger("t.topics", handler)
    joined(logger, sub)

    logger.debug("dbg %d", 1)
    logger.info("plain info")
    logger.warning("careful")
    logger.error("db.query::query failed after %d ms", 12)
    try:
        raise KeyError("k")
    except KeyError:
        logger.critical("crash", exc_info=True)

    got = [sub.recv_multipart() for _ in range(5)]
    topics = [t for t, _ in got]
    assert topics == [b"app.DEBUG", b"app.INFO", b"app.WARNING", b"app.ERROR.db.query",
                      b"app.CRITICAL"]
    bodies = [b.decode() for _, b in got]
    assert bodies[0].startswith("DEBUG test_log.py:") and bodies[0].endswith(" - dbg 1\n")
    assert bodies[1] == "plain info\n"
    assert bodies[2].startswith("WARNING test_log.py:")
    assert bodies[3].endswith(" - query failed after 12 ms\n")
    assert "Traceback" in bodies[4] and "KeyError: 'k'" in bodies[4]


def test_sub_topic_does_not_change_record_for_other_handlers(pubsub):
    pub, sub = pubsub
    handler = PUBHandler(pub)
    stream = io.StringIO()
    other = logging.StreamHandler(stream)
    logger = make_logger("t.other", handler)
    logger.addHandler(other)
    joined(logger, sub)
    stream.truncate(0)
    stream.seek(0)
    logger.info("sub::text")
    assert sub.recv_multipart() == [b"INFO.sub", b"text\n"]
    assert stream.getvalue() == "sub::text\n"


def test_set_formatter_per_level_and_for_all(pubsub):
    pub, sub = pubsub
    handler = PUBHandler(pub)
    logger = make_logger("t.fmt", handler)
    joined(logger, sub)

    handler.setFormatter(logging.Formatter("E:%(message)s"), logging.ERROR)
    logger.error("x")
    logger.warning("y")
    assert sub.recv_multipart()[1] == b"E:x"
    assert sub.recv_multipart()[1].startswith(b"WARNING ")

    handler.setFormatter(logging.Formatter("ALL:%(message)s"))
    logger.warning("w")
    logger.log(25, "custom level")  # a level without its own formatter
    assert sub.recv_multipart()[1] == b"ALL:w"
    assert sub.recv_multipart()[1] == b"ALL:custom level"

    with pytest.raises(TypeError):
        handler.setFormatter("%(message)s")
    with pytest.raises(TypeError):
        handler.setFormatter(logging.Formatter(), level="ERROR")


def test_root_topic_property(pubsub):
    pub, sub = pubsub
    handler = PUBHandler(pub, root_topic="a")
    assert handler.root_topic == "a"
    handler.root_topic = "b"
    handler.setRootTopic("c")
    assert handler.root_topic == "c"
    logger = make_logger("t.root", handler)
    joined(logger, sub)
    logger.info("m")
    assert sub.recv_multipart()[0] == b"c.INFO"
    handler.root_topic = b"bytes"  # decoded, as in pyzmq
    assert handler.root_topic == "bytes"
    with pytest.raises(UnicodeDecodeError):
        handler.root_topic = b"\xff"
    with pytest.raises(TypeError):
        PUBHandler(pub, root_topic=None)
    with pytest.raises(TypeError):
        PUBHandler(12345)


def test_topic_logger(pubsub):
    pub, sub = pubsub
    handler = PUBHandler(pub, root_topic="svc")
    records = []
    capture = logging.Handler()
    capture.emit = records.append
    logger = make_logger("t.topiclogger", handler, cls=TopicLogger)
    logger.addHandler(capture)
    joined(logger, sub)
    records.clear()

    logger.log(logging.WARNING, "cache.miss", "key %s not found", "k1")
    topic, body = sub.recv_multipart()
    assert topic == b"svc.WARNING.cache.miss"
    assert body.endswith(b" - key k1 not found\n")
    # the record points at this file, not at handlers.py
    assert records[-1].filename == os.path.basename(__file__)
    assert records[-1].getMessage() == f"cache.miss{TOPIC_DELIM}key k1 not found"
    logger.info("standard %s", "call")  # level methods keep their usual signature
    assert sub.recv_multipart() == [b"svc.INFO", b"standard call\n"]
    with pytest.raises(TypeError):
        logger.log(logging.INFO, 42, "msg")


def test_handler_binds_endpoint_and_closes_its_socket(ctx):
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx, root_topic="own")
    endpoint = handler.socket.getsockopt(zmq.LAST_ENDPOINT).decode()
    sub = ctx.socket(zmq.SUB)
    sub.linger = 0
    sub.setsockopt(zmq.SUBSCRIBE, b"own.")
    sub.connect(endpoint)
    logger = make_logger("t.bind", handler)
    joined(logger, sub)
    logger.info("over tcp")
    assert sub.recv_multipart() == [b"own.INFO", b"over tcp\n"]
    assert handler.ctx is ctx
    handler.close()
    assert handler.socket.closed


def test_handler_leaves_a_given_socket_open(pubsub):
    pub, _ = pubsub
    handler = PUBHandler(pub)
    assert handler.ctx is pub.context
    handler.close()
    assert not pub.closed


def test_emit_failure_goes_to_handle_error(pubsub):
    pub, _ = pubsub
    handler = PUBHandler(pub)
    failed = []
    handler.handleError = failed.append
    logger = make_logger("t.err", handler)
    pub.close()
    logger.error("lost")  # must not raise into the caller
    assert len(failed) == 1 and failed[0].getMessage() == "lost"


def test_green_gevent_socket_does_not_block_the_hub():
    green = pytest.importorskip("greenzmq.green_gevent")
    import gevent

    gctx = green.Context()
    try:
        pub = gctx.socket(zmq.PUB)
        sub = gctx.socket(zmq.SUB)
        pub.linger = sub.linger = 0
        pub.bind("inproc://green-logs")
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect("inproc://green-logs")
        assert isinstance(pub, green.Socket)
        handler = PUBHandler(pub, root_topic="green")
        assert handler.socket is pub  # used as given: its green send_multipart
        logger = make_logger("t.green", handler)
        ticks = []

        def ticker():
            while True:
                ticks.append(1)
                gevent.sleep(0.001)

        def subscriber():
            return sub.recv_multipart()  # parks this greenlet, not the hub

        tick = gevent.spawn(ticker)
        reader = gevent.spawn(subscriber)
        with gevent.Timeout(10):
            while not reader.ready():
                logger.info("green hello")  # slow joiner: resend until it arrives
                gevent.sleep(0.01)
        tick.kill()
        assert reader.get() == [b"green.INFO", b"green hello\n"]
        # the subscriber parked on the green socket while the hub ran everyone else
        assert len(ticks) >= 1
        handler.close()
    finally:
        gctx.destroy(linger=0)


# --------------------------------------------------------------------------- CLI
def test_format_record():
    assert format_record([b"app.INFO", b"hello\n"]) == "app.INFO | hello\n"
    assert format_record([b"T", b"line1\nline2\n"]) == "T | line1\n  | line2\n"
    assert format_record([b"raw"]) == " | raw\n"
    assert format_record([b"t", b"\xff"]) == "t | \ufffd\n"


def test_cli_bad_endpoint_exits_2(capsys):
    assert main(["not-an-endpoint"], out=io.StringIO()) == 2
    assert "not-an-endpoint" in capsys.readouterr().err


def _lines_of(proc) -> queue.Queue:
    """Lines of ``proc.stdout``, as they arrive, through a reader thread."""
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


@pytest.mark.timeout(40)
def test_cli_subscriber_prints_records_of_another_process(ctx):
    handler = PUBHandler("tcp://127.0.0.1:*", context=ctx, root_topic="app")
    endpoint = handler.socket.getsockopt(zmq.LAST_ENDPOINT).decode()
    logger = make_logger("t.cli", handler)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # CLI must flush
    proc = subprocess.Popen(
        [sys.executable, "-m", "greenzmq.log", endpoint, "--topic", "app"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = _lines_of(proc)
        # slow joiner: the subscription reaches us some time after connecting, and
        # records published before that are dropped; resend the first until it shows
        first = None
        for _ in range(400):
            logger.info("first record")
            try:
                first = lines.get(timeout=0.05)
                break
            except queue.Empty:
                continue
        assert first == "app.INFO | first record\n", (first, proc.poll())

        expected = []
        for i in range(50):
            if i % 10 == 5:
                handler.root_topic = "elsewhere"  # filtered out by --topic app
                logger.info("hidden %d", i)
                handler.root_topic = "app"
            logger.info("record %d", i)
            expected.append(f"app.INFO | record {i}\n")
        logger.error("db::failed")

        got = []
        while len(got) < len(expected) + 1:
            line = lines.get(timeout=10)
            assert line is not None, "subscriber exited early"
            if not got and line == first:
                continue  # resent copies of the first record still in flight
            got.append(line)
        assert got[:-1] == expected
        assert got[-1].startswith("app.ERROR.db | ERROR test_log.py:")
        assert got[-1].endswith(" - failed\n")

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        err = proc.stderr.read()
        assert "Traceback" not in err, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        handler.close()
