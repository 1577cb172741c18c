"""Print log records published by a PUBHandler, like ``tail -f`` of a remote log.

Usage::

    python -m greenzmq.log tcp://host:port [--topic T ...] [--bind]

Each record becomes one line ``TOPIC | message`` on stdout, flushed at once so the
output can be piped. A message of several lines (a traceback) continues on lines
indented to the ``|``. Ctrl-C (SIGINT) or SIGTERM end it cleanly with status 0.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import TextIO

__all__ = ["main", "format_record"]


def format_record(frames: Sequence[bytes]) -> str:
    """Turn a published ``[topic, text]`` message into output line(s), newline-ended."""
    if len(frames) >= 2:
        topic = frames[0].decode("utf-8", "replace")
        text = b"".join(frames[1:]).decode("utf-8", "replace")
    else:  # not from a PUBHandler: show what there is
        topic, text = "", b"".join(frames).decode("utf-8", "replace")
    lines = text.rstrip("\n").split("\n")
    prefix = f"{topic} | "
    indent = " " * len(topic) + " | "
    return "".join((prefix if i == 0 else indent) + line + "\n" for i, line in enumerate(lines))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m greenzmq.log",
        description="Subscribe to log records published by greenzmq.log.handlers.PUBHandler "
                    "and print them as they arrive.")
    parser.add_argument("endpoints", nargs="+", metavar="ENDPOINT",
                        help="where the PUBHandler publishes, e.g. tcp://127.0.0.1:5555")
    parser.add_argument("-t", "--topic", action="append", default=None,
                        help="print only topics starting with TOPIC (repeatable; default: all)")
    parser.add_argument("--bind", action="store_true",
                        help="bind to the endpoints instead of connecting")
    return parser


class _Terminate(Exception):
    """Raised by the SIGTERM handler to leave the receive loop."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminate()


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the subscriber; return the exit status."""
    args = _parser().parse_args(argv)
    out = out if out is not None else sys.stdout

    import greenzmq

    ctx = greenzmq.Context()
    sub = ctx.socket(greenzmq.SUB)
    try:
        for topic in args.topic or [""]:
            sub.setsockopt(greenzmq.SUBSCRIBE, topic.encode("utf-8"))
        for endpoint in args.endpoints:
            try:
                (sub.bind if args.bind else sub.connect)(endpoint)
            except greenzmq.ZMQError as exc:
                print(f"python -m greenzmq.log: {endpoint}: {exc}", file=sys.stderr)
                return 2
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            while True:
                # blocking recv: the core turns a signal into KeyboardInterrupt promptly
                out.write(format_record(sub.recv_multipart()))
                out.flush()
        except (KeyboardInterrupt, _Terminate):
            return 0
        except BrokenPipeError:
            # the reader went away (`| head`): stop quietly, and keep Python from
            # complaining again when it flushes stdout at exit
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, out.fileno())
            except (OSError, ValueError):  # `out` is not a real file: nothing to protect
                pass
            return 0
    finally:
        sub.close(linger=0)
        ctx.term()


if __name__ == "__main__":
    sys.exit(main())
