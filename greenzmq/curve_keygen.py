"""Make a CURVE keypair: ``python -m greenzmq.curve_keygen``.

Without options, prints a new public and secret key (Z85). With ``--dir``,
writes ``<name>.key`` and ``<name>.key_secret`` certificates there instead.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

__all__ = ["main"]


def _parse_metadata(items: Sequence[str]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"metadata {item!r} is not NAME=VALUE")
        metadata[key] = value
    return metadata


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m greenzmq.curve_keygen",
        description="Generate a CURVE keypair for ZeroMQ (Z85 encoded).")
    parser.add_argument("-d", "--dir", help="write certificate files into this directory "
                        "instead of printing the keys")
    parser.add_argument("-n", "--name", default="id",
                        help="base name of the certificate files (default: id)")
    parser.add_argument("-m", "--metadata", action="append", default=[], metavar="NAME=VALUE",
                        help="metadata entry for the certificates (repeatable)")
    args = parser.parse_args(argv)

    import greenzmq

    if not greenzmq.has("curve"):
        print("error: this libzmq was built without CURVE support", file=sys.stderr)
        return 1
    if args.dir is None:
        if args.metadata:
            parser.error("--metadata needs --dir")
        public, secret = greenzmq.curve_keypair()
        print("== CURVE PUBLIC KEY ==")
        print(public.decode("ascii"))
        print("== CURVE SECRET KEY ==")
        print(secret.decode("ascii"))
        return 0

    from greenzmq.auth.certs import create_certificates

    try:
        metadata = _parse_metadata(args.metadata)
        public_file, secret_file = create_certificates(args.dir, args.name, metadata or None)
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(public_file)
    print(secret_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
