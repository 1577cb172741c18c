"""Z85 encoding (greenzmq.utils.z85) and jsonapi helpers."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenzmq.utils import jsonapi, z85

# the example from the Z85 specification (ZeroMQ RFC 32)
SPEC_BYTES = bytes([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B])
SPEC_TEXT = b"HelloWorld"

# the CURVE test keys from libzmq's test suite and the CURVE spec (RFC 26)
CURVE_PUBLIC_Z85 = b"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
CURVE_PUBLIC_HEX = "BB88471D65E2659B30C55A5321CEBB5AAB2B70A398645C26DCA2B2FCB43FC518"


def test_spec_vector() -> None:
    assert z85.encode(SPEC_BYTES) == SPEC_TEXT
    assert z85.decode(SPEC_TEXT) == SPEC_BYTES


def test_curve_key_vector() -> None:
    raw = bytes.fromhex(CURVE_PUBLIC_HEX)
    assert z85.encode(raw) == CURVE_PUBLIC_Z85
    assert z85.decode(CURVE_PUBLIC_Z85) == raw
    assert len(z85.decode(CURVE_PUBLIC_Z85)) == 32


def test_extremes() -> None:
    assert z85.encode(b"\x00\x00\x00\x00") == b"00000"
    assert z85.encode(b"\xff\xff\xff\xff") == b"%nSc0"
    assert z85.decode(b"%nSc0") == b"\xff\xff\xff\xff"
    assert z85.encode(b"") == b""
    assert z85.decode(b"") == b""


def test_decode_accepts_str_and_buffers() -> None:
    assert z85.decode("HelloWorld") == SPEC_BYTES
    assert z85.decode(bytearray(SPEC_TEXT)) == SPEC_BYTES
    assert z85.decode(memoryview(SPEC_TEXT)) == SPEC_BYTES
    assert z85.encode(bytearray(SPEC_BYTES)) == SPEC_TEXT
    assert z85.encode(memoryview(SPEC_BYTES)) == SPEC_TEXT


@pytest.mark.parametrize("n", [1, 2, 3, 5, 31, 33])
def test_encode_bad_length(n: int) -> None:
    with pytest.raises(ValueError, match="multiple of 4"):
        z85.encode(b"x" * n)


@pytest.mark.parametrize("n", [1, 4, 6, 39, 41])
def test_decode_bad_length(n: int) -> None:
    with pytest.raises(ValueError, match="multiple of 5"):
        z85.decode(b"0" * n)


@pytest.mark.parametrize(
    "bad", [b"Hello Worl", b'Hell"World', b"~~~~~", b"abc,d", b"\x00\x00\x00\x00\x00"]
)
def test_decode_invalid_character(bad: bytes) -> None:
    with pytest.raises(ValueError, match="invalid character"):
        z85.decode(bad)


def test_decode_non_ascii_str() -> None:
    with pytest.raises(ValueError, match="non-ASCII"):
        z85.decode("Hellö")


def test_decode_overflow() -> None:
    # '#' is digit 84: "#####" is 85**5 - 1, beyond 32 bits
    with pytest.raises(ValueError, match="out of range"):
        z85.decode(b"#####")
    with pytest.raises(ValueError, match="out of range"):
        z85.decode(b"%nSc1")  # 2**32, one past the largest word


def test_encode_rejects_str() -> None:
    with pytest.raises(TypeError):
        z85.encode("abcd")  # type: ignore[arg-type]


@given(st.binary(max_size=256).map(lambda b: b[: len(b) - len(b) % 4]))
def test_roundtrip(data: bytes) -> None:
    text = z85.encode(data)
    assert len(text) == len(data) // 4 * 5
    assert all(c in z85.Z85CHARS for c in text)
    assert z85.decode(text) == data


@given(st.text(alphabet=z85.Z85CHARS.decode(), max_size=60).map(lambda s: s[: len(s) - len(s) % 5]))
def test_decode_reencode(text: str) -> None:
    # every in-range group decodes and re-encodes to itself; out-of-range ones say so
    try:
        raw = z85.decode(text)
    except ValueError as e:
        assert "out of range" in str(e)
    else:
        assert z85.encode(raw) == text.encode()


def test_jsonapi_roundtrip() -> None:
    obj = {"a": [1, 2.5, None, True], "ü": "ß"}
    data = jsonapi.dumps(obj)
    assert isinstance(data, bytes)
    assert jsonapi.loads(data) == obj
    assert jsonapi.loads(data.decode("utf-8")) == obj
    assert jsonapi.loads(memoryview(data)) == obj
    assert jsonapi.dumps([1], separators=(",", ":")) == b"[1]"
    with pytest.raises(TypeError):
        jsonapi.loads(42)  # type: ignore[arg-type]
