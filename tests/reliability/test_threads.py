"""Thread misuse: close or destroy from another thread while a call blocks."""
from __future__ import annotations

import os
import threading
from typing import Any

import pytest

import greenzmq as zmq
from relutil import report, run_case, wait_blocked


def test_socket_docstring_says_not_thread_safe() -> None:
    assert "not thread-safe" in (zmq.Socket.__doc__ or "")
    assert "never" in (zmq.Socket.recv_pyobj.__doc__ or "").lower()


class Blocked:
    """A thread blocked in ``fn()``; keeps what it returned or raised."""

    def __init__(self, fn: Any) -> None:
        self.outcome: list[Any] = []
        self._ready = threading.Event()
        self.tid = 0
        self.thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self.thread.start()
        assert self._ready.wait(5)
        wait_blocked(os.getpid(), self.tid)

    def _run(self, fn: Any) -> None:
        self.tid = threading.get_native_id()
        self._ready.set()
        try:
            self.outcome.append(fn())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            self.outcome.append(exc)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("call", ["recv", "recv_multipart", "poll", "poller"])
def test_close_from_other_thread_while_blocked_is_clean(call: str) -> None:
    """Either close() refuses (EBUSY) and the socket stays whole, or it closes and the
    blocked call raises ZMQError(ENOTSOCK) at once; never an abort or a hang.
    (In a subprocess: a failure here can leave a thread inside a freed libzmq socket.)"""
    r = run_case("thread_close", "threads", 25, call=call)
    assert r["outcome"] in ("EBUSY", "closed; blocked call raised ENOTSOCK"), r
    report("close_while_blocked", **r)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("call", ["recv", "recv_multipart", "poll"])
def test_close_while_blocked_in_recv_wakes_it_with_enotsock(pair: Any, call: str) -> None:
    """close() from another thread hands the socket to the blocked call, which closes it
    and raises ZMQError(ENOTSOCK) (tests/test_close_from_thread.py covers every call)."""
    pull, push = pair(zmq.PULL, zmq.PUSH)
    blocked = Blocked(getattr(pull, call))
    pull.close()
    assert pull.closed
    blocked.thread.join(5)
    assert not blocked.thread.is_alive()
    (exc,) = blocked.outcome
    assert isinstance(exc, zmq.ZMQError) and exc.errno == zmq.ENOTSOCK, exc


@pytest.mark.timeout(20)
@pytest.mark.parametrize("how", ["destroy", "term"])
def test_context_end_from_other_thread_wakes_blocked_recv(how: str) -> None:
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.bind("inproc://misuse-term")
    blocked = Blocked(pull.recv)
    ended: list[Any] = []

    def end() -> None:
        try:
            ended.append(ctx.destroy(linger=0) if how == "destroy" else ctx.term())
        except Exception as exc:  # noqa: BLE001 - checked below
            ended.append(exc)

    ender = threading.Thread(target=end, daemon=True)
    ender.start()
    blocked.thread.join(5)
    assert not blocked.thread.is_alive(), "blocked recv not woken"
    assert len(blocked.outcome) == 1 and isinstance(blocked.outcome[0], zmq.ContextTerminated), \
        blocked.outcome
    if how == "term":
        pull.close()  # term waits for its sockets: the owner closes after ETERM
    ender.join(5)
    assert not ender.is_alive(), f"{how} hung"
    assert ended == [None], ended
    assert ctx.closed


@pytest.mark.timeout(30)
@pytest.mark.parametrize("green", ["gevent", "eventlet"])
def test_green_close_and_destroy_from_other_greenlet(green: str) -> None:
    pytest.importorskip(green)
    r = run_case("green_misuse", green, 25)
    assert r["close"] == ["ZMQError", zmq.ENOTSOCK]
    # destroy closes the sockets first (design notes), term does not
    assert r["destroy"][1] in (zmq.ENOTSOCK, zmq.ETERM), r
    assert r["term"] == ["ContextTerminated", zmq.ETERM]
    report("green_misuse", **r)
