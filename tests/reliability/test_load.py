"""Load: every message counted and checksummed, none lost, none duplicated."""
from __future__ import annotations

import pytest

from relutil import SOAK, count, report, run_case

MESSAGES = count(30_000, 1_000_000)
ROUNDTRIPS = count(4_000, 200_000)
TIMEOUT = 900 if SOAK else 60


def clients(hub: str) -> int:
    # 1000 greenlets each with its own DEALER; OS threads are far heavier, so fewer
    if hub == "threads":
        return count(20, 100)
    return count(100, 1000)


@pytest.mark.timeout(TIMEOUT)
def test_pushpull_many_senders_all_accounted(hub_name: str) -> None:
    senders = count(20, 50)
    r = run_case("load_pushpull", hub_name, TIMEOUT - 10, messages=MESSAGES, senders=senders)
    assert r["messages"] == MESSAGES // senders * senders
    report("load_pushpull", **r)


@pytest.mark.timeout(TIMEOUT)
def test_dealer_router_roundtrips_many_clients(hub_name: str) -> None:
    n = clients(hub_name)
    r = run_case("load_dealer_router", hub_name, TIMEOUT - 10, roundtrips=ROUNDTRIPS, clients=n)
    assert r["roundtrips"] == ROUNDTRIPS // n * n and r["clients"] == n
    report("load_dealer_router", **r)
