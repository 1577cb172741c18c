"""The green modules' API promises: pyzmq's names, Context.socket signature and defaults,
instance(), destroy(), helpers through green paths, send_pyobj protocol (pyzmq's API, green)."""
from __future__ import annotations

import pickle

import pytest

import greenzmq

NAMES = [
    "Context", "Socket", "Poller", "select", "device", "proxy", "proxy_steerable",
    "monitored_queue", "MessageTracker", "Frame", "Message", "ZMQError", "Again",
    "ContextTerminated", "NotDone", "PUSH", "PULL", "ROUTER", "DEALER", "POLLIN", "POLLOUT",
    "NOBLOCK", "SNDHWM", "RCVTIMEO", "zmq_version_info", "pyzmq_version", "has",
]


@pytest.mark.parametrize("name", NAMES)
def test_exports_greenzmq_names(hub, name):
    assert hasattr(hub.zmq, name), f"{hub.zmq.__name__} lacks {name}"


def test_green_classes_subclass_the_plain_ones(hub):
    zmq = hub.zmq
    assert issubclass(zmq.Context, greenzmq.Context)
    assert issubclass(zmq.Socket, greenzmq.Socket)
    assert zmq.Context is not greenzmq.Context
    assert zmq.Socket is not greenzmq.Socket
    # constants and errors are the very same objects: except clauses work across both
    assert zmq.ZMQError is greenzmq.ZMQError
    assert zmq.Again is greenzmq.Again
    assert zmq.PUSH == greenzmq.PUSH


@pytest.mark.timeout(10)
def test_context_socket_builds_green_sockets(hub):
    zmq = hub.zmq
    ctx = hub.context()
    s = ctx.socket(zmq.PAIR)
    assert isinstance(s, zmq.Socket)
    assert s.context is ctx


