"""greenzmq.utils.strtypes and error._check_rc: the small pyzmq helpers old code imports."""
import errno

import pytest

import greenzmq as zmq
from greenzmq.error import _check_rc
from greenzmq.utils import strtypes


@pytest.mark.parametrize("value, as_bytes, as_str", [
    (b"abc", b"abc", "abc"),
    ("abc", b"abc", "abc"),
    ("héllo", "héllo".encode(), "héllo"),
])
def test_cast_round_trip(value, as_bytes, as_str):
    assert strtypes.cast_bytes(value) == strtypes.b(value) == as_bytes
    assert strtypes.cast_unicode(value) == strtypes.u(value) == as_str


def test_cast_encoding_and_errors():
    assert strtypes.cast_bytes("é", "latin-1") == b"\xe9"
    assert strtypes.cast_unicode(b"\xe9", "latin-1") == "é"
    with pytest.raises(UnicodeDecodeError):
        strtypes.cast_unicode(b"\xff")
    assert strtypes.cast_unicode(b"\xff", errors="replace") == "\ufffd"


@pytest.mark.parametrize("bad", [1, None, 2.5, bytearray(b"x"), ["a"]])
def test_cast_refuses_other_types(bad):
    with pytest.raises(TypeError):
        strtypes.cast_bytes(bad)
    with pytest.raises(TypeError):
        strtypes.cast_unicode(bad)


def test_type_aliases():
    assert strtypes.unicode is str and strtypes.bytes is bytes
    assert isinstance(b"x", strtypes.basestring) and isinstance("x", strtypes.basestring)
    assert set(strtypes.__all__) == {"bytes", "unicode", "basestring", "cast_bytes",
                                     "cast_unicode", "b", "u"}


def test_check_rc():
    assert _check_rc(0) == 0 and _check_rc(7) == 7
    with pytest.raises(zmq.ZMQError) as info:
        _check_rc(-1, errno.EINVAL)
    assert info.value.errno == errno.EINVAL
    assert "_check_rc" not in zmq.error.__all__
