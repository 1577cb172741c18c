"""Packaging: ``python -m build`` makes an sdist and, from it, a wheel; the sdist holds the
Cython sources (not generated C or binaries); the wheel installs into a fresh venv and
works there from another directory.

Needs ``build`` (pip install build), Cython and pkg-config's libzmq; skips without them.
The build runs without isolation (with this interpreter's setuptools and Cython) so that
it needs no network and takes one compile (~30 s).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "greenzmq" / "core"

pytestmark = pytest.mark.slow

# never copied into the build tree: build products, caches, environments
_IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info", "*.so",
                                 "*.c", "*.o", "*.html", "__pycache__", "*.pyc", ".mypy_cache",
                                 ".hypothesis", ".pytest_cache", "_build")


def _missing_tools() -> str | None:
    for mod in ("build", "Cython", "setuptools", "wheel"):
        if importlib.util.find_spec(mod) is None:
            return f"{mod} is not installed"
    if shutil.which("pkg-config") is None:
        return "pkg-config is missing"
    if subprocess.run(["pkg-config", "--exists", "libzmq"]).returncode != 0:
        return "pkg-config cannot find libzmq"
    return None


def _build(args: list[str], srcdir: Path, out: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", *args, "--outdir",
                           str(out), str(srcdir)], capture_output=True, text=True, timeout=150)
    assert proc.returncode == 0, ("python -m build %s failed:\n" % " ".join(args)
                                  + (proc.stdout + proc.stderr)[-4000:])


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    why = _missing_tools()
    if why:
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("sdist")
    # build from a copy, so that the build never touches the work tree (others build there)
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_IGNORE)
    _build(["--sdist"], src, tmp / "dist")
    found = list((tmp / "dist").glob("*.tar.gz"))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def wheel(sdist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # as `python -m build` does by default: the wheel is built from the unpacked sdist,
    # which proves the sdist builds from source
    tmp = tmp_path_factory.mktemp("wheel")
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+ / 3.11.4+
            tar.extractall(tmp / "unpacked", filter="data")
        else:
            tar.extractall(tmp / "unpacked")
    (srcdir,) = (tmp / "unpacked").iterdir()
    _build(["--wheel"], srcdir, tmp / "dist")
    found = list((tmp / "dist").glob("*.whl"))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.timeout(180)
def test_sdist_has_the_cython_sources_and_nothing_generated(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        # drop the leading "greenzmq-<version>/"
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    wanted = {f"greenzmq/core/{p.name}" for p in CORE.iterdir()
              if p.suffix in (".pyx", ".pxd", ".pxi", ".pyi")}
    wanted |= {"greenzmq/py.typed", "setup.py", "setup.cfg", "pyproject.toml", "README.md"}
    assert "greenzmq/core/_zmq.pyx" in wanted
    assert wanted - names == set(), f"missing from the sdist: {sorted(wanted - names)}"
    generated = sorted(n for n in names if n.endswith((".c", ".so", ".o", ".pyd")))
    assert generated == [], f"generated files in the sdist: {generated}"


@pytest.mark.timeout(180)
def test_wheel_has_the_extension_and_typing_files(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert any(n.startswith("greenzmq/core/_zmq.") and n.endswith(".so") for n in names), names
    for twin in ("_green_c", "_asyncio_c"):
        assert any(n.startswith(f"greenzmq/{twin}.") and n.endswith(".so") for n in names), names
    assert {"greenzmq/py.typed", "greenzmq/core/_zmq.pyi"} <= names
    assert {"greenzmq/green_gevent.py", "greenzmq/devices/__init__.py"} <= names


SMOKE = """
import os, sys
import greenzmq as zmq
here = os.path.dirname(zmq.__file__)
assert here.startswith(sys.prefix), (here, sys.prefix)
assert os.path.exists(os.path.join(here, "py.typed"))
ctx = zmq.Context()
a, b = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
port = a.bind_to_random_port("tcp://127.0.0.1")
b.connect("tcp://127.0.0.1:%d" % port)
b.send_multipart([b"hello", b"wheel"])
assert a.recv_multipart() == [b"hello", b"wheel"]
a.close(); b.close(); ctx.term()
import greenzmq._green as engine
import greenzmq.asyncio as aio
assert engine.COMPILED and aio.COMPILED, "the installed wheel runs pure-Python modules"
print("smoke ok", zmq.__version__, zmq.zmq_version())
"""


@pytest.mark.timeout(180)
def test_wheel_installs_into_a_fresh_venv_and_works(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False, symlinks=True).create(env_dir)
    py = env_dir / "bin" / "python"
    # this interpreter's pip installs into the new venv (no network: the wheel has no deps)
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q",
                           "--no-index", "--no-deps", str(wheel)],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 and "no such option: --python" in proc.stderr:
        pytest.skip("this pip cannot install into another environment (--python)")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run([str(py), "-c", SMOKE], capture_output=True, text=True, timeout=60,
                          cwd=run_dir, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "smoke ok" in proc.stdout
    # the fresh venv sees neither the work tree nor .venv's packages
    proc = subprocess.run([str(py), "-c", "import gevent"], capture_output=True, text=True,
                          timeout=60, cwd=run_dir, env=env)
    assert proc.returncode != 0
