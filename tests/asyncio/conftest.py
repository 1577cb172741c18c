"""Fixtures for the asyncio adapter's tests: each test body is a coroutine run on a fresh
loop of each kind (the default asyncio loop, and uvloop when it is installed)."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

import pytest

LOOPS = ("asyncio", "uvloop")


def new_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


class Runner:
    """Runs coroutines on one loop; closes every context made through it."""

    def __init__(self, kind: str) -> None:
        import greenzmq.asyncio as zaio

        self.kind = kind
        self.zaio = zaio
        self.loop = new_loop(kind)
        self._contexts: list = []

    def fresh_loop(self) -> asyncio.AbstractEventLoop:
        """Another loop of this kind (for a thread of its own)."""
        return new_loop(self.kind)

    def context(self) -> Any:
        ctx = self.zaio.Context()
        ctx.linger = 0
        self._contexts.append(ctx)
        return ctx

    def pair(self, a_type: int, b_type: int, addr: str = "inproc://pair") -> tuple:
        ctx = self.context()
        a, b = ctx.socket(a_type), ctx.socket(b_type)
        a.bind(addr)
        b.connect(addr)
        return a, b

    def run(self, fn: Callable[..., Awaitable[Any]], *args: Any, timeout: float = 10) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(fn(*args), timeout))

    def close(self) -> None:
        for ctx in self._contexts:
            ctx.destroy(linger=0)
        self.loop.close()


@pytest.fixture(params=LOOPS)
def aio(request: pytest.FixtureRequest) -> Any:
    r = Runner(request.param)
    yield r
    r.close()
