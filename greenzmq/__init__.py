"""greenzmq: ZeroMQ for Python with pyzmq's API, fast, and friendly to green threads.

``import greenzmq as zmq`` runs pyzmq programs; ``greenzmq.green_gevent`` and
``greenzmq.green_eventlet`` give sockets whose blocking calls block only one greenlet.
"""
import importlib as _importlib

from greenzmq._version import __version__, pyzmq_api_version as _pyzmq_api_version
from greenzmq import constants
from greenzmq.constants import *  # noqa: F401,F403
from greenzmq.error import *  # noqa: F401,F403
from greenzmq.core import *  # noqa: F401,F403
from greenzmq.core import _zmq as _core


def pyzmq_version() -> str:
    """The pyzmq API level this greenzmq implements (for code that checks pyzmq's version)."""
    return _pyzmq_api_version


def pyzmq_version_info() -> tuple:
    """pyzmq_version() as a tuple of ints."""
    return tuple(int(x) for x in _pyzmq_api_version.split("."))


_LAZY = {"devices", "utils", "auth", "eventloop", "log", "green_gevent", "green_eventlet", "perf"}


def __getattr__(name: str):
    # submodules on first use (zmq.devices.ThreadDevice works without an import, as in pyzmq)
    if name in _LAZY:
        return _importlib.import_module(f"greenzmq.{name}")
    raise AttributeError(f"module 'greenzmq' has no attribute {name!r}")
