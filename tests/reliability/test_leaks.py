"""Leaks: RSS stays flat over many copy and zero-copy tracked sends.

valgrind memcheck runs from soak.sh only (minutes, not seconds); see SOAK.md.
"""
from __future__ import annotations

import pytest

from relutil import SOAK, count, report, run_case

COPIES = count(200_000, 1_000_000)
ZEROCOPIES = count(20_000, 100_000)
LIMIT_KIB = 5 * 1024


@pytest.mark.timeout(600 if SOAK else 60)
def test_rss_flat_over_copy_and_zero_copy_sends(hub_name: str) -> None:
    r = run_case("leak_rss", hub_name, 590 if SOAK else 55, copies=COPIES,
                 zerocopies=ZEROCOPIES)
    assert (r["copies"], r["zerocopies"]) == (COPIES, ZEROCOPIES)
    # each leaked copy send would cost >= 256 B and each zero-copy one 4 KiB: far over 5 MB
    assert r["copy_growth_kib"] < LIMIT_KIB, r
    assert r["zero_growth_kib"] < LIMIT_KIB, r
    assert r["total_growth_kib"] < LIMIT_KIB, r
    report("leak_rss", **r)
