"""Plots of a benchmark run: ``python -m greenzmq.perf.plots [RESULTS.json] [--out DIR]``.

Reads the JSON that ``python -m greenzmq.perf`` saves (default: the newest file in
``~/.cache/greenzmq/bench``) and writes PNGs for the documentation (default:
``docs/_static/bench`` of the source tree):

- ``throughput.png``: messages/s against message size, per transport, ours and anchor;
- ``bandwidth.png``: the same runs in MB/s;
- ``latency.png``: round-trip time (``lat`` and ``lat1``) against message size, or per
  transport when the run measured one size only;
- ``ratios.png``: every row's ratio ours/anchor, the figure the performance targets judge;
- ``cost.png``: the cost curve, µs per message against size (64 B .. 4 MiB) over tcp, where
  the per-message overhead (flat part) and the per-byte cost (rising part) show apart.

One panel per group (threads, gevent, eventlet). matplotlib is optional: without it the
script says so and exits 0, so ``make bench`` never fails for want of plots.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from greenzmq.perf.suite import GROUPS, METRICS

# line style per transport, colour per side (ours, anchor)
_TRANSPORT_STYLE = {"inproc": "-", "ipc": "--", "tcp": ":"}
_OURS_COLOR, _ANCHOR_COLOR = "#1f77b4", "#ff7f0e"
_GOOD, _BAD = "#2ca02c", "#d62728"  # ratio bars: better or worse than the anchor

_UNITS = {"usec_per_msg": "µs per message"}  # derived metrics the suite does not report
DEFAULT_RESULTS_DIR = Path("~/.cache/greenzmq/bench").expanduser()


def default_out_dir() -> Path:
    """docs/_static/bench of the source tree this module lives in, else ./bench-plots."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    return docs / "_static" / "bench" if docs.is_dir() else Path("bench-plots")


def newest_results(directory: Path = DEFAULT_RESULTS_DIR) -> Path | None:
    """The most recent results file the suite saved, or None."""
    files = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime)
    return files[-1] if files else None


