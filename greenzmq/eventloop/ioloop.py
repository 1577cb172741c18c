"""The tornado IOLoop under pyzmq's old names.

pyzmq once shipped its own IOLoop; modern pyzmq (and greenzmq) simply use tornado's,
which runs on asyncio. The names below keep code written for ``zmq.eventloop.ioloop``
working after renaming the top package.

tornado is an optional dependency (the ``tornado`` extra).
"""
from __future__ import annotations

import warnings

try:
    from tornado.ioloop import IOLoop, PeriodicCallback
except ImportError as exc:  # pragma: no cover - exercised only without tornado
    raise ImportError(
        "greenzmq.eventloop needs tornado, which is not installed; "
        "install it with `pip install greenzmq[tornado]` (or `pip install tornado`)"
    ) from exc

__all__ = ["IOLoop", "ZMQIOLoop", "PeriodicCallback", "install"]

#: pyzmq's name for its IOLoop; tornado's IOLoop handles ZeroMQ sockets through
#: their ZMQ_FD, so no special loop class is needed.
ZMQIOLoop = IOLoop


def install() -> None:
    """Do nothing but warn (DeprecationWarning, as pyzmq does).

    pyzmq's ``install()`` made its own IOLoop tornado's global instance. tornado's
    asyncio-based IOLoop needs no such step, so this call is a harmless no-op.
    """
    warnings.warn("greenzmq.eventloop.ioloop.install() does nothing: tornado's IOLoop "
                  "handles ZeroMQ sockets as it is", DeprecationWarning, stacklevel=2)
