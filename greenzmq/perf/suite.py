"""The benchmark suite behind ``make bench``: greenzmq against its anchors, side by side.

Each workload runs on every available target in turn (A B A B ... for R rounds),
each run in its own subprocess under a hard timeout, so a hang or a crash
becomes an ERR cell instead of a dead suite. Per target the table gives the
median over rounds; the ratio is the median of the per-round ratios
ours/anchor, so drift of the machine between rounds cancels out.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

from greenzmq.perf.aioworkloads import ASYNC_WORKLOADS
from greenzmq.perf.workloads import TARGETS

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads.py")
# where `import greenzmq` works from, for the worker processes of our targets
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# group -> (our target, its anchor)
GROUPS = {"threads": ("greenzmq", "pyzmq"), "gevent": ("greenzmq-gevent", "zmq.green"),
          "eventlet": ("greenzmq-eventlet", "eventlet.green.zmq"),
          "asyncio": ("greenzmq-asyncio", "zmq.asyncio")}
GROUP_OF = {t: g for g, pair in GROUPS.items() for t in pair}
OURS = {ours for ours, _ in GROUPS.values()}
# metric -> (unit, higher is better)
METRICS = {"msgs_per_s": ("msg/s", True), "usec_rtt": ("µs", False), "rt_per_s": ("rt/s", True),
           "rss_peak_mib": ("MiB RSS", False), "kib_per_socket": ("KiB RSS/socket", False),
           "rss_growth_mib": ("MiB grown", False)}
ROWS = {"thr": ("msgs_per_s",), "multipart": ("msgs_per_s",), "device": ("msgs_per_s",),
        "lat": ("usec_rtt",),
        "lat1": ("usec_rtt",), "fanin": ("rt_per_s", "rss_peak_mib", "kib_per_socket"),
        "shared": ("rt_per_s",),
        "mem": ("rss_growth_mib",)}
SIZES = {64: "64B", 1024: "1KiB", 65536: "64KiB", 1 << 20: "1MiB"}
# the cost curve of throughput against message size (tcp), drawn into the docs' plots
CURVE_SIZES = (64, 256, 1024, 4096, 16384, 65536, 1 << 18, 1 << 20, 1 << 22)
SCALE_TASKS = 10_000  # the scaling case: one DEALER and one greenlet each, gevent pair only
TRANSPORTS = ("inproc", "ipc", "tcp")


@dataclass(frozen=True)
class Spec:
    """One workload: what runs, on which transport, with which payload."""

    workload: str
    transport: str
    size: int = 64
    copy: bool = True
    tasks: int = 0  # fanin and shared: greenlets; they run on green targets only
    budget_scale: float = 1.0  # a share of the suite's budget (the many points of the curve)
    max_rounds: int = 0  # at most this many rounds (0: the suite's); keeps `make bench` short

    @property
    def label(self) -> str:
        size = _size_text(self.size)
        size = "5x" + size if self.workload == "multipart" else size
        return " ".join([self.workload, self.transport, size] + ([] if self.copy else ["zc"])
                        + ([f"x{self.tasks}"] if self.tasks else []))

    def runs_on(self, target: str) -> bool:
        if self.tasks >= SCALE_TASKS:  # issue 18 compares gevent layers; a run costs seconds
            return TARGETS[target][1] == "gevent"
        if TARGETS[target][1] == "asyncio":  # tasks on one loop: aioworkloads.py
            return self.workload in ASYNC_WORKLOADS and self.transport in ("inproc", "tcp")
        if self.workload == "mem":  # a check of greenzmq itself, not a comparison
            return target in OURS
        if self.workload == "device":  # zmq.green and eventlet.green have no green device
            return TARGETS[target][1] == "thread" or target in OURS
        return TARGETS[target][1] != "thread" or not self.tasks


def _size_text(size: int) -> str:
    for shift, unit in ((20, "MiB"), (10, "KiB")):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift}{unit}"
    return f"{size}B"


S = Spec
DEFAULT = [
    S("thr", "inproc"),
    S("thr", "ipc"),
    S("thr", "tcp"),
    S("thr", "inproc", 1024),
    S("thr", "inproc", 65536),
    S("thr", "tcp", 65536),
    S("thr", "tcp", 1 << 20),
    S("thr", "tcp", 1 << 20, False),
    S("lat", "inproc"),
    S("lat", "tcp"),
    S("lat1", "inproc"),
    S("lat1", "tcp"),
    S("multipart", "inproc"),
    S("multipart", "tcp"),
    S("device", "tcp"),
    S("fanin", "tcp", tasks=1000),
    S("shared", "tcp", tasks=50),
    S("shared", "tcp", tasks=1),
    S("fanin", "inproc", tasks=SCALE_TASKS, max_rounds=3),
]
# the curve's sizes the default set lacks, each at a quarter of the budget
CURVE = [S("thr", "tcp", size, budget_scale=0.25, max_rounds=2) for size in CURVE_SIZES
         if not any(s.workload == "thr" and s.transport == "tcp" and s.size == size and s.copy
                    for s in DEFAULT)]
DEFAULT += CURVE
QUICK = [S("thr", "inproc"), S("thr", "tcp"), S("thr", "tcp", 1 << 20, False), S("lat", "tcp"),
         S("lat1", "inproc"), S("multipart", "tcp"),
         S("fanin", "tcp", tasks=1000), S("shared", "tcp", tasks=50), S("shared", "tcp", tasks=1)]
FULL = ([S("thr", t, size, copy) for t in TRANSPORTS for size in SIZES for copy in (True, False)]
        + [S(w, t) for w in ("lat", "lat1", "multipart") for t in TRANSPORTS] + [S("device", "tcp")]
        + [S("fanin", t, tasks=1000) for t in ("inproc", "tcp")]
        + [S("fanin", "inproc", tasks=SCALE_TASKS, max_rounds=3)]
        + [s for s in CURVE if s.size not in SIZES]
        + [S("shared", "tcp", tasks=50), S("shared", "tcp", tasks=1),
           S("mem", "inproc"), S("mem", "inproc", 1 << 20, False)])

# design.md's performance targets: (group, words of the label, metric, op, limit on ours/anchor)
GOALS = [
    ("threads", "thr inproc 64B", "msgs_per_s", ">=", 1.3),
    ("threads", "thr tcp 64B", "msgs_per_s", ">=", 1.3),
    ("threads", "multipart", "msgs_per_s", ">=", 3.0),
    ("threads", "lat1 inproc", "usec_rtt", "<=", 0.8),  # tcp: the kernel dominates
    ("threads", "thr 1MiB zc", "msgs_per_s", ">=", 1.0),
    ("gevent", "thr inproc 64B", "msgs_per_s", ">=", 3.0),
    ("gevent", "thr tcp 64B", "msgs_per_s", ">=", 3.0),
    ("gevent", "lat1 inproc", "usec_rtt", "<=", 0.4),
    ("gevent", "fanin x1000", "rt_per_s", ">=", 2.0),
    ("gevent", "fanin x1000", "rss_peak_mib", "<=", 1.0),
    # issue 18's scaling case: runs where zmq.green does, at no more memory per socket
    ("gevent", f"fanin x{SCALE_TASKS}", "rt_per_s", ">=", 1.0),
    ("gevent", f"fanin x{SCALE_TASKS}", "kib_per_socket", "<=", 1.0),
    ("eventlet", "thr inproc 64B", "msgs_per_s", ">=", 2.0),
    ("eventlet", "thr tcp 64B", "msgs_per_s", ">=", 2.0),
    # issue 18: a 64 KiB burst used to page-fault every 4 KiB (see design-notes, Performance)
    ("gevent", "thr inproc 64KiB", "msgs_per_s", ">=", 1.0),
    ("eventlet", "thr inproc 64KiB", "msgs_per_s", ">=", 1.0),
    ("threads", "device tcp", "msgs_per_s", ">=", 1.0),
    ("asyncio", "thr inproc 64B", "msgs_per_s", ">=", 3.0),
    ("asyncio", "thr tcp 64B", "msgs_per_s", ">=", 3.0),
    ("asyncio", "lat1 inproc", "usec_rtt", "<=", 0.5),
    ("asyncio", "fanin x1000", "rt_per_s", ">=", 2.0),
    # "no more memory" as the memory the 1000 sockets and tasks add (peak - start, per
    # socket): the start differs by a constant that is not greenzmq's (Debian's libzmq and
    # its krb5/pgm/norm libraries vs the one in pyzmq's wheel: ~1.2 MiB), which made the
    # peak ratio 1.00-1.01x although greenzmq's Python side is half of pyzmq's per socket
    ("asyncio", "fanin x1000", "kib_per_socket", "<=", 1.0),
]
SHARED_GOAL = 0.8  # many greenlets on one socket vs one greenlet alone, same target
DEVICE_GOAL = 0.5  # a green device in a greenlet vs greenzmq's ThreadDevice
# issue 14: greenzmq.asyncio within 2x of greenzmq's own (threaded) throughput; not met:
# docs/design-notes.md "asyncio speed" has the floor (one asyncio Future per recv)
ASYNC_SYNC_GOAL = 0.5
MEM_GOAL = 4.0  # MiB of RSS growth allowed over the last 90% of 1M messages


def matches(words: str, label: str) -> bool:
    """All words appear in the label, and zero-copy only when asked for."""
    have = label.split()
    return set(words.split()) <= set(have) and ("zc" in words.split()) == ("zc" in have)


# -- running -------------------------------------------------------------------------


def worker_cmd(target: str, payload: dict, anchor_python: str | None) -> tuple[list[str], dict]:
    """-> (argv, env) of one worker process for the target."""
    env = dict(os.environ)
    python = sys.executable
    if target in OURS:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    elif anchor_python:
        python = anchor_python
    return [python, WORKER, json.dumps(dict(payload, target=target))], env


def run_process(cmd: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run one worker; -> its last JSON line, or {"error": ...} on hang, crash or garbage."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else e.stderr or ""
        last = err.strip().splitlines()[-1:]
        return {"error": f"hang: killed after {timeout:g}s" + (f" ({last[0]})" if last else ""),
                "hang": True}
    except OSError as e:
        return {"error": f"cannot run {cmd[0]}: {e}"}
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode or not lines:
        tail = (p.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {p.returncode}: {tail}"}
    try:
        return json.loads(lines[-1])
    except ValueError:
        return {"error": f"bad output: {lines[-1][:200]}"}


def check_targets(wanted: list[str], anchor_python: str | None) -> tuple[dict, dict]:
    """Import each target in a worker, all at once; -> ({target: info}, {target: why not})."""
    procs = {}
    for t in wanted:
        cmd, env = worker_cmd(t, {"check": True}, anchor_python)
        procs[t] = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    ok, missing = {}, {}
    for t, p in procs.items():
        try:
            out, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            missing[t] = "import hangs"
            continue
        lines = [ln for ln in out.splitlines() if ln.startswith("{")]
        res = (
            json.loads(lines[-1])
            if lines
            else {"error": (err.strip().splitlines() or ["no output"])[-1]}
        )
        if "error" in res:
            missing[t] = res["error"]
        else:
            ok[t] = res
    return ok, missing


def run_suite(specs: list[Spec], targets: list[str], rounds: int, budget: float, timeout: float,
              anchor_python: str | None = None, log=sys.stderr) -> tuple[list[dict], bool]:
    """Alternate targets within each round; -> (samples, interrupted).

    A target that hangs on a workload is not run again on it (it would only
    cost the timeout again)."""
    plan = [(s, r, t) for s in specs for r in range(min(rounds, s.max_rounds or rounds))
            for t in targets if s.runs_on(t)]
    samples, hung = [], set()
    try:
        for i, (s, r, t) in enumerate(plan, 1):
            res: dict[str, Any]
            if (s.label, t) in hung:
                res = {"error": "skipped after a hang"}
            else:
                payload = dict(asdict(s), budget=budget * s.budget_scale)
                cmd, env = worker_cmd(t, payload, anchor_python)
                res = run_process(cmd, timeout, env)
                if res.pop("hang", False):
                    hung.add((s.label, t))
            samples.append(dict(res, label=s.label, target=t, round=r))
            shown = res.get("error") or "  ".join(
                f"{fmt(res.get(m))} {METRICS[m][0]}" for m in ROWS[s.workload]
            )
            print(
                f"[{i:>{len(str(len(plan)))}}/{len(plan)}] {s.label:<24} {t:<19} {shown}",
                file=log,
                flush=True,
            )
    except KeyboardInterrupt:
        return samples, True
    return samples, False


# -- reporting -----------------------------------------------------------------------


def fmt(v: float | None) -> str:
    if v is None:
        return "n/a"
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.3g}{suffix}"
    return f"{v:.3g}"


def summarize(samples: list[dict]) -> dict:
    """-> {label: {target: {"runs", "errors", metric: median, metric+"_by_round": {...}}}}."""
    out: dict = {}
    for smp in samples:
        cell = out.setdefault(smp["label"], {}).setdefault(smp["target"], {"runs": 0, "errors": []})
        cell["runs"] += 1
        if "error" in smp:
            cell["errors"].append(smp["error"])
            continue
        for m in (*METRICS, "mb_per_s"):
            if m in smp:
                cell.setdefault(m + "_by_round", {})[smp["round"]] = smp[m]
    for row in out.values():
        for cell in row.values():
            for key in [k for k in cell if k.endswith("_by_round")]:
                vals = list(cell[key].values())
                m = key[: -len("_by_round")]
                cell[m] = statistics.median(vals)
                if len(vals) > 1 and cell[m]:
                    cell[m + "_spread"] = (max(vals) - min(vals)) / 2 / cell[m]
    return out


def paired_ratio(a: dict | None, b: dict | None, metric: str) -> float | None:
    """Median over rounds of a/b, pairing the rounds both completed."""
    ra, rb = ((c or {}).get(metric + "_by_round", {}) for c in (a, b))
    ratios = [ra[k] / rb[k] for k in ra if k in rb and rb[k]]
    return statistics.median(ratios) if ratios else None


def cell_text(cell: dict | None, metric: str) -> tuple[str, str]:
    """-> (median with spread and flags, MB/s or "")."""
    if cell is None:
        return "-", ""
    if cell.get(metric) is None:
        return "ERR", ""
    text = f"{round(cell[metric], 1) + 0.0:.1f}" if metric.startswith("rss") else fmt(cell[metric])
    if metric + "_spread" in cell:
        text += f" ±{cell[metric + '_spread'] * 100:.0f}%"
    text += " (!)" if cell["errors"] else ""
    mb = cell.get("mb_per_s") if metric == "msgs_per_s" else None
    return text, f"{fmt(mb)} MB/s" if mb is not None else ""


def render(rows: list[list[str]]) -> list[str]:
    """Left-aligned columns, two spaces apart."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def tables(specs: list[Spec], summary: dict, available: list[str]) -> tuple[str, dict]:
    """One table per group (threads, gevent, eventlet); -> (text, {group: {row: ratio}})."""
    lines: list[str] = []
    ratios: dict[str, dict[str, float | None]] = {}
    for group, (ours, anchor) in GROUPS.items():
        cols = [t for t in (ours, anchor) if t in available]
        rows = [(s, m) for s in specs for m in ROWS[s.workload]
                if s.label in summary and any(s.runs_on(t) for t in cols)]
        if not cols or not rows:
            continue
        both = len(cols) == 2
        table = [
            ["workload", "unit", *(h for t in cols for h in (t, ""))] + (["ratio"] if both else [])
        ]
        for s, m in rows:
            cells = [summary.get(s.label, {}).get(t) for t in cols]
            line = [s.label, METRICS[m][0]]
            for c, t in zip(cells, cols):
                line += cell_text(c, m) if s.runs_on(t) else ("-", "")
            if both:
                r = paired_ratio(cells[0], cells[1], m)
                ratios.setdefault(group, {})[f"{s.label} {m}"] = r
                line.append(f"{r:.2f}x" if r is not None else "-")
            table.append(line)
        lines += [f"== {group} (anchor: {anchor}) ==", *render(table), ""]
    errors = [
        f"  {label} / {t}: {e}"
        + (f" ({len(c['errors'])}/{c['runs']} runs)" if c["runs"] > 1 else "")
        for label, row in summary.items()
        for t, c in row.items()
        for e in sorted(set(c["errors"]))
    ]
    if errors:
        lines += ["ERR = every run failed, (!) = some did:", *errors, ""]
    lines.append("ratio = median of the per-round ratios ours/anchor; "
                 "for µs and MiB lower is better, for the rest higher.")
    return "\n".join(lines), ratios


