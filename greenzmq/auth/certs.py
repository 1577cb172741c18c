"""CURVE certificate files: create, load one, load a directory of them.

The files use the ZPL text layout shared with czmq's zcert and pyzmq, so
certificates move freely between them::

    #   ZeroMQ CURVE Public Certificate
    metadata
        name = "value"
    curve
        public-key = "<40 Z85 characters>"

``<name>.key`` holds the public key only; ``<name>.key_secret`` holds both
keys and is created with mode 0600.
"""
from __future__ import annotations

import datetime
import os
import re
import tempfile
from typing import Mapping

__all__ = ["create_certificates", "load_certificate", "load_certificates"]

_PUBLIC_BANNER = """\
#   ZeroMQ CURVE Public Certificate
#   Share this file with the peers that must recognise this key; check its
#   contents after any exchange over an untrusted channel.
"""

_SECRET_BANNER = """\
#   ZeroMQ CURVE **Secret** Certificate
#   Keep this file private: anyone who reads it can act as its owner.
"""

# ZPL names: letters, digits and a few punctuation marks, no spaces or '='
_NAME_RE = re.compile(r"^[A-Za-z0-9$\-_@.&+/]+$")


def _check_key_text(key: bytes, where: str) -> bytes:
    from greenzmq.utils import z85

    if len(key) != 40:
        raise ValueError(f"{where}: a CURVE key is 40 Z85 characters, got {len(key)}")
    try:
        z85.decode(key)
    except ValueError as e:
        raise ValueError(f"{where}: key is not valid Z85: {e}") from None
    return key


def _cert_text(banner: str, metadata: Mapping[str, str] | None, public_key: bytes,
               secret_key: bytes | None) -> str:
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    lines = [f"#   ****  Generated on {stamp} by greenzmq  ****", banner.rstrip("\n"), "",
             "metadata"]
    for k, v in (metadata or {}).items():
        k, v = str(k), str(v)
        if not _NAME_RE.match(k):
            raise ValueError(f"metadata name {k!r} is not a valid certificate name "
                             "(letters, digits and $-_@.&+/ only)")
        if '"' in v or "\n" in v or "\r" in v:
            raise ValueError(f"metadata value for {k!r} may not hold quotes or line breaks")
        lines.append(f'    {k} = "{v}"')
    lines.append("curve")
    lines.append(f'    public-key = "{public_key.decode("ascii")}"')
    if secret_key is not None:
        lines.append(f'    secret-key = "{secret_key.decode("ascii")}"')
    return "\n".join(lines) + "\n"


def _write_atomic(path: str, text: str, mode: int) -> None:
    # write to a private temporary file beside the target, then rename it into
    # place: readers never see a half-written file and a secret never exists
    # with looser permissions, even for a moment
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".cert", dir=directory)
    try:
        # mkstemp already creates the file 0600; fchmod sets the mode we want
        # for public files (subject to nothing: it is explicit)
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            fd = -1
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def create_certificates(key_dir: str | os.PathLike[str], name: str,
                        metadata: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Create a new CURVE keypair and write it as two certificate files.

    Parameters
    ----------
    key_dir : path
        Existing directory to write into.
    name : str
        Base name: files are ``<name>.key`` and ``<name>.key_secret``.
    metadata : mapping, optional
        Extra ``name = "value"`` entries for the metadata section.

    Returns
    -------
    (public_file, secret_file) : tuple of str
        Paths of the files written. The secret file has mode 0600.
    """
    from greenzmq import curve_keypair

    key_dir = os.fspath(key_dir)
    if not os.path.isdir(key_dir):
        raise ValueError(f"certificate directory {key_dir!r} does not exist")
    if not name or os.sep in name or (os.altsep and os.altsep in name):
        raise ValueError(f"certificate name {name!r} must be a non-empty file name")
    public_key, secret_key = curve_keypair()
    base = os.path.join(key_dir, name)
    public_file = base + ".key"
    secret_file = base + ".key_secret"
    public_mode = 0o644 & ~_current_umask()
    _write_atomic(public_file, _cert_text(_PUBLIC_BANNER, metadata, public_key, None), public_mode)
    _write_atomic(secret_file, _cert_text(_SECRET_BANNER, metadata, public_key, secret_key), 0o600)
    return public_file, secret_file


def _current_umask() -> int:
    # os.umask can only be read by setting it; restore at once
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def load_certificate(filename: str | os.PathLike[str]) -> tuple[bytes, bytes | None]:
    """Read the keys from a certificate file.

    Parameters
    ----------
    filename : path
        A ``.key`` or ``.key_secret`` file.

    Returns
    -------
    (public_key, secret_key) : tuple
        Z85 bytes; ``secret_key`` is None for a public certificate.

    Raises
    ------
    ValueError
        If the file has no public key or a key is malformed.
    """
    filename = os.fspath(filename)
    public_key: bytes | None = None
    secret_key: bytes | None = None
    with open(filename, "rb") as f:
        for raw in f:
            line = raw.strip()
            if line.startswith(b"#"):
                continue
            key, sep, value = line.partition(b"=")
            if not sep:
                continue
            key = key.strip()
            value = value.strip().strip(b"\"'")
            if key == b"public-key":
                public_key = _check_key_text(value, f"{filename}: public-key")
            elif key == b"secret-key":
                secret_key = _check_key_text(value, f"{filename}: secret-key")
    if public_key is None:
        raise ValueError(f"no public key found in certificate file {filename}")
    return public_key, secret_key


def load_certificates(directory: str | os.PathLike[str] = ".") -> dict[bytes, bool]:
    """Load the public keys of every ``*.key`` file in a directory.

    Parameters
    ----------
    directory : path
        Directory of public certificates.

    Returns
    -------
    dict
        ``{public_key_z85: True}``, the form ``Authenticator`` checks keys against.
    """
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise ValueError(f"certificate directory {directory!r} does not exist")
    keys: dict[bytes, bool] = {}
    for entry in sorted(os.listdir(directory)):
        if not entry.endswith(".key"):
            continue
        path = os.path.join(directory, entry)
        if os.path.isfile(path):
            public_key, _ = load_certificate(path)
            keys[public_key] = True
    return keys
