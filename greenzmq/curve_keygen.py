"""Make a CURVE keypair: ``python -m greenzmq.curve_keygen``.

Without options, prints a new public and secret key (Z85); ``--json`` prints them as a
JSON object ``{"public": ..., "secret": ...}``; ``--secret KEY`` derives the public key of
an existing secret key instead of making a new pair (pyzmq's options). With ``--dir``,
writes ``<name>.key`` and ``<name>.key_secret`` certificates there instead.
"""
from __future__ import annotations

import argparse
import json
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
    # the name it was run under (``python3 -m zmq.curve_keygen`` once installed as zmq)
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    module = spec.name if spec is not None and spec.name.endswith("curve_keygen") \
        else "greenzmq.curve_keygen"
    parser = argparse.ArgumentParser(
        prog=f"python3 -m {module}",
        description="Generate a CURVE keypair for ZeroMQ (Z85 encoded).")
    parser.add_argument("-d", "--dir", help="write certificate files into this directory "
                        "instead of printing the keys")
    parser.add_argument("-n", "--name", default="id",
                        help="base name of the certificate files (default: id)")
    parser.add_argument("-m", "--metadata", action="append", default=[], metavar="NAME=VALUE",
                        help="metadata entry for the certificates (repeatable)")
    parser.add_argument("--json", action="store_true",
                        help='print {"public": ..., "secret": ...} as JSON')
    parser.add_argument("--secret", metavar="SECRET_KEY",
                        help="print the keypair of this Z85 secret key (no new key is made)")
    args = parser.parse_args(argv)

    import greenzmq

    if not greenzmq.has("curve"):
        print("error: this libzmq was built without CURVE support", file=sys.stderr)
        return 1
    if args.dir is not None and (args.json or args.secret):
        parser.error("--json and --secret print keys; they do not go with --dir")
    if args.dir is None:
        if args.metadata:
            parser.error("--metadata needs --dir")
        if args.secret is not None:
            secret = args.secret.encode("ascii", "replace")
            try:
                public = greenzmq.curve_public(secret)
            except (ValueError, greenzmq.ZMQError) as e:
                print(f"error: --secret: {e}", file=sys.stderr)
                return 1
        else:
            public, secret = greenzmq.curve_keypair()
        if args.json:
            print(json.dumps({"public": public.decode("ascii"), "secret": secret.decode("ascii")},
                             indent=1))
            return 0
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
