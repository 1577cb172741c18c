"""Reliability suite: short in ``make test``, full with GREENZMQ_SOAK=1.

Most cases run in a fresh interpreter (scripts/cases.py) so that a hang, a crash, a hub or
a fork stays inside that process; helpers live in relutil.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import toolbox  # noqa: E402


@pytest.fixture(params=toolbox.HUBS)
def hub_name(request: pytest.FixtureRequest) -> str:
    """Each of "threads", "gevent", "eventlet" (green ones skipped when not installed)."""
    if request.param != "threads":
        pytest.importorskip(request.param)
    return request.param
