"""Run the random-call driver over several seeds, each in its own interpreter.

    python tests/fuzz/run.py --seeds 1 2 3 --calls 100000

A seed whose process dies by a signal is a crash, one that trips the driver's per-call
watchdog (or outlives ``--timeout``) is a hang, one whose driver reports an unexpected
exception type is a finding. Prints one line per seed and a JSON summary line; exits 1
unless every seed ran clean. Reproduce a seed with ``driver.py --seed N --calls M --trace``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

DRIVER = Path(__file__).with_name("driver.py")


def run_seed(seed: int, calls: int, timeout: float) -> dict:
    cmd = [sys.executable, str(DRIVER), "--seed", str(seed), "--calls", str(calls)]
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr
        return {"seed": seed, "verdict": "hang", "wall_s": round(time.monotonic() - t0, 1),
                "detail": (err or "")[-1500:]}
    wall = round(time.monotonic() - t0, 1)
    result = next((json.loads(line[7:]) for line in proc.stdout.splitlines()
                   if line.startswith("RESULT ")), None)
    if proc.returncode < 0 or "Fatal Python error" in proc.stderr:
        verdict = "crash"
    elif "Timeout (" in proc.stderr or "HANG:" in proc.stderr:
        verdict = "hang"
    elif proc.returncode != 0 or result is None or result["findings"]:
        verdict = "finding"
    else:
        verdict = "ok"
    out = {"seed": seed, "verdict": verdict, "wall_s": wall, "rc": proc.returncode}
    if result is not None:
        out.update(calls=result["calls"], outcomes=result["outcomes"],
                   findings=result["findings"], slowest_call_s=result["slowest_call_s"])
    if verdict != "ok":
        out["detail"] = proc.stderr[-1500:]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--calls", type=int, default=100000)
    ap.add_argument("--timeout", type=float, default=0,
                    help="per seed, seconds (default: 60 + calls / 200)")
    args = ap.parse_args()
    timeout = args.timeout or 60 + args.calls / 200
    t0 = time.monotonic()
    rows = []
    for seed in args.seeds:
        row = run_seed(seed, args.calls, timeout)
        rows.append(row)
        print("seed %d: %s, %s calls in %s s%s" % (
            seed, row["verdict"], row.get("calls", "?"), row["wall_s"],
            "" if row["verdict"] == "ok" else "\n" + row.get("detail", "")), flush=True)
    summary = {
        "seeds": len(rows), "calls": sum(r.get("calls", 0) for r in rows if r["verdict"] == "ok"),
        "crashes": sum(r["verdict"] == "crash" for r in rows),
        "hangs": sum(r["verdict"] == "hang" for r in rows),
        "findings": sum(r["verdict"] == "finding" for r in rows),
        "wall_s": round(time.monotonic() - t0, 1),
    }
    print("FUZZ " + json.dumps(summary), flush=True)
    return 0 if all(r["verdict"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
