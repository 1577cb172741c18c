"""tornado integration: :class:`~greenzmq.eventloop.zmqstream.ZMQStream` on tornado's IOLoop.

The submodules follow pyzmq's names (``greenzmq.eventloop.ioloop``,
``greenzmq.eventloop.zmqstream``). tornado is optional (the ``tornado`` extra): this
package imports without it, and the submodules raise a clear ImportError when used.
"""
from __future__ import annotations

from typing import Any

__all__ = ["IOLoop", "ZMQStream", "ioloop", "zmqstream"]


def __getattr__(name: str) -> Any:
    # imported lazily so that `import greenzmq.eventloop` never requires tornado
    if name in ("IOLoop", "ioloop"):
        from greenzmq.eventloop import ioloop

        return ioloop if name == "ioloop" else ioloop.IOLoop
    if name in ("ZMQStream", "zmqstream"):
        from greenzmq.eventloop import zmqstream

        return zmqstream if name == "zmqstream" else zmqstream.ZMQStream
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