def goals(specs: list[Spec], summary: dict) -> list[dict]:
    """Check design.md's performance targets against this run; -> one dict per check."""
    out = []

    def verdict(value, op, limit):
        if value is None:
            return "n/a"
        return "OK" if (value >= limit if op == ">=" else value <= limit) else "MISS"

    for group, words, metric, op, limit in GOALS:
        ours, anchor = GROUPS[group]
        for s in specs:
            if matches(words, s.label) and metric in ROWS[s.workload]:
                row = summary.get(s.label, {})
                r = paired_ratio(row.get(ours), row.get(anchor), metric)
                what = s.label + {"rss_peak_mib": " peak RSS",
                                  "kib_per_socket": " RSS/socket"}.get(metric, "")
                out.append(
                    {
                        "group": group,
                        "label": s.label,
                        "metric": metric,
                        "ratio": r,
                        "text": f"{group} {what} {op} {limit:g}x {anchor}",
                        "verdict": verdict(r, op, limit),
                    }
                )
    many = [s for s in specs if s.workload == "shared" and s.tasks > 1]
    for s in many:
        alone = next((o for o in specs if o.workload == "shared" and o.tasks == 1
                      and o.transport == s.transport), None)
        for group, (ours, _) in GROUPS.items():
            if alone is None or group == "threads":
                continue
            r = paired_ratio(
                summary.get(s.label, {}).get(ours),
                summary.get(alone.label, {}).get(ours),
                "rt_per_s",
            )
            out.append(
                {
                    "group": group,
                    "label": s.label,
                    "metric": "rt_per_s",
                    "ratio": r,
                    "text": f"{group} {s.label} >= {SHARED_GOAL:g}x of x1",
                    "verdict": verdict(r, ">=", SHARED_GOAL),
                }
            )
    for s in specs:
        if s.workload != "device":
            continue
        threaded = summary.get(s.label, {}).get("greenzmq")
        for group in ("gevent", "eventlet"):
            ours = GROUPS[group][0]
            r = paired_ratio(summary.get(s.label, {}).get(ours), threaded, "msgs_per_s")
            out.append({"group": group, "label": s.label, "metric": "msgs_per_s", "ratio": r,
                        "text": f"{group} {s.label} >= {DEVICE_GOAL:g}x of greenzmq's ThreadDevice",
                        "verdict": verdict(r, ">=", DEVICE_GOAL)})
    for s in specs:
        if s.workload != "thr" or s.size != 64 or not s.copy:
            continue
        row = summary.get(s.label, {})
        if "greenzmq" in row and GROUPS["asyncio"][0] in row:
            r = paired_ratio(row[GROUPS["asyncio"][0]], row["greenzmq"], "msgs_per_s")
            out.append({"group": "asyncio", "label": s.label, "metric": "msgs_per_s", "ratio": r,
                        "text": f"asyncio {s.label} >= {ASYNC_SYNC_GOAL:g}x of greenzmq (threads)",
                        "verdict": verdict(r, ">=", ASYNC_SYNC_GOAL)})
    for s in specs:
        if s.workload == "mem":
            for t in sorted(OURS):
                grown = summary.get(s.label, {}).get(t, {}).get("rss_growth_mib")
                if s.label in summary and t in summary[s.label]:
                    out.append(
                        {
                            "group": GROUP_OF[t],
                            "label": s.label,
                            "metric": "rss_growth_mib",
                            "value": grown,
                            "text": f"{t} {s.label} RSS flat over 1M msgs (<= {MEM_GOAL:g} MiB)",
                            "verdict": verdict(grown, "<=", MEM_GOAL),
                        }
                    )
    return out


