"""greenzmq: ZeroMQ for Python with pyzmq's API, fast, and friendly to green threads.

``import greenzmq as zmq`` runs pyzmq programs; ``greenzmq.green_gevent`` and
``greenzmq.green_eventlet`` give sockets whose blocking calls block only one greenlet.
``greenzmq.install_as_zmq()`` (or ``python -m greenzmq run prog.py``) makes programs and
libraries that ``import zmq`` themselves run on greenzmq.
"""
import importlib as _importlib
import os as _os
import sys as _sys

from greenzmq import constants, core, error
from greenzmq.constants import *  # noqa: F401,F403
from greenzmq.error import *  # noqa: F401,F403
from greenzmq.error import DraftFDWarning
from greenzmq.core import *  # noqa: F401,F403
from greenzmq.core import _zmq as _core
from greenzmq.core.version import (
    __revision__, __version__, greenzmq_version, pyzmq_version, pyzmq_version_info,
)
from greenzmq._install import install_as_zmq

#: pyzmq's flag for a build with libzmq's draft API (greenzmq binds the stable API only)
PYZMQ_DRAFT_API = False
#: longest ipc:// path libzmq accepts here (sizeof(sockaddr_un.sun_path) - 1)
IPC_PATH_MAX_LEN = 103 if _sys.platform == "darwin" or "bsd" in _sys.platform else 107

# pyzmq's names of the synchronous (non-asyncio) classes, for type annotations
SyncContext = Context  # noqa: F405
SyncSocket = Socket  # noqa: F405

#: a tracker that is already done (what pyzmq returns for sends that need no tracking)
_FINISHED_TRACKER = MessageTracker()  # noqa: F405


def get_includes() -> list:
    """Directories holding greenzmq's Cython declarations (``core/_zmq.pxd``, ``libzmq.pxd``).

    Like pyzmq's: the directory above the package, then the package's ``utils``.
    """
    base = _os.path.dirname(_os.path.abspath(__file__))
    return [_os.path.dirname(base), _os.path.join(base, "utils"), _os.path.join(base, "core")]


def get_library_dirs() -> list:
    """The package directory (pyzmq's bundled libzmq lives there; greenzmq links the
    system libzmq, found with ``pkg-config libzmq``)."""
    return [_os.path.dirname(_os.path.abspath(__file__))]


_LAZY = {"devices", "utils", "auth", "eventloop", "log", "green_gevent", "green_eventlet", "perf",
         "decorators", "ssh", "asyncio"}

__all__ = sorted(set(
    constants.__all__ + error.__all__ + core.__all__
    + ["constants", "DraftFDWarning", "DRAFT_API", "PYZMQ_DRAFT_API", "IPC_PATH_MAX_LEN",
       "SyncContext", "SyncSocket", "_FINISHED_TRACKER", "get_includes", "get_library_dirs",
       "pyzmq_version", "pyzmq_version_info", "greenzmq_version", "__version__",
       "__revision__", "install_as_zmq"]) - {"_check_rc"})


#: pyzmq's module names for greenzmq modules of another name (``from zmq import green``
#: once installed as zmq, ``zmq.backend.Socket``, ``zmq.sugar.socket``)
_PYZMQ_NAMES = {"green": "green_gevent", "sugar": "core", "backend": "core"}


def __getattr__(name: str):
    # submodules on first use (zmq.devices.ThreadDevice works without an import, as in pyzmq)
    if name in _LAZY:
        return _importlib.import_module(f"greenzmq.{name}")
    if name in _PYZMQ_NAMES:
        return _importlib.import_module(f"greenzmq.{_PYZMQ_NAMES[name]}")
    raise AttributeError(f"module 'greenzmq' has no attribute {name!r}")
