"""The benchmark suite behind `make bench`: worker, runner, report and CLI."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from greenzmq.perf import suite, workloads


def have(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package that is missing or broken
        return False


def worker(spec, timeout=30):
    cmd, env = suite.worker_cmd(spec.pop("target"), spec, None)
    return suite.run_process(cmd, timeout, env)


def test_calibrate_runs_about_the_budget():
    calls = []

    def run(n):  # a fake workload at 1 µs per message
        calls.append(n)
        return n * 1e-6

    n, dt = workloads.calibrate(run, budget=0.5)
    assert calls[0] == 1 and calls[-1] == n
    assert 0.45 <= dt <= 0.55 and n == pytest.approx(500_000, rel=0.1)
    assert all(b <= a * 16 for a, b in zip(calls, calls[1:-1]))  # bounded growth while probing


@pytest.mark.timeout(20)
def test_run_process_turns_hang_crash_and_silence_into_errors():
    py = sys.executable
    hang = suite.run_process(
        [py, "-c", "import sys, time; print('stuck', file=sys.stderr, flush=True); time.sleep(30)"],
        1.0,
    )
    assert (
        hang["hang"]
        and hang["error"].startswith("hang: killed after 1s")
        and "stuck" in hang["error"]
    )
    crash = suite.run_process([py, "-c", "import os; os.abort()"], 10)
    assert crash["error"].startswith("exit -6")
    assert suite.run_process([py, "-c", "pass"], 10)["error"] == "exit 0: no output"
    assert suite.run_process([py, "-c", "print('{\"x\": 1}')"], 10) == {"x": 1}
    assert "cannot run" in suite.run_process(["/nonexistent/python"], 10)["error"]


def test_a_spec_can_cap_its_rounds(monkeypatch):
    monkeypatch.setattr(suite, "run_process", lambda cmd, timeout, env: {"msgs_per_s": 1.0})
    capped, full = suite.Spec("thr", "tcp", 256, max_rounds=2), suite.Spec("thr", "tcp")
    samples, _ = suite.run_suite([capped, full], ["greenzmq"], rounds=5, budget=0.1, timeout=1,
                                 log=open(os.devnull, "w"))
    assert [s["label"] for s in samples].count(capped.label) == 2
    assert [s["label"] for s in samples].count(full.label) == 5


@pytest.mark.timeout(20)
def test_hang_and_crash_cost_one_cell_not_the_suite(monkeypatch):
    scripts = {"greenzmq": "import time; time.sleep(30)", "pyzmq": "import os; os.abort()"}
    monkeypatch.setattr(
        suite, "worker_cmd", lambda t, payload, py: ([sys.executable, "-c", scripts[t]], None)
    )
    spec = suite.Spec("thr", "inproc")
    samples, interrupted = suite.run_suite([spec], ["greenzmq", "pyzmq"], rounds=2, budget=0.1,
                                           timeout=0.5, log=open(os.devnull, "w"))
    assert not interrupted and len(samples) == 4
    errors = {(s["target"], s["round"]): s["error"] for s in samples}
    assert errors[("greenzmq", 0)].startswith("hang: killed after 0.5s")
    assert errors[("greenzmq", 1)] == "skipped after a hang"  # the timeout is not paid twice
    assert errors[("pyzmq", 0)].startswith("exit -6") and errors[("pyzmq", 1)].startswith("exit -6")
    text, _ = suite.tables([spec], suite.summarize(samples), ["greenzmq", "pyzmq"])
    assert next(ln for ln in text.splitlines() if ln.startswith(spec.label)).split()[-3:] == [
        "ERR",
        "ERR",
        "-",
    ]


def test_labels_and_where_specs_run():
    assert suite.Spec("thr", "tcp", 1 << 20, False).label == "thr tcp 1MiB zc"
    assert suite.Spec("multipart", "inproc").label == "multipart inproc 5x64B"
    fanin = suite.Spec("fanin", "tcp", tasks=1000)
    assert fanin.label == "fanin tcp 64B x1000"
    assert (
        not fanin.runs_on("pyzmq")
        and fanin.runs_on("zmq.green")
        and fanin.runs_on("greenzmq-eventlet")
    )
    assert suite.Spec("mem", "inproc").runs_on("greenzmq") and not suite.Spec(
        "mem", "inproc"
    ).runs_on("pyzmq")
    assert suite.matches("thr inproc 64B", "thr inproc 64B")
    assert not suite.matches("thr inproc 64B", "thr inproc 64B zc")
    assert suite.matches("thr 1MiB zc", "thr tcp 1MiB zc") and not suite.matches(
        "thr 1MiB zc", "thr tcp 1MiB"
    )
    labels = [s.label for s in suite.FULL]
    assert len(labels) == len(set(labels)) and {s.label for s in suite.DEFAULT} <= set(labels)


def sample(label, target, rnd, **values):
    return dict(values, label=label, target=target, round=rnd)


def test_report_pairs_rounds_and_shows_err_cells():
    thr, lat1 = suite.Spec("thr", "inproc"), suite.Spec("lat1", "inproc")
    samples = []
    for r, (ours, anchor) in enumerate(
        [(150, 100), (300, 150), (130, 100)]
    ):  # ratios 1.5, 2.0, 1.3
        samples += [sample(thr.label, "greenzmq", r, msgs_per_s=ours, mb_per_s=1.0),
                    sample(thr.label, "pyzmq", r, msgs_per_s=anchor, mb_per_s=1.0),
                    sample(lat1.label, "pyzmq", r, usec_rtt=3.0)]
        samples.append(sample(lat1.label, "greenzmq", r, error="TimeoutError: hang"))
    samples[-1] = sample(lat1.label, "greenzmq", 2, usec_rtt=2.7)  # one round in three succeeded
    summary = suite.summarize(samples)
    assert summary[thr.label]["greenzmq"]["msgs_per_s"] == 150
    assert (
        suite.paired_ratio(
            summary[thr.label]["greenzmq"], summary[thr.label]["pyzmq"], "msgs_per_s"
        )
        == 1.5
    )
    text, ratios = suite.tables([thr, lat1], summary, ["greenzmq", "pyzmq"])
    assert ratios["threads"][f"{thr.label} msgs_per_s"] == 1.5
    assert ratios["threads"][f"{lat1.label} usec_rtt"] == pytest.approx(0.9)
    row = next(ln for ln in text.splitlines() if ln.startswith("lat1 inproc 64B"))
    assert "2.7 (!)" in row and "0.90x" in row
    assert "lat1 inproc 64B / greenzmq: TimeoutError: hang (2/3 runs)" in text

    checks = {c["text"]: c for c in suite.goals([thr, lat1], summary)}
    assert checks["threads thr inproc 64B >= 1.3x pyzmq"]["verdict"] == "OK"
    assert checks["threads lat1 inproc 64B <= 0.8x pyzmq"]["verdict"] == "MISS"
    lines = suite.goal_lines(list(checks.values()))
    assert "threads thr inproc 64B >= 1.3x pyzmq: 1.50x OK" in lines
    assert "threads lat1 inproc 64B <= 0.8x pyzmq: 0.90x MISS" in lines


def test_all_failed_cell_is_err_and_shared_goal_is_per_target():
    many, alone = suite.Spec("shared", "tcp", tasks=50), suite.Spec("shared", "tcp", tasks=1)
    samples = [sample(many.label, "zmq.green", 0, error="AssertionError: Only one greenlet"),
               sample(alone.label, "zmq.green", 0, rt_per_s=5000.0),
               sample(many.label, "greenzmq-gevent", 0, rt_per_s=9000.0),
               sample(alone.label, "greenzmq-gevent", 0, rt_per_s=10000.0)]
    summary = suite.summarize(samples)
    text, _ = suite.tables([many, alone], summary, ["greenzmq-gevent", "zmq.green"])
    row = next(ln for ln in text.splitlines() if ln.startswith(many.label))
    assert row.split()[-2:] == ["ERR", "-"]  # no ratio against a failed anchor
    assert "shared tcp 64B x50 / zmq.green: AssertionError: Only one greenlet" in text
    (check,) = [c for c in suite.goals([many, alone], summary) if c["group"] == "gevent"]
    assert check["ratio"] == pytest.approx(0.9) and check["verdict"] == "OK"


def test_cli_rejects_bad_arguments(capsys):
    for argv in (
        ["--rounds", "0"],
        ["--only", "no-such-workload"],
        ["--targets", "nope"],
        ["--quick", "--full"],
    ):
        with pytest.raises(SystemExit) as e:
            suite.parse_args(argv)
        assert e.value.code == 2
    a = suite.parse_args(["--quick", "--only", "thr ipc 1KiB", "--targets", "threads"])
    assert [s.label for s in a.specs] == ["thr ipc 1KiB", "thr ipc 1KiB zc"]  # from the full set
    assert a.targets == ["greenzmq", "pyzmq"] and a.rounds == 2


@pytest.mark.timeout(60)
@pytest.mark.parametrize("workload", ["thr", "multipart", "lat", "lat1"])
def test_worker_measures_threaded_workloads(workload):
    res = worker(
        {"target": "greenzmq", "workload": workload, "transport": "inproc", "budget": 0.02}
    )
    assert "error" not in res, res
    metric = "usec_rtt" if workload.startswith("lat") else "msgs_per_s"
    assert res[metric] > 0 and res["n"] >= 1 and res["seconds"] > 0


@pytest.mark.timeout(30)
def test_worker_reports_errors_as_json():
    res = worker({"target": "greenzmq", "workload": "thr", "transport": "bogus", "budget": 0.02})
    assert res == {"error": "ValueError: unknown transport 'bogus'"}


@pytest.mark.timeout(30)
def test_worker_mem_reports_rss_growth():
    res = worker({"target": "greenzmq", "workload": "mem", "transport": "inproc", "n": 20_000})
    assert "error" not in res, res
    assert res["n"] == 20_000 and res["rss_mib"] > 0 and "rss_growth_mib" in res


@pytest.mark.timeout(60)
@pytest.mark.parametrize("target", ["greenzmq-gevent", "greenzmq-eventlet"])
def test_worker_green_workloads(target):
    module = workloads.TARGETS[target][0]
    if not have(module):
        pytest.skip(f"{module} not importable")
    res = worker(
        {"target": target, "workload": "shared", "transport": "tcp", "tasks": 10, "budget": 0.02}
    )
    assert "error" not in res, res
    assert res["rt_per_s"] > 0 and res["tasks"] == 10
    res = worker(
        {"target": target, "workload": "fanin", "transport": "inproc", "tasks": 20, "budget": 0.02}
    )
    assert "error" not in res, res
    assert res["rss_peak_mib"] >= res["rss_start_mib"] > 0 and res["kib_per_socket"] >= 0
    res = worker({"target": target, "workload": "lat", "transport": "ipc", "budget": 0.02})
    assert res["usec_rtt"] > 0, res


def test_scaling_case_and_size_curve_are_in_the_default_set():
    labels = {s.label: s for s in suite.DEFAULT}
    scale = labels[f"fanin inproc 64B x{suite.SCALE_TASKS}"]
    assert scale.runs_on("greenzmq-gevent") and scale.runs_on("zmq.green")
    assert not scale.runs_on("greenzmq-eventlet") and not scale.runs_on("greenzmq")
    for size in suite.CURVE_SIZES:  # every point of the curve, once
        assert sum(s.workload == "thr" and s.transport == "tcp" and s.size == size and s.copy
                   for s in suite.DEFAULT) == 1
    assert labels["thr tcp 4MiB"].budget_scale < 1 and labels["thr tcp 4MiB"].max_rounds == 2
    assert labels["thr tcp 256KiB"].label == "thr tcp 256KiB"
    assert labels["thr inproc 64KiB"].runs_on("greenzmq-eventlet")
    assert any(g[:2] == ("eventlet", "thr inproc 64KiB") for g in suite.GOALS)


@pytest.mark.timeout(60)
def test_worker_thr_above_1mib_keeps_the_bytes_in_flight_bounded():
    res = worker({"target": "greenzmq", "workload": "thr", "transport": "inproc", "size": 4 << 20,
                  "budget": 0.05})
    assert "error" not in res, res
    assert res["msgs_per_s"] > 0 and res["mb_per_s"] == pytest.approx(res["msgs_per_s"] * 4.194304)


@pytest.mark.timeout(30)
def test_worker_fanin_says_when_the_fd_limit_is_too_low():
    import resource

    cmd, env = suite.worker_cmd("greenzmq", {"workload": "fanin", "transport": "tcp", "tasks": 1000,
                                              "budget": 0.02}, None)

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (300, 300))

    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=25,
                       preexec_fn=low_limit)
    res = json.loads(p.stdout.splitlines()[-1])
    assert res["error"] == ("RuntimeError: fanin x1000 over tcp needs about 3256 file descriptors; "
                            "the limit is 300 (ulimit -n)")


@pytest.mark.timeout(60)
def test_suite_smoke(tmp_path):
    """The suite end to end with tiny counts: a table with the rows, the targets, the JSON."""
    out = tmp_path / "bench.json"
    env = dict(os.environ, PYTHONPATH=suite.ROOT)
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "greenzmq.perf",
            "--quick",
            "--only",
            "thr inproc 64B",
            "lat1",
            "--rounds",
            "2",
            "--budget",
            "0.02",
            "--targets",
            "threads",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=50,
        env=env,
    )
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert "== threads (anchor: pyzmq) ==" in lines
    for label in ("thr inproc 64B", "lat1 inproc 64B"):
        row = next(ln for ln in lines if ln.startswith(label))
        assert "ERR" not in row and "n/a" not in row
    assert "threads thr inproc 64B >= 1.3x pyzmq" in p.stdout
    assert f"results saved to {out}" in p.stdout
    saved = json.loads(out.read_text())
    ran = {t for t in saved["meta"]["targets"]}
    assert "greenzmq" in ran and ran <= {"greenzmq", "pyzmq"}
    assert len(saved["samples"]) == 2 * 2 * len(ran)  # 2 workloads x 2 rounds per target
    assert all("error" not in s for s in saved["samples"]), saved["samples"]
    if have("zmq"):
        assert (
            "pyzmq" in ran
            and "x" in next(ln for ln in lines if ln.startswith("thr inproc 64B")).split()[-1]
        )