def goal_lines(checks: list[dict]) -> str:
    lines = ["Performance targets (design.md):"]
    for c in checks:
        if "ratio" in c:
            value = f"{c['ratio']:.2f}x " if c["ratio"] is not None else ""
        else:
            value = f"{round(c['value'], 1) + 0.0:+.1f} MiB " if c["value"] is not None else ""
        lines.append(f"  {c['text']}: {value}{c['verdict']}")
    return "\n".join(lines)


# -- command line --------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m greenzmq.perf", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="a short set, 2 rounds (about a minute)")
    size.add_argument("--full", action="store_true", help="every size, copy mode and transport")
    ap.add_argument(
        "--only",
        nargs="+",
        metavar="LABEL",
        help="only workloads whose label contains one of these (e.g. thr, 'lat1 inproc')",
    )
    ap.add_argument(
        "--rounds", "-R", type=int, help="rounds per target (default 5, --quick 2, --full 3)"
    )
    ap.add_argument("--targets", nargs="+", metavar="T", choices=[*TARGETS, *GROUPS],
                    help=f"targets or groups ({', '.join(GROUPS)}); default: every importable one")
    ap.add_argument("--json", metavar="PATH", help="where to save the results "
                    "(default ~/.cache/greenzmq/bench/<time>.json)")
    ap.add_argument(
        "--budget", type=float, help="seconds per measured run (default 0.4, --quick 0.15)"
    )
    ap.add_argument(
        "--timeout", type=float, default=60.0, help="hard limit per run in seconds (60)"
    )
    ap.add_argument(
        "--anchor-python",
        metavar="PATH",
        help="interpreter for pyzmq, zmq.green and eventlet.green.zmq (default: this one)",
    )
    ap.add_argument(
        "--list", action="store_true", help="list the workloads that would run and exit"
    )
    a = ap.parse_args(argv)
    if a.rounds is not None and a.rounds < 1:
        ap.error("--rounds must be at least 1")
    if a.budget is not None and a.budget <= 0:
        ap.error("--budget must be positive")
    base = QUICK if a.quick else FULL if a.full else DEFAULT
    a.specs = base
    if a.only:
        # a label outside the chosen set is still found in the full one
        a.specs = ([s for s in base if any(o in s.label for o in a.only)]
                   or [s for s in FULL if any(o in s.label for o in a.only)])
        if not a.specs:
            ap.error(f"no workload label contains any of {a.only}; see --list")
    a.rounds = a.rounds or (2 if a.quick else 3 if a.full else 5)
    a.budget = a.budget or (0.15 if a.quick else 0.4)
    wanted = a.targets or list(TARGETS)
    a.targets = [t for t in TARGETS if t in wanted or GROUP_OF[t] in wanted]
    return a


