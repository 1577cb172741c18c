"""The asyncio adapter's tests: each body is a coroutine run on a fresh loop of each kind
(the default asyncio loop, and uvloop when it is installed); ``aio`` is toolbox.Asyncio."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

import toolbox


@pytest.fixture(params=("asyncio", "uvloop"))
def aio(request: pytest.FixtureRequest) -> Iterator[toolbox.Asyncio]:
    if request.param == "uvloop":
        pytest.importorskip("uvloop")
    r = toolbox.Asyncio(request.param)
    try:
        yield r
    finally:
        r.teardown()
