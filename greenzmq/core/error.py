"""Old module path: greenzmq.core.error."""
from greenzmq.core._zmq import strerror, zmq_errno
from greenzmq.error import *  # noqa: F401,F403
from greenzmq.error import __all__ as _all

__all__ = list(_all) + ["strerror", "zmq_errno"]
