"""pyzmq's ``zmq.utils.garbage`` name, as an honest no-op face.

pyzmq releases the Python objects behind zero-copy frames through a background
"garbage collector" thread fed over an inproc socket, and lists the buffers libzmq
still holds in ``gc.refs``. greenzmq needs no such thread: libzmq's free callback
queues the release and the core drops the reference (see docs/zerocopy.rst), so
there is no registry to show and ``refs`` is always empty.
"""
from __future__ import annotations

from typing import Any

__all__ = ["GarbageCollector", "gc"]


class GarbageCollector:
    """Stand-in for pyzmq's zero-copy GC thread (greenzmq has none to run)."""

    def __init__(self, context: Any = None) -> None:
        self.refs: dict = {}
        self.context = context

    def start(self) -> None:
        """Nothing to start."""

    def stop(self) -> None:
        """Nothing to stop."""

    @property
    def is_alive(self) -> bool:
        """Always False: there is no thread."""
        return False


gc = GarbageCollector()
