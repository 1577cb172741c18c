"""Check that greenzmq.constants agrees with the zmq.h this build uses.

Every numeric ``#define ZMQ_<NAME>`` of zmq.h that greenzmq exports must have the same value
in ``greenzmq.constants``, and the socket types and socket options zmq.h defines must all be
exported. Names zmq.h lacks (newer libzmq, pyzmq-only) are not checked here. Exits 1 on a
mismatch. The header is found with ``pkg-config --variable=includedir libzmq`` unless given.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys


def header_path() -> str:
    if len(sys.argv) > 1:
        return sys.argv[1]
    try:
        inc = subprocess.run(["pkg-config", "--variable=includedir", "libzmq"], check=True,
                             capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        inc = ""
    return os.path.join(inc or "/usr/include", "zmq.h")


def defines(text: str) -> dict[str, int]:
    """The numeric ZMQ_ defines of zmq.h, aliases (``#define ZMQ_A ZMQ_B``) resolved."""
    out: dict[str, int] = {}
    for m in re.finditer(r"^\s*#\s*define ZMQ_(\w+)\s+([^/\n]+)", text, re.M):
        name, val = m.group(1), m.group(2).strip()
        if re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", val):
            out[name] = int(val, 0)
        elif val.startswith("ZMQ_") and val[4:] in out:
            out[name] = out[val[4:]]
    return out


def main() -> int:
    from greenzmq import constants

    path = header_path()
    with open(path) as f:
        defs = defines(f.read())
    errors = []
    for name, value in defs.items():
        if name.startswith(("VERSION", "HAUSNUMERO", "DEFINED", "HAVE", "MAKE")):
            continue
        ours = getattr(constants, name, None)
        if ours is not None and not isinstance(ours, type) and int(ours) != value:
            errors.append(f"ZMQ_{name}: zmq.h says {value}, greenzmq.constants says {int(ours)}")
    for enum_name in ("SocketType", "SocketOption"):
        enum = getattr(constants, enum_name)
        for member in enum:
            if member.name in defs and defs[member.name] != member.value:
                errors.append(f"{enum_name}.{member.name}: zmq.h says {defs[member.name]}, "
                              f"the enum says {member.value}")
    for name in ("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB",
                 "XSUB", "STREAM", "LINGER", "SNDHWM", "RCVHWM", "ROUTING_ID", "EVENTS", "FD"):
        if name in defs and not hasattr(constants, name):
            errors.append(f"ZMQ_{name} is in zmq.h but greenzmq.constants lacks it")
    for line in errors:
        print(line)
    print(f"check_constants: {len(defs)} defines in {path}, {len(errors)} mismatches")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
