"""tornado integration: :class:`~greenzmq.eventloop.zmqstream.ZMQStream` on tornado's IOLoop.

The submodules follow pyzmq's names (``greenzmq.eventloop.ioloop``,
``greenzmq.eventloop.zmqstream``, and ``greenzmq.eventloop.future`` for sockets whose
I/O returns Futures). tornado is optional (the ``tornado`` extra): this
package imports without it, and the submodules raise a clear ImportError when used.
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["IOLoop", "ZMQStream", "future", "ioloop", "zmqstream"]

# attribute -> (submodule, name in it or None for the submodule itself)
_LAZY = {
    "ioloop": ("ioloop", None),
    "IOLoop": ("ioloop", "IOLoop"),
    "zmqstream": ("zmqstream", None),
    "ZMQStream": ("zmqstream", "ZMQStream"),
    "future": ("future", None),
}


def __getattr__(name: str) -> Any:
    # imported lazily so that `import greenzmq.eventloop` never requires tornado
    try:
        submodule, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = importlib.import_module(f"{__name__}.{submodule}")
    return module if attr is None else getattr(module, attr)
