"""The shared fixtures, thin faces over ``toolbox.py`` (subprocess scripts import that).

- ``ctx``: a fresh Context, destroyed with linger 0 after the test.
- ``pair(a_type=PAIR, b_type=PAIR, transport="inproc", **options)``: ``a`` bound, ``b``
  connected, both of ``ctx``; ``push_pull`` is ``pair(PUSH, PULL)``.
- ``hub``: one face over each way to run greenzmq (``hub.zmq``, ``hub.spawn``,
  ``hub.context()``, ``hub.pair()``...); gevent and eventlet by default, so a test body runs
  once per hub; ``@pytest.mark.parametrize("hub", toolbox.HUBS, indirect=True)`` adds
  threads.
"""
from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import greenzmq as zmq
import toolbox

# A background job of a shell without job control starts with SIGINT ignored, and so does
# every child it runs: Python then installs no KeyboardInterrupt handler and every Ctrl-C
# test fails. A handler here is reset to the default in each exec'd child, where Python
# installs its own again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def ctx() -> Iterator[zmq.Context]:
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture
def pair(ctx: zmq.Context) -> Callable[..., tuple[Any, Any]]:
    def make(a_type: int = zmq.PAIR, b_type: int = zmq.PAIR, transport: str = "inproc",
             **options: Any) -> tuple[Any, Any]:
        return toolbox.pair(ctx, a_type, b_type, transport, **options)

    return make


@pytest.fixture
def push_pull(pair: Callable[..., tuple[Any, Any]]) -> tuple[Any, Any]:
    return pair(zmq.PUSH, zmq.PULL)


@pytest.fixture(params=toolbox.GREEN_HUBS)
def hub(request: pytest.FixtureRequest) -> Iterator[toolbox.Hub]:
    """The hub named by the parameter; what the test made with it goes at teardown."""
    if request.param != "threads":
        pytest.importorskip(request.param)
    h = toolbox.get(request.param)
    try:
        yield h
    finally:
        h.teardown()
