"""The OS's own thread primitives, whatever gevent or eventlet monkey patching did.

Resolved once, at import: a patch applied later does not change the functions already
taken, and one applied earlier is undone through the hub library's saved originals.
"""
from __future__ import annotations

import sys
from typing import Any, Callable


def real_thread_primitives() -> tuple[Callable[..., Any], Callable[[], Any]]:
    """``start_new_thread`` and ``allocate_lock`` as the OS provides them."""
    import _thread

    start, lock = _thread.start_new_thread, _thread.allocate_lock
    gmonkey = sys.modules.get("gevent.monkey")
    if gmonkey is not None:  # the saved originals if gevent patched _thread
        start = gmonkey.get_original("_thread", "start_new_thread")
        lock = gmonkey.get_original("_thread", "allocate_lock")
    patcher = sys.modules.get("eventlet.patcher")
    if patcher is not None and patcher.is_monkey_patched("thread"):
        orig = patcher.original("_thread")
        start, lock = orig.start_new_thread, orig.allocate_lock
    return start, lock


start_new_thread, allocate_lock = real_thread_primitives()
