"""``install_as_zmq()``: make ``import zmq`` (and ``eventlet.green.zmq``) load greenzmq.

A finder placed first on ``sys.meta_path`` answers for ``zmq``, every ``zmq.*`` name and
``eventlet.green.zmq``. Its loader imports the greenzmq module of the matching name (see
``_RENAMES``) and binds that very module object under the pyzmq name, so
``zmq.Context is greenzmq.Context``. A pyzmq module greenzmq has no counterpart for raises
ModuleNotFoundError: an installed pyzmq is never half-mixed in.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from typing import Any

__all__ = ["install_as_zmq", "uninstall_as_zmq", "ENV_VAR"]

#: set to 1 (by ``python -m greenzmq run``) for child Python processes to install it too
ENV_VAR = "GREENZMQ_AS_ZMQ"

# pyzmq module -> greenzmq module; the longest matching prefix wins and the rest of the
# name is appended (zmq.devices.basedevice -> greenzmq.devices.basedevice).
_RENAMES = {
    "zmq": "greenzmq",
    "zmq.green": "greenzmq.green_gevent",
    "zmq.sugar": "greenzmq.core",
    "zmq.sugar.frame": "greenzmq.core.message",
    "zmq.sugar.tracker": "greenzmq.core.message",
    "zmq.sugar.attrsettr": "greenzmq.core.socket",
    "zmq.backend": "greenzmq.core",
    "zmq.backend.cython": "greenzmq.core",
    "zmq.backend.cython._zmq": "greenzmq.core._zmq",
    "zmq.backend.select": "greenzmq.core",
    "eventlet.green.zmq": "greenzmq.green_eventlet",
}


def _target(name: str) -> str | None:
    best = max((k for k in _RENAMES if name == k or name.startswith(k + ".")), key=len,
               default=None)
    return None if best is None else _RENAMES[best] + name[len(best):]


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str, target_spec: Any) -> None:
        self.target, self.target_spec = target, target_spec

    def create_module(self, spec: Any) -> None:
        return None  # a placeholder; exec_module puts the real module in its place

    def exec_module(self, module: Any) -> None:
        # the import system returns (and binds on the parent) what sys.modules holds now
        sys.modules[module.__spec__.name] = importlib.import_module(self.target)

    # runpy (`python -m zmq.curve_keygen`) runs the target's code under the alias
    def is_package(self, fullname: str) -> bool:
        return self.target_spec.submodule_search_locations is not None

    def get_code(self, fullname: str) -> Any:
        return self.target_spec.loader.get_code(self.target)

    def get_source(self, fullname: str) -> Any:
        return self.target_spec.loader.get_source(self.target)


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        alias = _target(fullname)
        if alias is None:
            return None
        try:
            tspec = importlib.util.find_spec(alias)
        except ModuleNotFoundError:
            tspec = None
        if tspec is None:  # never fall through to an installed pyzmq
            raise ModuleNotFoundError(
                f"No module named {fullname!r} (greenzmq installed as zmq has no {alias})",
                name=fullname)
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(alias, tspec),
            is_package=tspec.submodule_search_locations is not None)


_FINDER = _AliasFinder()


def _aliased(name: str) -> bool:
    return _target(name) is not None


def install_as_zmq() -> None:
    """Make ``import zmq``, ``zmq.*`` and ``eventlet.green.zmq`` load greenzmq's modules.

    Like PyMySQL's ``install_as_MySQLdb()``: call it before the libraries that import
    ``zmq`` are imported; they then run on greenzmq unchanged (``zmq.__version__`` reports
    the pyzmq API level greenzmq implements, so their version checks pass). Idempotent.
    ``python -m greenzmq run prog.py`` does this for a program and its child processes.
    """
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    stale = sorted(n for n, m in list(sys.modules.items())
                   if _aliased(n) and m is not None
                   and not getattr(m, "__name__", "").startswith("greenzmq"))
    if stale:
        warnings.warn("install_as_zmq(): these pyzmq modules were imported before and are "
                      f"replaced now (objects made from them stay pyzmq's): {', '.join(stale)}",
                      RuntimeWarning, stacklevel=2)
        for n in stale:
            del sys.modules[n]


def uninstall_as_zmq() -> None:
    """Undo install_as_zmq(): ``import zmq`` finds pyzmq again (for new imports)."""
    while _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for n in [n for n, m in sys.modules.items()
              if _aliased(n) and getattr(m, "__name__", "").startswith("greenzmq")]:
        del sys.modules[n]


def _from_environment() -> None:
    """Called by the start-up hook of ``python -m greenzmq run`` in child processes."""
    if os.environ.get(ENV_VAR, "") not in ("", "0"):
        install_as_zmq()
