"""The OS's own thread primitives, whatever gevent or eventlet monkey patching did.

Resolved once, at import: a patch applied later does not change the functions already
taken, and one applied earlier is undone through the hub library's saved originals.
"""
from __future__ import annotations

import sys
from typing import Any, Callable


def real_thread_primitives() -> tuple[Callable[..., Any], Callable[[], Any]]:
    """``start_new_thread`` and ``allocate_lock`` as the OS provides them."""
    return _original("start_new_thread"), _original("allocate_lock")


def _original(name: str) -> Any:
    import _thread

    fn = getattr(_thread, name)
    gmonkey = sys.modules.get("gevent.monkey")
    if gmonkey is not None:  # the saved original if gevent patched _thread
        fn = gmonkey.get_original("_thread", name)
    patcher = sys.modules.get("eventlet.patcher")
    if patcher is not None and patcher.is_monkey_patched("thread"):
        fn = getattr(patcher.original("_thread"), name)
    return fn


start_new_thread, allocate_lock = real_thread_primitives()
get_ident: Callable[[], int] = _original("get_ident")  # patched, it names greenlets
