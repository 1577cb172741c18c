"""The compiled wait engine (greenzmq._green_c, built from greenzmq/_green.py) and its
pure-Python fallback: which one runs, and that the fallback works on its own."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import greenzmq
from greenzmq import _green

# a parked recv woken by a send, and a zero-copy tracker wait woken by the release hook
_SCRIPT = textwrap.dedent("""
    import gevent
    import greenzmq._green as engine
    import greenzmq.green_gevent as zmq

    ctx = zmq.Context()
    pull, push = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
    pull.bind("inproc://engine-build")
    push.connect("inproc://engine-build")
    got = gevent.spawn(pull.recv)
    gevent.sleep(0.01)  # let it park
    assert pull._gs.nwait == 1
    push.send(b"hello")
    assert got.get(timeout=5) == b"hello"
    tracker = push.send(b"x" * 100000, copy=False, track=True)
    assert pull.recv() == b"x" * 100000
    tracker.wait(5)
    print(engine.COMPILED, type(pull).__mro__[1].__module__)
    ctx.destroy(linger=0)
""")


def _run(env: dict, package_dir: Path | None = None) -> str:
    """Run _SCRIPT; with ``package_dir``, on the greenzmq package found there."""
    env = dict(os.environ, **env)
    if package_dir is not None:
        env["PYTHONPATH"] = str(package_dir)
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                         env=env, timeout=60, cwd=package_dir)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_engine_is_compiled_after_build() -> None:
    assert _green.COMPILED, ("greenzmq._green_c is missing or older than greenzmq/_green.py: "
                             "run make build")
    assert _green.Socket.__module__ == "greenzmq._green_c"
    # an extension type with C fields (a plain class with __slots__ has member descriptors)
    assert type(vars(_green._State)["nwait"]).__name__ == "getset_descriptor"


@pytest.mark.timeout(60)
def test_pure_python_engine_on_request() -> None:
    assert _run({"GREENZMQ_PURE_PYTHON": "1"}) == "False greenzmq._green"


@pytest.mark.timeout(60)
def test_compiled_engine_runs_the_same_script() -> None:
    assert _run({"GREENZMQ_PURE_PYTHON": ""}) == "True greenzmq._green_c"


@pytest.mark.timeout(120)
def test_stale_build_falls_back_to_the_source(tmp_path: Path) -> None:
    # _green.py edited after the last build: the old compiled code must not run
    pkg = Path(greenzmq.__file__).parent
    shutil.copytree(pkg, tmp_path / "greenzmq", ignore=shutil.ignore_patterns("__pycache__"))
    src = tmp_path / "greenzmq" / "_green.py"
    built = next((tmp_path / "greenzmq").glob("_green_c.*.so"))
    os.utime(src, (built.stat().st_mtime + 10, built.stat().st_mtime + 10))
    assert _run({"GREENZMQ_PURE_PYTHON": ""}, tmp_path) == "False greenzmq._green"
