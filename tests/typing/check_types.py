"""A typing test: mypy --strict must accept this file (tests/test_typing.py runs it).

It also runs as a script (tests/test_typing.py does that too): every ``check`` both
states the static type mypy must infer and verifies the runtime value has that type,
so the stubs cannot drift from what the extension returns.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TypeVar

import greenzmq as zmq
from greenzmq.core._zmq import Frame as CoreFrame

if TYPE_CHECKING:
    from typing_extensions import assert_type
else:
    def assert_type(value, _type):
        return value

T = TypeVar("T")


def check(value: T, kind: type | tuple[type, ...]) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"{value!r} is not {kind}")
    return value


def versions() -> None:
    assert_type(zmq.zmq_version(), str)
    assert_type(zmq.zmq_version_info(), tuple[int, int, int])
    check(zmq.zmq_version_info()[0], int)
    assert_type(zmq.has("ipc"), bool)
    check(zmq.has("ipc"), bool)
    assert_type(zmq.strerror(zmq.zmq_errno()), str)
    assert_type(zmq.COPY_THRESHOLD, int)


def keys() -> None:
    public, secret = zmq.curve_keypair()
    assert_type(public, bytes)
    check(secret, bytes)
    assert_type(zmq.curve_public(secret), bytes)
    check(zmq.curve_public(secret), bytes)


def frames() -> None:
    frame = zmq.Frame(b"abc", track=True)
    assert_type(frame, CoreFrame)
    assert_type(frame.bytes, bytes)
    assert_type(len(frame), int)
    assert_type(frame.buffer, memoryview)
    check(frame.buffer, memoryview)
    assert_type(frame.more, bool)
    tracker = frame.tracker
    if tracker is not None:
        # the frame itself still holds the buffer: libzmq cannot be done with it yet
        if assert_type(tracker.done, bool):
            raise TypeError("an unsent zero-copy frame reports done")
    assert_type(zmq.Message(memoryview(b"xyz")).bytes, bytes)


def sockets() -> None:
    with zmq.Context() as ctx:
        assert_type(ctx, zmq.Context)
        assert_type(ctx.closed, bool)
        check(ctx.get(zmq.IO_THREADS), int)
        a = ctx.socket(zmq.PAIR)
        b = ctx.socket(zmq.PAIR)
        assert_type(a, zmq.Socket)
        port = a.bind_to_random_port("tcp://127.0.0.1")
        assert_type(port, int)
        b.connect(f"tcp://127.0.0.1:{port}")
        b.setsockopt(zmq.RCVTIMEO, 5000)
        a.setsockopt(zmq.SNDHWM, 1000)
        assert_type(a.closed, bool)
        assert_type(a.socket_type, int)
        assert_type(a.fileno(), int)

        assert_type(a.send(b"one"), None)
        assert_type(b.recv(), bytes)
        check(b"", bytes)
        a.send(b"two")
        assert_type(b.recv(copy=False), CoreFrame)
        a.send(b"three")
        assert_type(b.recv(0, False), CoreFrame)
        a.send(b"four")
        flag: bool = len(sys.argv) > 5
        assert_type(b.recv(copy=flag), bytes | CoreFrame)

        a.send_multipart([b"x", memoryview(b"y"), zmq.Frame(b"z")])
        parts = b.recv_multipart()
        assert_type(parts, list[bytes])
        check(parts[0], bytes)
        a.send_multipart([b"x", b"y"])
        assert_type(b.recv_multipart(copy=False), list[CoreFrame])

        tracker = a.send(b"t" * 100_000, copy=False, track=True)
        assert_type(tracker, zmq.MessageTracker)
        check(tracker, zmq.MessageTracker)
        check(b.recv(), bytes)
        tracker.wait(5)
        multi = a.send_multipart([b"m", b"n" * 100_000], 0, False, True)
        assert_type(multi, zmq.MessageTracker)
        check(b.recv_multipart(), list)
        multi.wait(5)
        maybe = a.send(b"p", track=flag)
        assert_type(maybe, zmq.MessageTracker | None)
        b.recv()

        buf = bytearray(16)
        a.send(b"into")
        assert_type(b.recv_into(buf), int)

        a.send_string("text")
        assert_type(b.recv_string(), str)
        a.send_json({"k": [1, 2]})
        obj: Any = b.recv_json()
        check(obj, dict)

        assert_type(b.poll(0), int)
        poller = zmq.Poller()
        poller.register(b, zmq.POLLIN)
        a.send(b"ready")
        ready = poller.poll(5000)
        assert_type(ready, list[tuple[Any, int]])
        check(ready[0][1], int)
        b.recv()
        a.close(linger=0)
        b.close()


def stopwatch() -> None:
    watch = zmq.Stopwatch()
    watch.start()
    assert_type(watch.stop(), int)


def errors() -> None:
    ctx = zmq.Context()
    s = ctx.socket(zmq.PAIR)
    s.close()
    try:
        s.send(b"late")
    except zmq.ZMQError as e:
        assert_type(e.errno, int | None)
        check(e.errno, int)
    else:
        raise TypeError("send on a closed socket did not raise")
    finally:
        ctx.term()


def green() -> None:
    # the green modules export the same names; their sockets are greenzmq Sockets
    import greenzmq.green_gevent as gzmq

    with gzmq.Context() as ctx:
        a = ctx.socket(gzmq.PAIR)
        b = ctx.socket(gzmq.PAIR)
        check(a, zmq.Socket)
        a.bind("inproc://check-types-green")
        b.connect("inproc://check-types-green")
        a.send_multipart([b"g", b"h"])
        check(b.recv_multipart(), list)
        a.close()
        b.close()


def main() -> int:
    versions()
    if zmq.has("curve"):
        keys()
    frames()
    sockets()
    stopwatch()
    errors()
    green()
    print("check_types: ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
