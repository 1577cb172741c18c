"""Run by tests/green/test_monkey.py in a fresh interpreter: ``monkey_check.py HUB CHECK``.

HUB is ``gevent`` (gevent.monkey.patch_all()) or ``eventlet`` (eventlet.monkey_patch());
CHECK is one of plain, tracker, green, threaddevice, all. Patching happens first, before
greenzmq is imported, as a real monkey-patched program does. Each check prints ``OK name``;
a failed check raises (non-zero exit); ``SKIP name: why`` when a piece is not there.
"""
import sys

HUB = sys.argv[1]
CHECK = sys.argv[2] if len(sys.argv) > 2 else "all"

if HUB == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif HUB == "eventlet":
    import eventlet

    eventlet.monkey_patch()
else:
    raise SystemExit(f"unknown hub {HUB!r}")

import os  # noqa: E402  (after patching, on purpose)

import greenzmq as zmq  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import toolbox  # noqa: E402


def _os_thread_id() -> str:
    # /proc/thread-self names the kernel thread; no monkey patching can fake it
    return os.readlink("/proc/thread-self")


def _tcp_pair(ctx):
    # timeouts: a hang becomes Again, not a stuck test
    return toolbox.pair(ctx, zmq.PULL, zmq.PUSH, "tcp", rcvtimeo=5000, sndtimeo=5000)


def check_plain() -> None:
    """Plain greenzmq blocking calls work in a patched process."""
    ctx = zmq.Context()
    pull, push = _tcp_pair(ctx)
    for i in range(100):
        push.send_multipart([b"n", b"%d" % i])
        assert pull.recv_multipart() == [b"n", b"%d" % i]
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    assert poller.poll(50) == []
    ctx.destroy(linger=0)
    print("OK plain")


def check_tracker() -> None:
    """Zero-copy tracked sends complete: the release path needs no (patched) thread."""
    ctx = zmq.Context()
    pull, push = _tcp_pair(ctx)
    payload = b"t" * 300_000
    trackers = [push.send(payload, copy=False, track=True) for _ in range(5)]
    for _ in trackers:
        assert pull.recv() == payload
    for t in trackers:
        t.wait(5)  # raises NotDone on timeout
        assert t.done
    # a tracked frame that is never sent is released by close(linger=0)
    lonely = ctx.socket(zmq.PUSH)
    lonely.connect("tcp://127.0.0.1:1")
    t = lonely.send(payload, copy=False, track=True)
    lonely.close(linger=0)
    t.wait(5)
    assert t.done
    ctx.destroy(linger=0)
    print("OK tracker")


def check_green() -> None:
    """The hub's own green module in the patched process: tracker and recv park greenlets."""
    if HUB == "gevent":
        import gevent

        import greenzmq.green_gevent as gz

        spawn, sleep = gevent.spawn, gevent.sleep
    else:
        import eventlet

        from greenzmq import green_eventlet as gz

        spawn, sleep = eventlet.spawn, eventlet.sleep
    ticks = [0]

    def ticker() -> None:
        while True:
            sleep(0.01)
            ticks[0] += 1

    spawn(ticker)
    ctx = gz.Context()
    pull = ctx.socket(gz.PULL)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push = ctx.socket(gz.PUSH)

    def late() -> None:
        sleep(0.3)
        push.connect(f"tcp://127.0.0.1:{port}")
        tr = push.send(b"g" * 200_000, copy=False, track=True)
        tr.wait(5)
        assert tr.done

    spawn(late)
    assert len(pull.recv()) == 200_000
    assert ticks[0] >= 5, f"hub frozen in a patched process: {ticks[0]} ticks"
    sleep(0.1)
    ctx.destroy(linger=0)
    print("OK green")


def check_threaddevice() -> None:
    """ThreadDevice runs in a real OS thread: the main thread blocks in C meanwhile."""
    try:
        from greenzmq.devices import ThreadDevice
    except ImportError as e:
        print(f"SKIP threaddevice: {e}")
        return
    seen = {}

    class Probe(ThreadDevice):
        def run_device(self) -> None:
            seen["tid"] = _os_thread_id()
            super().run_device()

    devctx = zmq.Context()
    dev = Probe(zmq.QUEUE, zmq.PULL, zmq.PUSH)
    dev.context_factory = lambda: devctx
    in_port = dev.bind_in_to_random_port("tcp://127.0.0.1")
    out_port = dev.bind_out_to_random_port("tcp://127.0.0.1")
    dev.start()
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.connect(f"tcp://127.0.0.1:{in_port}")
    pull = ctx.socket(zmq.PULL)
    pull.connect(f"tcp://127.0.0.1:{out_port}")
    pull.rcvtimeo = 5000
    for i in range(20):
        push.send(b"through %d" % i)
        # a plain blocking recv holds this thread in C: only a real thread can forward
        assert pull.recv() == b"through %d" % i
    assert seen.get("tid") not in (None, _os_thread_id()), seen
    ctx.destroy(linger=0)
    devctx.term()  # the device ends on ETERM and closes its sockets
    dev.join(5)
    assert dev.done, "ThreadDevice still running after its context was terminated"
    print("OK threaddevice")


CHECKS = {
    "plain": check_plain,
    "tracker": check_tracker,
    "green": check_green,
    "threaddevice": check_threaddevice,
}

if __name__ == "__main__":
    for name, fn in CHECKS.items():
        if CHECK in ("all", name):
            fn()
    sys.stdout.flush()
