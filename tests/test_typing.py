"""Typing: mypy --strict accepts the examples and tests/typing/check_types.py, and the
stubs of the compiled module (greenzmq/core/_zmq.pyi) name everything it exports.

mypy is optional: these tests skip without it (``pip install mypy``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
STUB = ROOT / "greenzmq" / "core" / "_zmq.pyi"

# the thread examples; the green ones (gevent/eventlet) are checked as part of
# the whole directory below
THREAD_EXAMPLES = ["reqrep.py", "pubsub.py", "pipeline.py", "broker.py", "curve_pair.py"]


def have_mypy() -> bool:
    try:
        import mypy.api  # noqa: F401
    except ImportError:
        return False
    return True


def run_mypy(paths: list[Path], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # errors inside greenzmq itself are not what these tests judge (silent imports): only
    # that code using its public API type-checks under --strict. gevent and eventlet ship
    # no type information, hence --ignore-missing-imports.
    cmd = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
           "--ignore-missing-imports", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
           *map(str, paths)]
    env = dict(os.environ, MYPYPATH=str(ROOT))
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=170)


needs_mypy = pytest.mark.skipif(not have_mypy(), reason="mypy is not installed")


@needs_mypy
@pytest.mark.timeout(180)
def test_mypy_strict_on_thread_examples_and_typing_checks(tmp_path: Path) -> None:
    paths = [ROOT / "examples" / n for n in THREAD_EXAMPLES] + [TYPING / "check_types.py"]
    proc = run_mypy(paths, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_mypy
@pytest.mark.timeout(180)
def test_mypy_strict_on_every_example(tmp_path: Path) -> None:
    proc = run_mypy(sorted((ROOT / "examples").glob("*.py")), tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_mypy
@pytest.mark.timeout(60)
def test_mypy_catches_a_wrong_type(tmp_path: Path) -> None:
    # the stubs must give real types, not Any: a wrong annotation has to be reported
    bad = tmp_path / "bad.py"
    bad.write_text("import greenzmq as zmq\n"
                   "def f(s: zmq.Socket) -> str:\n"
                   "    return s.recv()\n")
    proc = run_mypy([bad], tmp_path)
    assert proc.returncode == 1
    assert 'Incompatible return value type (got "bytes", expected "str")' in proc.stdout


@pytest.mark.timeout(60)
def test_check_types_runs() -> None:
    # the static claims of check_types.py also hold at run time
    proc = subprocess.run([sys.executable, str(TYPING / "check_types.py")], capture_output=True,
                          text=True, timeout=50, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "check_types: ok" in proc.stdout


def test_stub_names_every_public_export() -> None:
    import ast

    from greenzmq.core import _zmq

    tree = ast.parse(STUB.read_text())
    stubbed = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            stubbed.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            stubbed.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            stubbed.update(a.asname or a.name for a in node.names)
    public = {n for n in dir(_zmq) if not n.startswith("_")}
    assert public - stubbed == set(), f"missing from {STUB.name}: {sorted(public - stubbed)}"


def test_stub_methods_match_the_classes() -> None:
    import ast

    from greenzmq.core import _zmq

    tree = ast.parse(STUB.read_text())
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_zmq, node.name)
        runtime = {n for n in vars(cls) if not n.startswith("_")}
        stubbed = {item.name for item in node.body
                   if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        stubbed |= {item.target.id for item in node.body
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)}
        assert runtime - stubbed == set(), f"{node.name}: not in the stub: {runtime - stubbed}"
        extra = {n for n in stubbed - set(dir(cls)) if n != "__buffer__"}  # PEP 688 marker
        assert extra == set(), f"{node.name}: stub only: {extra}"


def test_package_ships_typing_markers() -> None:
    assert (ROOT / "greenzmq" / "py.typed").exists()
    assert STUB.exists()
    if shutil.which("git"):
        tracked = subprocess.run(["git", "ls-files", "greenzmq/py.typed", str(STUB)], cwd=ROOT,
                                 capture_output=True, text=True).stdout.split()
        if tracked:  # a git checkout: both must be committed
            assert len(tracked) == 2, tracked
