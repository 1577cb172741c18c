"""Z85: ZeroMQ's printable encoding of binary data (RFC 32/Z85), in pure Python.

Every 4 bytes become 5 characters of an 85-letter alphabet, so input to
:func:`encode` must be a multiple of 4 bytes and input to :func:`decode` a
multiple of 5 characters. CURVE keys are 32 bytes, i.e. 40 Z85 characters.
"""
from __future__ import annotations

import struct

__all__ = ["encode", "decode", "Z85CHARS", "Z85MAP"]

#: the Z85 alphabet, in digit order
Z85CHARS = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
#: byte value -> digit, for the 85 valid characters
Z85MAP = {c: i for i, c in enumerate(Z85CHARS)}

# digit lookup by byte value: -1 marks a byte that is not in the alphabet
_DIGIT = [-1] * 256
for _i, _c in enumerate(Z85CHARS):
    _DIGIT[_c] = _i
del _i, _c

_P4 = 85 ** 4
_P3 = 85 ** 3
_P2 = 85 ** 2


def encode(rawbytes: bytes | bytearray | memoryview) -> bytes:
    """Encode binary data as Z85.

    Parameters
    ----------
    rawbytes : bytes-like
        Data whose length is a multiple of 4.

    Returns
    -------
    bytes
        ASCII Z85 text, 5 characters per 4 input bytes.

    Raises
    ------
    ValueError
        If the length is not a multiple of 4.
    """
    if isinstance(rawbytes, str):
        raise TypeError("z85.encode takes bytes, not str (encode the text first)")
    data = memoryview(rawbytes).cast("B")
    n = len(data)
    if n % 4:
        raise ValueError(f"z85.encode needs a length that is a multiple of 4 bytes, got {n}")
    words = struct.unpack(f">{n // 4}I", data)
    chars = Z85CHARS
    out = bytearray(n // 4 * 5)
    j = 0
    for w in words:
        out[j] = chars[w // _P4]
        out[j + 1] = chars[w // _P3 % 85]
        out[j + 2] = chars[w // _P2 % 85]
        out[j + 3] = chars[w // 85 % 85]
        out[j + 4] = chars[w % 85]
        j += 5
    return bytes(out)


def decode(z85bytes: bytes | bytearray | memoryview | str) -> bytes:
    """Decode Z85 text to binary data.

    Parameters
    ----------
    z85bytes : bytes-like or str
        Z85 text whose length is a multiple of 5 characters.

    Returns
    -------
    bytes
        4 bytes per 5 input characters.

    Raises
    ------
    ValueError
        If the length is not a multiple of 5, a character is not in the Z85
        alphabet, or a 5-character group encodes a value of 2**32 or more.
    """
    if isinstance(z85bytes, str):
        try:
            z85bytes = z85bytes.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("z85.decode: input contains non-ASCII characters, "
                             "which are not Z85") from None
    data = bytes(z85bytes)
    n = len(data)
    if n % 5:
        raise ValueError(f"z85.decode needs a length that is a multiple of 5 characters, got {n}")
    digit = _DIGIT
    words = []
    for i in range(0, n, 5):
        value = 0
        for k in range(i, i + 5):
            d = digit[data[k]]
            if d < 0:
                raise ValueError(f"z85.decode: invalid character {chr(data[k])!r} at position {k}")
            value = value * 85 + d
        if value > 0xFFFFFFFF:
            raise ValueError(f"z85.decode: group {data[i:i + 5]!r} at position {i} "
                             "is out of range (over 2**32 - 1)")
        words.append(value)
    return struct.pack(f">{len(words)}I", *words)
