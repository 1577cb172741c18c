"""Faults: a peer SIGKILLed and restarted, ROUTER_MANDATORY, HWM on PUB and PUSH."""
from __future__ import annotations

from pathlib import Path

import pytest

from relutil import SOAK, count, free_tcp_port, report, run_case

PER_INCARNATION = count(3_000, 100_000)
TIMEOUT = 300 if SOAK else 40


@pytest.mark.timeout(TIMEOUT)
@pytest.mark.parametrize("transport", ["ipc", "tcp"])
def test_pushing_peer_killed_and_restarted(hub_name: str, transport: str, tmp_path: Path) -> None:
    # the survivor connects and the peer binds, so after the restart the survivor itself
    # has to reconnect; the peer re-binds the same address each incarnation
    endpoint = (f"ipc://{tmp_path}/kill.ipc" if transport == "ipc"
                else f"tcp://127.0.0.1:{free_tcp_port()}")
    r = run_case("kill_pushpull", hub_name, TIMEOUT - 5, endpoint=endpoint,
                 per_incarnation=PER_INCARNATION)
    assert r["received"]["1"] >= PER_INCARNATION
    assert r["received"]["2"] == PER_INCARNATION
    report("kill_pushpull", transport=transport, **r)


@pytest.mark.timeout(TIMEOUT)
@pytest.mark.parametrize("mandatory", [False, True], ids=["plain", "mandatory"])
def test_dealer_peer_killed_and_restarted(hub_name: str, mandatory: bool, tmp_path: Path) -> None:
    r = run_case("kill_router", hub_name, TIMEOUT - 5, endpoint=f"ipc://{tmp_path}/router.ipc",
                 per_incarnation=PER_INCARNATION, mandatory=mandatory)
    assert r["requests"] == {"1": PER_INCARNATION, "2": PER_INCARNATION}
    assert r["peer2"] == f"ok {PER_INCARNATION}"
    if not mandatory:
        assert r["refused_to_dead_peer"] == 0
    report("kill_router", mandatory=mandatory, **r)


@pytest.mark.timeout(30)
def test_router_mandatory_unknown_peer_ehostunreach(hub_name: str) -> None:
    r = run_case("router_mandatory", hub_name, 25)
    assert r["errors"] == [["ZMQError", 113], ["ZMQError", 113]]


@pytest.mark.timeout(30)
def test_pub_at_hwm_drops_without_blocking(hub_name: str) -> None:
    sent = count(20_000, 1_000_000)
    r = run_case("hwm_pub", hub_name, 25, sent=sent)
    assert 0 < r["received"] < sent
    report("hwm_pub", **r)


@pytest.mark.timeout(30)
def test_push_at_hwm_blocks_or_raises_again(hub_name: str) -> None:
    r = run_case("hwm_push", hub_name, 25)
    assert 0 < r["queued_at_hwm"] <= 16
    assert 0.1 <= r["sndtimeo_wait_s"] < 3