@pytest.mark.timeout(10)
def test_context_socket_keeps_socket_class_and_kwargs(hub):
    zmq = hub.zmq

    class Tagged(zmq.Socket):
        tag: str | None = None  # declared: pyzmq's setattr treats unknown names as options

        def __init__(self, *args, tag=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.tag = tag

    ctx = hub.context()
    s = ctx.socket(zmq.PAIR, socket_class=Tagged, tag="mine")
    assert type(s) is Tagged
    assert s.tag == "mine"
    # a green subclass still does green waits
    s.bind("inproc://tagged")
    peer = ctx.socket(zmq.PAIR)
    peer.connect("inproc://tagged")
    r = hub.spawn(s.recv)
    hub.sleep(0.05)
    assert not r.dead
    peer.send(b"hi")
    assert r.get(2) == b"hi"


@pytest.mark.timeout(10)
def test_context_default_options_apply_to_new_sockets(hub):
    zmq = hub.zmq
    ctx = hub.context()
    ctx.linger = 0
    ctx.sndhwm = 7
    ctx.setsockopt(zmq.RCVHWM, 9)
    s = ctx.socket(zmq.PUSH)
    assert s.getsockopt(zmq.LINGER) == 0
    assert s.linger == 0
    assert s.sndhwm == 7
    assert s.getsockopt(zmq.RCVHWM) == 9


@pytest.mark.timeout(10)
def test_green_instance_is_not_the_plain_instance(hub):
    zmq = hub.zmq
    green = zmq.Context.instance()
    plain = greenzmq.Context.instance()
    try:
        assert green is not plain
        assert isinstance(green, zmq.Context)
        assert type(plain) is greenzmq.Context
        assert zmq.Context.instance() is green
        assert isinstance(green.socket(zmq.PAIR), zmq.Socket)
    finally:
        green.destroy(linger=0)
        plain.destroy(linger=0)
    # a terminated instance is replaced by a fresh one
    again = zmq.Context.instance()
    try:
        assert again is not green and not again.closed
    finally:
        again.term()


@pytest.mark.timeout(10)
def test_destroy_closes_every_socket(hub):
    zmq = hub.zmq
    ctx = hub.context()
    socks = [ctx.socket(t) for t in (zmq.PUSH, zmq.PULL, zmq.DEALER, zmq.ROUTER, zmq.PUB)]
    socks[0].connect("tcp://127.0.0.1:1")  # something to linger on, were linger honoured
    socks[0].send(b"pending", zmq.NOBLOCK)
    ctx.destroy(linger=0)
    assert all(s.closed for s in socks)
    assert ctx.closed


@pytest.mark.timeout(10)
def test_send_pyobj_uses_default_pickle_protocol(hub):
    zmq = hub.zmq
    a, b = hub.pair(zmq.PAIR, zmq.PAIR)
    obj = {"k": [1, 2.5, "three"], "set": {4}}
    a.send_pyobj(obj)
    raw = b.recv()
    assert raw[:1] == b"\x80"  # protocol >= 2 header
    assert raw[1] == pickle.DEFAULT_PROTOCOL
    assert pickle.loads(raw) == obj
    a.send_pyobj(obj, protocol=2)
    assert b.recv()[1] == 2
    a.send_pyobj(obj)
    assert b.recv_pyobj() == obj


@pytest.mark.timeout(10)
def test_helpers_go_through_green_paths(hub):
    """recv_string/json/pyobj/serialized and recv_into park the greenlet, not the hub."""
    zmq = hub.zmq
    a, b = hub.pair(zmq.PAIR, zmq.PAIR)

    def feed() -> None:
        hub.sleep(0.1)
        a.send_string("héllo")
        hub.sleep(0.05)
        a.send_json({"x": 1})
        hub.sleep(0.05)
        a.send_pyobj((1, 2))
        hub.sleep(0.05)
        a.send_serialized([1, 2, 3], lambda o: [bytes(o)])
        hub.sleep(0.05)
        a.send(b"into")

    hub.spawn(feed)
    with hub.ticking() as t:
        assert b.recv_string() == "héllo"
        assert b.recv_json() == {"x": 1}
        assert b.recv_pyobj() == (1, 2)
        assert b.recv_serialized(lambda frames: list(frames[0])) == [1, 2, 3]
        buf = bytearray(10)
        n = b.recv_into(buf)
        assert bytes(buf[:n]) == b"into"
    assert t.count >= 10


@pytest.mark.timeout(10)
def test_getsockopt_events_is_consistent(hub):
    """Reading EVENTS from user code must not steal a parked greenlet's wakeup."""
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    r = hub.spawn(pull.recv)
    hub.sleep(0.05)
    push.send(b"x")
    # user code polls EVENTS on both ends while the receiver is parked
    for _ in range(20):
        pull.getsockopt(zmq.EVENTS)
        push.getsockopt(zmq.EVENTS)
    assert r.get(2) == b"x"


@pytest.mark.timeout(10)
def test_multipart_copy_false_and_track(hub):
    zmq = hub.zmq
    pull, push = hub.pair(zmq.PULL, zmq.PUSH, "tcp")
    big = b"b" * 100_000
    tracker = push.send_multipart([b"head", big], copy=False, track=True)
    frames = pull.recv_multipart(copy=False)
    assert [f.bytes for f in frames] == [b"head", big]
    tracker.wait(5)
    assert tracker.done


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "helper, args, expect",
    [
        ("send_string", ("späť",), ["späť".encode()]),
        ("send_json", ({"a": 1},), [b'{"a": 1}', b'{"a":1}']),
        ("send_multipart", ([b"x", b"y"],), [b"x"]),
        ("send_serialized", ([7], lambda o: [bytes(o)]), [b"\x07"]),
    ],
)
def test_send_helpers_park_only_their_greenlet(hub, helper, args, expect):
    """A send helper on a socket with no peer parks its greenlet; the hub runs on."""
    zmq = hub.zmq
    ctx = hub.context()
    push = ctx.socket(zmq.PUSH)
    push.bind(f"inproc://send-helper-{helper}")
    sender = hub.spawn(getattr(push, helper), *args)
    with hub.ticking() as t:
        hub.sleep(0.2)
    assert not sender.dead, f"{helper} did not wait for a peer"
    assert t.count >= 5
    pull = ctx.socket(zmq.PULL)
    pull.connect(f"inproc://send-helper-{helper}")
    sender.get(2)
    pull.rcvtimeo = 2000
    assert pull.recv() in expect
