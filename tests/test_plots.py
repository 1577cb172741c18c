"""greenzmq.perf.plots: PNGs from a results file of ``python -m greenzmq.perf``."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from greenzmq.perf import plots
from greenzmq.perf.suite import GROUPS, Spec

PNG = b"\x89PNG\r\n\x1a\n"


def fake_results() -> dict:
    """A small results file in the suite's format: specs, summary, ratios."""
    specs = [Spec("thr", t, size) for t in ("inproc", "tcp") for size in (64, 1024, 1 << 20)]
    specs += [Spec("lat", "tcp"), Spec("lat1", "inproc"), Spec("fanin", "tcp", tasks=1000)]
    summary: dict = {}
    for n, s in enumerate(specs):
        row = summary.setdefault(s.label, {})
        for i, target in enumerate(t for pair in GROUPS.values() for t in pair):
            scale = 2.0 if i % 2 == 0 else 1.0  # ours twice the anchor
            if s.workload == "thr":
                row[target] = {"runs": 1, "errors": [], "msgs_per_s": scale * 1e6 / (n + 1),
                               "mb_per_s": scale * s.size / (n + 1)}
            elif s.workload == "fanin":
                row[target] = {
                    "runs": 1,
                    "errors": [],
                    "rt_per_s": scale * 1e4,
                    "rss_peak_mib": 50.0,
                }
            else:
                row[target] = {"runs": 1, "errors": [], "usec_rtt": 10.0 / scale}
    ratios = {g: {f"{s.label} msgs_per_s": 2.0 for s in specs if s.workload == "thr"}
              | {"lat tcp 64B usec_rtt": 0.5} for g in GROUPS}
    return {"meta": {}, "specs": [dict(vars(s), label=s.label) for s in specs],
            "summary": summary, "ratios": ratios}


def test_series_picks_thr_rows_by_size_and_skips_task_rows() -> None:
    data = fake_results()
    thr = plots.series(data, ("thr",), "msgs_per_s")["thr"]
    assert [size for size, _ in thr["greenzmq"]["tcp"]] == [64, 1024, 1 << 20]
    assert set(thr["pyzmq"]) == {"inproc", "tcp"}
    lat = plots.series(data, ("lat", "lat1", "fanin"), "usec_rtt")
    assert lat["lat"]["zmq.green"]["tcp"] == [(64, 10.0)]
    assert lat["fanin"] == {}


def test_cost_curve_is_microseconds_per_message_over_tcp() -> None:
    cost = plots.cost_series(fake_results())
    # the fake's greenzmq tcp rows: 2e6/(n+1) msg/s for n = 3, 4, 5 (64 B, 1 KiB, 1 MiB)
    assert cost["greenzmq"]["tcp"] == [(64, 2.0), (1024, 2.5), (1 << 20, 3.0)]
    assert set(cost["pyzmq"]) == {"tcp"}


def test_load_refuses_other_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hello": 1}))
    with pytest.raises(ValueError, match="not a greenzmq.perf results file"):
        plots.load(bad)
    assert plots.main([str(bad), "--out", str(tmp_path / "out")]) == 1
    assert plots.main([str(tmp_path / "missing.json")]) == 1


@pytest.mark.timeout(120)
def test_writes_the_pngs(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    results = tmp_path / "results.json"
    results.write_text(json.dumps(fake_results()))
    out = tmp_path / "bench"
    assert plots.main([str(results), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bandwidth.png", "cost.png", "latency.png", "ratios.png", "throughput.png"]
    for p in out.iterdir():
        assert p.read_bytes()[:8] == PNG


@pytest.mark.timeout(60)
def test_without_matplotlib_it_says_so_and_exits_0(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(json.dumps(fake_results()))
    # None in sys.modules makes `import matplotlib` raise ImportError
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "from greenzmq.perf import plots\n"
            f"raise SystemExit(plots.main([{str(results)!r}, '--out', {str(tmp_path / 'o')!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=50)
    assert proc.returncode == 0, proc.stderr
    assert "matplotlib is not installed" in proc.stderr
    assert not (tmp_path / "o").exists()