def main(argv: list[str] | None = None) -> int:
    """Run the suite; print the tables and the targets; save JSON. -> exit code."""
    a = parse_args(argv)
    if a.list:
        print("\n".join(s.label for s in a.specs))
        return 0
    started = datetime.datetime.now()
    ok, missing = check_targets(a.targets, a.anchor_python)
    for t, why in missing.items():
        print(f"# {t}: not run ({why})", file=sys.stderr)
    targets = [t for t in a.targets if t in ok]
    if not targets:
        print("greenzmq.perf: no target can be imported; nothing to measure", file=sys.stderr)
        return 1
    for t in targets:
        info = ok[t]
        extra = "".join(f", {k} {info[k]}" for k in ("gevent", "eventlet") if k in info)
        print(
            f"# {t}: {info['module']} {info['version']}, libzmq {info['libzmq']}{extra}",
            file=sys.stderr,
        )
    t0 = time.monotonic()
    samples, interrupted = run_suite(
        a.specs, targets, a.rounds, a.budget, a.timeout, a.anchor_python
    )
    secs = time.monotonic() - t0
    summary = summarize(samples)
    text, ratios = tables(a.specs, summary, targets)
    checks = goals(a.specs, summary)
    head = (
        f"greenzmq bench: {len(a.specs)} workloads, {a.rounds} rounds,"
        f" {len(samples)} runs in {secs:.0f} s"
        f" on {os.cpu_count()} CPUs" + (" (INTERRUPTED: partial results)" if interrupted else "")
    )
    print(f"\n{head}\n\n{text}\n\n{goal_lines(checks)}", flush=True)

    path = a.json or os.path.expanduser(f"~/.cache/greenzmq/bench/{started:%Y%m%d-%H%M%S}.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(secs, 1),
        "rounds": a.rounds,
        "budget_s": a.budget,
        "timeout_s": a.timeout,
        "interrupted": interrupted,
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "targets": ok,
        "unavailable": missing,
    }
    with open(path, "w") as f:
        json.dump({"meta": meta, "specs": [dict(asdict(s), label=s.label) for s in a.specs],
                   "summary": summary, "ratios": ratios, "goals": checks, "table": text,
                   "samples": samples}, f, indent=1)
    print(f"\nresults saved to {path}")
    return 130 if interrupted else 0
