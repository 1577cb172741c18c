"""The compiled twins of the cooperative layers' two hot modules.

setup.py compiles ``greenzmq/_green.py`` (the wait engine) and ``greenzmq/asyncio.py``
with Cython into ``greenzmq._green_c`` and ``greenzmq._asyncio_c``, each typed by the
augmenting ``.pxd`` of the twin's name (gevent's way: the .py stays the one readable
source; that .pxd only adds C types). At the end of its own import each .py calls
:func:`use`, and when its twin is built and not older than the .py (give or take
``SLACK``), the twin's definitions replace the .py's. ``GREENZMQ_PURE_PYTHON=1`` keeps every .py.
docs/design-notes.md has the figures.
"""
from __future__ import annotations

import os
from importlib import import_module
from importlib.util import find_spec
from typing import Any

#: how much newer than its twin a source may be and still count as built (seconds)
SLACK = 2.0


def use(namespace: dict[str, Any], twin: str) -> bool:
    """Replace the definitions in ``namespace`` (a module's globals) with those of the
    compiled module ``twin`` when that runs; return whether it does."""
    if os.environ.get("GREENZMQ_PURE_PYTHON", "") not in ("", "0"):
        return False
    spec = find_spec(twin)
    if spec is None or spec.origin is None:
        return False
    # a build older than the source (edited since) would run old code: stay pure. Checked
    # before importing it (the engine's twin installs a release hook when imported). An
    # install writes the two files in its own order, within moments (pip: the twin
    # first, _asyncio_c sorting before asyncio.py), hence the slack
    try:
        if os.stat(namespace["__file__"]).st_mtime > os.stat(spec.origin).st_mtime + SLACK:
            return False
    except OSError:
        return False
    try:
        compiled = import_module(twin)
    except (ImportError, ValueError):  # ValueError: built against another engine's types
        return False
    public = namespace["__name__"]
    for name, value in vars(compiled).items():
        if name.startswith("__") and name.endswith("__"):
            continue
        if isinstance(value, type) and value.__module__ == twin:
            try:  # its Python classes answer to the public name (repr, pickle)
                value.__module__ = public
            except TypeError:  # an extension type
                pass
        namespace[name] = value
    return True
