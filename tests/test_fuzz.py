"""Random values thrown at the public calls: exceptions only, never a crash or a hang."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import greenzmq as zmq

values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=True), st.text(max_size=30), st.binary(max_size=300),
    st.lists(st.binary(max_size=8), max_size=4), st.just(object()), st.just(bytearray(b"ab")),
)
EXPECTED = (zmq.ZMQError, TypeError, ValueError, OverflowError, BufferError, KeyError)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

OPTIONS = [int(o) for o in zmq.SocketOption] + [-1, 0, 3, 255, 256, 1000, 2**31]
SAFE_TYPES = [zmq.PAIR, zmq.PUB, zmq.SUB, zmq.REQ, zmq.REP, zmq.DEALER, zmq.ROUTER, zmq.PULL,
              zmq.PUSH, zmq.XPUB, zmq.XSUB]


@pytest.fixture(scope="module")
def fctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.mark.timeout(120)
@FAST
@given(stype=st.sampled_from(SAFE_TYPES), option=st.sampled_from(OPTIONS), value=values)
def test_setsockopt_getsockopt(fctx, stype, option, value):
    s = fctx.socket(stype)
    s.sndtimeo = s.rcvtimeo = 0
    try:
        try:
            s.setsockopt(option, value)
        except EXPECTED:
            pass
        try:
            s.getsockopt(option)
        except EXPECTED:
            pass
    finally:
        s.close(linger=0)


@pytest.mark.timeout(120)
@FAST
@given(stype=st.sampled_from(SAFE_TYPES), data=values, flags=st.integers(-5, 10),
       copy=st.booleans(), track=st.booleans())
def test_send_recv_random(fctx, stype, data, flags, copy, track):
    s = fctx.socket(stype)
    s.sndtimeo = s.rcvtimeo = 0  # never block
    try:
        for call in (lambda: s.send(data, flags | zmq.NOBLOCK, copy=copy, track=track),
                     lambda: s.send_multipart(data if isinstance(data, list) else [data],
                                              zmq.NOBLOCK, copy=copy),
                     lambda: s.recv(flags | zmq.NOBLOCK, copy=copy),
                     lambda: s.recv_multipart(zmq.NOBLOCK),
                     lambda: s.send_string(data, zmq.NOBLOCK),
                     lambda: s.send_json(data, zmq.NOBLOCK),
                     lambda: s.poll(0, flags),
                     lambda: s.recv_into(data, flags=zmq.NOBLOCK)):
            try:
                call()
            except EXPECTED:
                pass
    finally:
        s.close(linger=0)


@pytest.mark.timeout(120)
@FAST
@given(stype=st.sampled_from(SAFE_TYPES + [zmq.STREAM]),
       addr=st.one_of(st.text(max_size=40), st.binary(max_size=40), st.integers(), st.none(),
                      st.sampled_from(["inproc://fz", "tcp://127.0.0.1:*", "ipc://@fz",
                                       "tcp://*:0", "inproc://", "tcp://", "udp://x"])))
def test_endpoints(fctx, stype, addr):
    s = fctx.socket(stype)
    try:
        for call in (s.bind, s.connect, s.unbind, s.disconnect):
            try:
                call(addr)
            except EXPECTED:
                pass
    finally:
        s.close(linger=0)


@pytest.mark.timeout(120)
@FAST
@given(data=values, track=st.booleans(), copy=st.one_of(st.none(), st.booleans()),
       option=st.one_of(st.integers(-3, 300), st.text(max_size=12)))
def test_frames(data, track, copy, option):
    try:
        f = zmq.Frame(data, track=track, copy=copy)
    except EXPECTED:
        return
    len(f), f.bytes, f.buffer
    try:
        f.get(option)
    except EXPECTED:
        pass


@pytest.mark.timeout(120)
@FAST
@given(stype=st.sampled_from(SAFE_TYPES), opt=st.integers(-2, 20), value=values)
def test_context_calls(stype, opt, value):
    c = zmq.Context()
    try:
        for call in (lambda: c.set(opt, value), lambda: c.get(opt), lambda: c.socket(value),
                     lambda: setattr(c, "linger", value), lambda: c.socket(stype).close()):
            try:
                call()
            except EXPECTED:
                pass
    finally:
        c.destroy(linger=0)


@pytest.mark.timeout(120)
@FAST
@given(items=st.lists(st.tuples(st.one_of(st.integers(-2, 2000), st.text(max_size=4), st.none()),
                                st.integers(-3, 9)), max_size=4),
       timeout=st.one_of(st.integers(0, 3), st.floats(0, 0.002), st.text(max_size=2)))
def test_poll_random(items, timeout):
    # (a negative or None timeout waits forever, by definition: not fuzzed here)
    try:
        zmq.zmq_poll(items, timeout)
    except EXPECTED:
        pass


# Call sequences over inproc names: tests/fuzz/inproc_sequences.py (in its own interpreter,
# as an abort there would end the test run), driven by tests/fuzz/test_fuzz_driver.py.
