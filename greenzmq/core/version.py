"""Version facts under pyzmq's names (``zmq.sugar.version``).

``__version__`` is the pyzmq API level greenzmq implements (see the design notes:
version checks written for pyzmq compare it); greenzmq's own release is
``greenzmq_version()``.
"""
from __future__ import annotations

from greenzmq._version import greenzmq_version as _greenzmq_version
from greenzmq._version import pyzmq_api_version as __version__
from greenzmq.core._zmq import zmq_version, zmq_version_info

__all__ = ["zmq_version", "zmq_version_info", "pyzmq_version", "pyzmq_version_info",
           "greenzmq_version", "__version__", "__revision__"]

_major, _minor, _patch = (int(x) for x in __version__.split(".")[:3])
VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH = _major, _minor, _patch
#: pre-release suffix of __version__ ("" for a release)
VERSION_EXTRA = ""
version_info: tuple = (_major, _minor, _patch)
#: source revision pyzmq appends to pyzmq_version() for development builds ("" here)
__revision__ = ""


def pyzmq_version() -> str:
    """The pyzmq API level this greenzmq implements (equal to ``__version__``)."""
    return __version__


def pyzmq_version_info() -> tuple:
    """pyzmq_version() as a tuple of three ints."""
    return version_info


def greenzmq_version() -> str:
    """greenzmq's own release number."""
    return _greenzmq_version