def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a results file; ValueError if it is not one the suite wrote."""
    with open(path) as f:
        data = json.load(f)
    if not isinstance(data, dict) or not {"specs", "summary"} <= data.keys():
        raise ValueError(f"{path}: not a greenzmq.perf results file (no specs/summary)")
    return data


Series = dict[str, dict[str, list[tuple[int, float]]]]  # target -> transport -> [(size, value)]


def series(data: dict[str, Any], workloads: tuple[str, ...], metric: str,
           copy: bool = True) -> dict[str, Series]:
    """{workload: {target: {transport: [(size, median)]}}} for the rows that have ``metric``.

    Rows with greenlet counts (fanin, shared) are left out: they are not per-size data.
    """
    out: dict[str, Series] = {w: defaultdict(lambda: defaultdict(list)) for w in workloads}
    for spec in data["specs"]:
        if spec["workload"] not in workloads or spec.get("tasks") or spec.get("copy", True) != copy:
            continue
        for target, cell in data["summary"].get(spec["label"], {}).items():
            value = cell.get(metric)
            if isinstance(value, (int, float)):
                out[spec["workload"]][target][spec["transport"]].append(
                    (spec["size"], float(value))
                )
    for per_target in out.values():
        for per_transport in per_target.values():
            for points in per_transport.values():
                points.sort()
    return out


def _size_label(size: float, _pos: Any = None) -> str:
    for div, unit in ((1 << 20, "MiB"), (1 << 10, "KiB")):
        if size >= div:
            return f"{size / div:g} {unit}"
    return f"{size:g} B"


def _groups_with(data: Series) -> list[tuple[str, str, str]]:
    return [
        (g, ours, anchor) for g, (ours, anchor) in GROUPS.items() if ours in data or anchor in data
    ]


def _panels(plt: Any, n: int, title: str) -> tuple[Any, list[Any]]:
    fig, axes = plt.subplots(1, n, figsize=(5.2 * n, 4.2), squeeze=False)
    fig.suptitle(title)
    return fig, list(axes[0])


def plot_vs_size(plt: Any, data: Series, metric: str, title: str, path: Path) -> bool:
    """Lines of ``metric`` against size, one panel per group; False if nothing to draw."""
    from matplotlib.ticker import FuncFormatter

    groups = _groups_with(data)
    if not groups:
        return False
    fig, axes = _panels(plt, len(groups), title)
    unit = METRICS[metric][0] if metric in METRICS else _UNITS.get(metric, "MB/s")
    for ax, (group, ours, anchor) in zip(axes, groups):
        for target, color in ((ours, _OURS_COLOR), (anchor, _ANCHOR_COLOR)):
            for transport, points in sorted(data.get(target, {}).items()):
                xs, ys = zip(*points)
                ax.plot(xs, ys, _TRANSPORT_STYLE.get(transport, "-"), marker="o", color=color,
                        label=f"{target} {transport}")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(_size_label))
        ax.set_title(f"{group} (anchor: {anchor})")
        ax.set_xlabel("message size")
        ax.set_ylabel(unit)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def plot_latency(plt: Any, data: dict[str, Series], path: Path) -> bool:
    """Round-trip times: against size where several sizes ran, else bars per transport."""
    merged: Series = defaultdict(lambda: defaultdict(list))
    for workload, per_target in data.items():
        for target, per_transport in per_target.items():
            for transport, points in per_transport.items():
                merged[target][f"{transport} ({workload})"] = points
    groups = _groups_with(merged)
    if not groups:
        return False
    if any(len(p) > 1 for t in merged.values() for p in t.values()):
        return plot_vs_size(plt, merged, "usec_rtt", "round-trip latency (lower is better)", path)
    fig, axes = _panels(plt, len(groups), "round-trip latency at 64 B (lower is better)")
    for ax, (group, ours, anchor) in zip(axes, groups):
        rows = sorted(set(merged.get(ours, {})) | set(merged.get(anchor, {})))
        width = 0.4
        for i, (target, color) in enumerate(((ours, _OURS_COLOR), (anchor, _ANCHOR_COLOR))):
            values = [merged.get(target, {}).get(r, [(0, 0.0)])[0][1] for r in rows]
            ax.bar([x + (i - 0.5) * width for x in range(len(rows))], values, width,
                   color=color, label=target)
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels(rows, rotation=30, ha="right", fontsize="small")
        ax.set_title(f"{group} (anchor: {anchor})")
        ax.set_ylabel("µs per round trip")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def plot_ratios(plt: Any, data: dict[str, Any], path: Path) -> bool:
    """Horizontal bars of ours/anchor per row and group, with the parity line at 1."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ratios = {g: {k: v for k, v in rows.items() if isinstance(v, (int, float))}
              for g, rows in (data.get("ratios") or {}).items()}
    ratios = {g: rows for g, rows in ratios.items() if rows}
    if not ratios:
        return False
    height = max(3.0, 0.32 * max(len(r) for r in ratios.values()) + 1.5)
    fig, axes = plt.subplots(1, len(ratios), figsize=(5.6 * len(ratios), height), squeeze=False)
    fig.suptitle("greenzmq / anchor (green: better than the anchor, red: worse)")
    for ax, (group, rows) in zip(axes[0], ratios.items()):
        names = list(rows)
        values = [rows[n] for n in names]
        # "<label> <metric>": µs and MiB rows are better below 1, the others above
        better = [(v <= 1) if not METRICS.get(n.rsplit(" ", 1)[-1], ("", True))[1] else (v >= 1)
                  for n, v in zip(names, values)]
        # bars grow from parity (1) on a log axis, so 2x and 0.5x look the same size
        ax.barh(range(len(names)), [v - 1 for v in values], left=1,
                color=[_GOOD if b else _BAD for b in better])
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}x"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(1.0, color="black", linewidth=1)
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names, fontsize="small")
        ax.invert_yaxis()
        ax.set_title(f"{group} (anchor: {GROUPS[group][1]})")
        ax.set_xlabel("ratio (log scale)")
        ax.grid(True, axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def cost_series(data: dict[str, Any], transport: str = "tcp") -> Series:
    """{target: {"µs per message": [(size, µs)]}} from the copying ``thr`` rows of a transport."""
    out: Series = defaultdict(lambda: defaultdict(list))
    for target, per_transport in series(data, ("thr",), "msgs_per_s")["thr"].items():
        points = per_transport.get(transport, [])
        if len(points) > 1:  # a curve needs two sizes
            out[target][transport] = [(size, 1e6 / v) for size, v in points if v > 0]
    return out


def make_plots(data: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write every plot the data allows into ``out_dir``; return the files written.

    Raises ImportError when matplotlib is missing.
    """
    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    thr = series(data, ("thr",), "msgs_per_s")["thr"]
    if plot_vs_size(plt, thr, "msgs_per_s", "throughput (higher is better)",
                    out_dir / "throughput.png"):
        written.append(out_dir / "throughput.png")
    bw = series(data, ("thr",), "mb_per_s")["thr"]
    if plot_vs_size(plt, bw, "mb_per_s", "bandwidth (higher is better)", out_dir / "bandwidth.png"):
        written.append(out_dir / "bandwidth.png")
    if plot_latency(plt, series(data, ("lat", "lat1"), "usec_rtt"), out_dir / "latency.png"):
        written.append(out_dir / "latency.png")
    if plot_ratios(plt, data, out_dir / "ratios.png"):
        written.append(out_dir / "ratios.png")
    if plot_vs_size(plt, cost_series(data), "usec_per_msg",
                    "cost per message over tcp (lower is better)", out_dir / "cost.png"):
        written.append(out_dir / "cost.png")
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: plot a results file; exit 0 also when matplotlib is absent."""
    ap = argparse.ArgumentParser(prog="python -m greenzmq.perf.plots", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="?", help="results JSON (default: the newest saved run)")
    ap.add_argument("--out", help=f"output directory (default: {default_out_dir()})")
    a = ap.parse_args(argv)
    path = Path(a.results) if a.results else newest_results()
    if path is None:
        print(f"plots: no results in {DEFAULT_RESULTS_DIR}; run `python -m greenzmq.perf` first",
              file=sys.stderr)
        return 1
    try:
        data = load(path)
    except (OSError, ValueError) as e:
        print(f"plots: {e}", file=sys.stderr)
        return 1
    try:
        written = make_plots(data, Path(a.out) if a.out else default_out_dir())
    except ImportError:
        print("plots: matplotlib is not installed; no plots written (pip install matplotlib)",
              file=sys.stderr)
        return 0
    for p in written:
        print(f"plots: wrote {p}")
    if not written:
        print(f"plots: {path} has no rows to plot", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
