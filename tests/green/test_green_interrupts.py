"""The wait engine when interrupted or moved, on both hubs: an exception or kill anywhere in
a wait loses no wake-up; a socket parked on in one thread can be waited on in another."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

SCRIPTS = os.path.join(os.path.dirname(__file__), "scripts")


@pytest.mark.timeout(90)
def test_signal_storm_loses_no_wakeup(hub):
    """A 0.3 ms itimer whose handler raises inside send/recv of four greenlets on one
    DEALER: afterwards all four get every reply and nothing stays parked (subprocess)."""
    script = os.path.join(SCRIPTS, "signal_storm.py")
    proc = subprocess.run([sys.executable, script, hub.name, "1.5"], capture_output=True, text=True,
                          timeout=80)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert lines, proc.stderr[-2000:]
    out = json.loads(lines[-1])
    assert out["raised"] > 50, out  # the storm did hit the calls
    assert out["joined"] and out["calm_replies"] == [20] * 4, out
    assert out["nwait"] == 0 and out["queued"] == 0, out
    assert proc.returncode == 0, out


def _park_until_queued(hub, sock, n=1, tries=1000):
    for _ in range(tries):
        if sock._gs.nwait >= n:
            return
        hub.sleep(0)
    raise AssertionError("the greenlet never parked")


@pytest.mark.timeout(30)
def test_socket_parked_on_then_used_in_another_thread(hub):
    """A socket parked on in this thread, then waited on in a new OS thread (its own
    hub): the watcher follows the thread that waits now, the recv there wakes."""
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH)
    g = hub.spawn(pull.recv)
    _park_until_queued(hub, pull)
    push.send(b"here")
    assert g.get(5) == b"here"

    parked, result = threading.Event(), []

    def elsewhere():
        h = hub.spawn(pull.recv)
        _park_until_queued(hub, pull)
        parked.set()
        try:
            result.append(h.get(5))
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            result.append(e)

    t = threading.Thread(target=elsewhere, daemon=True)
    t.start()
    assert parked.wait(10)
    push.send(b"there")
    t.join(10)
    assert result == [b"there"]
    # and back here again
    g = hub.spawn(pull.recv)
    _park_until_queued(hub, pull)
    push.send(b"back")
    assert g.get(5) == b"back"
    assert pull._gs.nwait == 0


@pytest.mark.timeout(30)
def test_killed_waiters_hand_readiness_on(hub):
    """Greenlets killed while queued on a socket leave it; the others get every message."""
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH)
    gs = [hub.spawn(pull.recv) for _ in range(6)]
    _park_until_queued(hub, pull, 6)
    for g in gs[::2]:
        g.kill()
    for i in range(3):
        push.send(b"%d" % i)
    assert sorted(g.get(5) for g in gs[1::2]) == [b"0", b"1", b"2"]
    assert pull._gs.nwait == 0 and not pull._gs.rq
