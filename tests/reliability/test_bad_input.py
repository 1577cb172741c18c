"""Bad input on the entry points tests/test_fuzz.py leaves out: clear errors, never a crash.

Serialisation helpers with bad payloads, multipart lists with non-bytes items (and no
half-sent message left behind), green sockets with random flags and timeouts (never a hung
call).  Every failure must be an ordinary exception and leave the socket usable.
"""
from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import greenzmq as zmq
import toolbox
from relutil import SOAK, report, run_case

EXAMPLES = settings(max_examples=2000 if SOAK else 120, deadline=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def pair() -> Any:
    ctx = zmq.Context()
    yield toolbox.pair(ctx, zmq.PAIR, zmq.PAIR, linger=0, rcvtimeo=2_000, sndtimeo=2_000)
    ctx.destroy(linger=0)


def still_works(a: Any, b: Any) -> None:
    """Nothing is left in flight, and a fresh message goes through intact and alone."""
    assert b.poll(0) == 0, "a failed call left frames behind"
    a.send_multipart([b"ok", b"still"])
    assert b.recv_multipart() == [b"ok", b"still"]


def not_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return True
    return False


@pytest.mark.timeout(60)
@EXAMPLES
@given(data=st.binary(max_size=200))
def test_recv_json_on_non_json_raises_valueerror(pair: Any, data: bytes) -> None:
    assume(not_json(data))
    a, b = pair
    a.send(data)
    with pytest.raises(ValueError):  # JSONDecodeError and UnicodeDecodeError both are
        b.recv_json()
    still_works(a, b)


@pytest.mark.timeout(60)
@EXAMPLES
@given(data=st.binary(max_size=200))
def test_recv_pyobj_on_garbage_raises(pair: Any, data: bytes) -> None:
    try:
        pickle.loads(data)
    except Exception:  # noqa: BLE001 - garbage is garbage whatever pickle calls it
        pass
    else:
        assume(False)
    a, b = pair
    a.send(data)
    with pytest.raises(Exception) as err:
        b.recv_pyobj()
    assert not isinstance(err.value, zmq.ZMQError), "decoding error dressed as a socket error"
    still_works(a, b)


def test_recv_pyobj_documents_its_danger() -> None:
    doc = (zmq.Socket.recv_pyobj.__doc__ or "").lower()
    assert "arbitrary code" in doc and "trust" in doc


unserialisable = st.one_of(st.builds(object), st.sets(st.integers(), max_size=2),
                           st.binary(max_size=4), st.complex_numbers(allow_nan=False),
                           st.just(Ellipsis), st.just(len))
json_ish = st.recursive(
    unserialisable,
    lambda inner: st.one_of(st.lists(inner, min_size=1, max_size=3),
                            st.dictionaries(st.text(max_size=3), inner, min_size=1, max_size=3)),
    max_leaves=6)


@pytest.mark.timeout(60)
@EXAMPLES
@given(obj=json_ish)
def test_send_json_unserialisable_raises_typeerror_and_sends_nothing(pair: Any, obj: Any) -> None:
    a, b = pair
    with pytest.raises(TypeError):
        a.send_json(obj)
    still_works(a, b)


@pytest.mark.timeout(60)
@EXAMPLES
@given(data=st.binary(min_size=1, max_size=100))
def test_recv_string_on_bad_utf8_raises_valueerror(pair: Any, data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        assume(False)
    a, b = pair
    a.send(data)
    with pytest.raises(UnicodeDecodeError):
        b.recv_string()
    still_works(a, b)


bad_items = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=5),
                      st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
                      st.builds(object), st.lists(st.binary(max_size=2), max_size=2))


@pytest.mark.timeout(60)
@EXAMPLES
@given(parts=st.lists(st.one_of(st.binary(max_size=20), bad_items), min_size=1, max_size=6),
       copy=st.booleans())
def test_send_multipart_with_non_bytes_items(pair: Any, parts: list, copy: bool) -> None:
    assume(any(not isinstance(p, (bytes, bytearray, memoryview)) for p in parts))
    a, b = pair
    with pytest.raises(TypeError):
        a.send_multipart(parts, copy=copy)
    # no frame of the refused message may be left half-sent
    still_works(a, b)


@pytest.mark.timeout(60)
@EXAMPLES
@given(msg=st.one_of(st.none(), st.integers(), st.binary(max_size=4), st.text(max_size=4),
                     st.builds(object)))
def test_send_multipart_with_non_sequence_raises_typeerror(pair: Any, msg: Any) -> None:
    a, b = pair
    # (b"" and "" are empty sequences: "no frame" is a ValueError)
    with pytest.raises((TypeError, ValueError)):
        a.send_multipart(msg)
    still_works(a, b)


@pytest.mark.timeout(60)
@EXAMPLES
@given(frames=st.lists(st.binary(max_size=8), max_size=4), fail_at=st.sampled_from(["ser", "de"]))
def test_serialized_helpers_propagate_errors(pair: Any, frames: list, fail_at: str) -> None:
    a, b = pair

    class Boom(Exception):
        pass

    def bad(_: Any) -> Any:
        raise Boom

    if fail_at == "ser":
        with pytest.raises(Boom):
            a.send_serialized(frames, bad)
    else:
        a.send_multipart(frames or [b""])
        with pytest.raises(Boom):
            b.recv_serialized(bad)
    still_works(a, b)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("green", ["gevent", "eventlet"])
def test_green_sockets_random_flags_and_timeouts(green: str) -> None:
    pytest.importorskip(green)
    examples = 1000 if SOAK else 40
    r = run_case("green_fuzz", green, 110, examples=examples)
    assert r["calls"] > 0 and r["slowest_over_ms"] < 500, r
    report("green_fuzz", **r)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("green", ["gevent", "eventlet"])
def test_green_serialisation_and_multipart_bad_input(green: str) -> None:
    pytest.importorskip(green)
    r = run_case("green_bad_input", green, 110, examples=1000 if SOAK else 60)
    assert r["multipart"] > 0 and r["json_out"] > 0 and r["json_in"] > 0, r
    report("green_bad_input", **r)
