"""The compiled twins of the wait engine (greenzmq._green_c, from greenzmq/_green.py) and
of the asyncio adapter (greenzmq._asyncio_c, from greenzmq/asyncio.py), and their
pure-Python fallbacks: which one runs, and that the fallback works on its own."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import greenzmq
import greenzmq.asyncio as zaio
from greenzmq import _green

# gevent: a parked recv woken by a send, and a zero-copy tracker wait woken by the release
# hook; asyncio: a queued recv completed by a send, and sends that go at once
_SCRIPT = textwrap.dedent("""
    import asyncio
    import gevent
    import greenzmq._green as engine
    import greenzmq.asyncio as zaio
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
    ctx.destroy(linger=0)

    async def main():
        actx = zaio.Context()
        apull, apush = actx.socket(zmq.PULL), actx.socket(zmq.PUSH)
        apull.bind("inproc://aio-build")
        apush.connect("inproc://aio-build")
        waiting = apull.recv()
        assert not waiting.done()
        assert [await apush.send(b"%d" % i) for i in range(3)] == [None] * 3
        got = [await waiting, await apull.recv(), await apull.recv_multipart()]
        actx.destroy(linger=0)
        return got

    assert asyncio.run(asyncio.wait_for(main(), 5)) == [b"0", b"1", [b"2"]]
    print(engine.COMPILED, zaio.COMPILED, type(engine._State).__name__ == "type"
          and type(vars(engine._State)["nwait"]).__name__ == "getset_descriptor")
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


def test_both_twins_run_after_build() -> None:
    from greenzmq import _asyncio_c, _green_c

    assert _green.COMPILED and zaio.COMPILED, (
        "greenzmq._green_c or greenzmq._asyncio_c is missing or older than its .py: "
        "run make build")
    assert _green.Socket is _green_c.Socket and zaio.Socket is _asyncio_c.Socket
    assert zaio.Socket.recv is _asyncio_c._recv
    # extension types with C fields (a plain class with __slots__ has member descriptors)
    assert type(vars(_green._State)["nwait"]).__name__ == "getset_descriptor"
    assert type(vars(zaio._Here)["ctid"]).__name__ == "getset_descriptor"
    # the compiled classes answer to the public module's name (repr, pickle)
    assert zaio.Socket.__module__ == "greenzmq.asyncio"
    assert _green.Socket.__module__ == "greenzmq._green"


@pytest.mark.timeout(60)
def test_pure_python_on_request() -> None:
    assert _run({"GREENZMQ_PURE_PYTHON": "1"}) == "False False False"


@pytest.mark.timeout(60)
def test_compiled_twins_run_the_same_script() -> None:
    assert _run({"GREENZMQ_PURE_PYTHON": ""}) == "True True True"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("source, newer, expected", [
    # the engine edited after the last build: neither twin runs (asyncio's uses its types)
    ("_green.py", 10, "False False False"),
    ("asyncio.py", 10, "True False True"),
    # written just after its twin, as pip installs a wheel: still the build of it
    ("asyncio.py", 0.5, "True True True"),
])
def test_a_stale_build_falls_back_to_the_source(tmp_path: Path, source: str, newer: float,
                                                expected: str) -> None:
    pkg = Path(greenzmq.__file__).parent
    shutil.copytree(pkg, tmp_path / "greenzmq", ignore=shutil.ignore_patterns("__pycache__"))
    src = tmp_path / "greenzmq" / source
    twin = "_green_c" if source == "_green.py" else "_asyncio_c"
    built = next((tmp_path / "greenzmq").glob(f"{twin}.*.so"))
    when = built.stat().st_mtime + newer
    os.utime(src, (when, when))
    assert _run({"GREENZMQ_PURE_PYTHON": ""}, tmp_path) == expected
