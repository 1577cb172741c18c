"""install_as_zmq() and ``python -m greenzmq run``: programs and libraries that
``import zmq`` themselves run on greenzmq, version checks included.

Each case runs in a fresh interpreter: the alias changes ``sys.modules`` for good.
pyzmq is installed in the test venv, so each case also proves it was not the one loaded.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import greenzmq

HERE = Path(__file__).parent
THIRDPARTY = HERE / "thirdparty"


def run_py(code: str, *args: str, cwd: Path | None = None, timeout: float = 60,
           env: dict | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(THIRDPARTY), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    full_env.pop("GREENZMQ_AS_ZMQ", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, *args, "-c", code] if code else [sys.executable, *args],
                          capture_output=True, text=True, timeout=timeout, cwd=cwd, env=full_env)


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.timeout(60)
def test_third_party_library_runs_on_greenzmq():
    out = ok(run_py(textwrap.dedent("""
        import greenzmq
        greenzmq.install_as_zmq()
        import zmqtool, zmq
        assert zmq is greenzmq and zmq.Context is greenzmq.Context
        print(zmqtool.binding(), zmqtool.roundtrip(b"hello"))
    """)))
    assert out.split() == ["greenzmq.core.context", "b'hello'"]


@pytest.mark.timeout(60)
def test_without_install_the_library_gets_pyzmq():
    # the control case: the same library, no alias, loads the real pyzmq
    pytest.importorskip("zmq")
    out = ok(run_py("import zmqtool; print(zmqtool.binding())"))
    assert out.split()[0].startswith("zmq.")


@pytest.mark.timeout(60)
def test_module_names_map_to_greenzmq_modules():
    out = ok(run_py(textwrap.dedent("""
        import greenzmq
        greenzmq.install_as_zmq()
        import zmq, zmq.green, zmq.devices, zmq.eventloop.ioloop, zmq.eventloop.zmqstream
        import zmq.sugar.socket, zmq.backend, zmq.utils.jsonapi, zmq.log.handlers, zmq.error
        import zmq.decorators, zmq.ssh, zmq.constants, zmq.auth.thread
        import eventlet.green.zmq
        from zmq.sugar.version import VERSION_EXTRA
        for m in (zmq.green, zmq.devices, zmq.eventloop.zmqstream, zmq.sugar.socket,
                  zmq.backend, zmq.utils.jsonapi, zmq.log.handlers, zmq.decorators, zmq.ssh,
                  zmq.auth.thread, eventlet.green.zmq):
            print(m.__name__)
        assert zmq.green.Context is greenzmq.green_gevent.Context
        assert eventlet.green.zmq.Socket is greenzmq.green_eventlet.Socket
        assert zmq.error.ZMQError is greenzmq.ZMQError
    """)))
    assert out.split() == [
        "greenzmq.green_gevent", "greenzmq.devices", "greenzmq.eventloop.zmqstream",
        "greenzmq.core.socket", "greenzmq.core", "greenzmq.utils.jsonapi",
        "greenzmq.log.handlers", "greenzmq.decorators", "greenzmq.ssh", "greenzmq.auth.thread",
        "greenzmq.green_eventlet"]


@pytest.mark.timeout(60)
def test_asyncio_maps_to_greenzmq_asyncio_or_is_missing():
    out = ok(run_py(textwrap.dedent("""
        import importlib.util, greenzmq
        greenzmq.install_as_zmq()
        have = importlib.util.find_spec("greenzmq.asyncio") is not None
        try:
            import zmq.asyncio
        except ModuleNotFoundError as e:
            print("missing", have, e.name)
        else:
            print("mapped", zmq.asyncio.__name__)
    """)))
    assert out.split() in (["mapped", "greenzmq.asyncio"], ["missing", "False", "zmq.asyncio"])


@pytest.mark.timeout(60)
def test_a_name_greenzmq_lacks_never_falls_back_to_pyzmq():
    out = ok(run_py(textwrap.dedent("""
        import greenzmq
        greenzmq.install_as_zmq()
        try:
            import zmq.backend.cffi
        except ModuleNotFoundError as e:
            print(e.name)
    """)))
    assert out.strip() == "zmq.backend.cffi"


@pytest.mark.timeout(60)
def test_version_checks_written_for_pyzmq_pass():
    out = ok(run_py(textwrap.dedent("""
        import greenzmq
        greenzmq.install_as_zmq()
        import zmq
        print(zmq.__version__, zmq.pyzmq_version(), zmq.pyzmq_version_info(),
              zmq.greenzmq_version(), repr(zmq.__revision__), sep="|")
    """)))
    api, same, info, own, rev = out.split("|")
    assert info == str(tuple(int(x) for x in api.split(".")))
    assert api == same == greenzmq.pyzmq_version()
    assert tuple(int(x) for x in api.split(".")) >= (13, 1)
    assert own == greenzmq.greenzmq_version() != api
    assert rev.strip() == "''"


@pytest.mark.timeout(60)
def test_install_after_pyzmq_was_imported_warns_and_replaces():
    pytest.importorskip("zmq")
    out = ok(run_py(textwrap.dedent("""
        import warnings, zmq as real
        import greenzmq
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            greenzmq.install_as_zmq()
        import zmq
        print(zmq is greenzmq, real is not greenzmq, [str(x.category.__name__) for x in w])
    """)))
    assert out.split() == ["True", "True", "['RuntimeWarning']"]


@pytest.mark.timeout(60)
def test_uninstall_gives_pyzmq_back():
    pytest.importorskip("zmq")
    out = ok(run_py(textwrap.dedent("""
        import greenzmq, greenzmq._install as inst
        greenzmq.install_as_zmq()
        import zmq
        assert zmq is greenzmq
        inst.uninstall_as_zmq()
        import zmq
        print(zmq is greenzmq, zmq.__name__)
    """)))
    assert out.split() == ["False", "zmq"]


@pytest.mark.timeout(90)
def test_run_command_covers_the_program_and_its_child_processes(tmp_path):
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent("""
        import multiprocessing, subprocess, sys
        import zmqtool, zmq

        def child_binding(q):
            import zmq
            q.put(zmq.Context.__module__)

        if __name__ == "__main__":
            print("args", *sys.argv[1:])
            print("main", zmqtool.binding(), zmqtool.roundtrip(b"x") == b"x")
            out = subprocess.run([sys.executable, "-c", "import zmq; print(zmq.__name__)"],
                                 capture_output=True, text=True, check=True).stdout
            print("subprocess", out.strip())
            ctx = multiprocessing.get_context("spawn")
            q = ctx.Queue()
            p = ctx.Process(target=child_binding, args=(q,))
            p.start()
            print("spawn", q.get(timeout=30))
            p.join(30)
    """))
    out = ok(run_py("", "-m", "greenzmq", "run", str(prog), "a b", "--flag", cwd=tmp_path))
    assert out.splitlines() == [
        "args a b --flag", "main greenzmq.core.context True", "subprocess greenzmq",
        "spawn greenzmq.core.context"]


@pytest.mark.timeout(60)
def test_run_command_runs_a_module_and_keeps_other_sitecustomize(tmp_path):
    # a sitecustomize of the user's own, which greenzmq's start-up hook hides and must chain to
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.hook_ran = True\n")
    (tmp_path / "mymod.py").write_text(textwrap.dedent("""
        import subprocess, sys, zmq
        print(zmq.__name__, getattr(sys, "hook_ran", False), sys.argv[1:])
        code = "import sys, zmq; print(zmq.__name__, getattr(sys, 'hook_ran', False))"
        print(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.strip())
    """))
    out = ok(run_py("", "-m", "greenzmq", "run", "-m", "mymod", "x", cwd=tmp_path,
                    env={"PYTHONPATH": str(tmp_path)}))
    assert out.splitlines() == ["greenzmq True ['x']", "greenzmq True"]


@pytest.mark.timeout(60)
def test_run_command_usage():
    proc = run_py("", "-m", "greenzmq")
    assert proc.returncode == 2 and "usage: python -m greenzmq run" in proc.stderr
    proc = run_py("", "-m", "greenzmq", "run", "--help")
    assert proc.returncode == 0 and "run PROG.py" in proc.stdout


@pytest.mark.timeout(60)
def test_python_m_zmq_module_runs_greenzmqs(tmp_path):
    if not greenzmq.has("curve"):
        pytest.skip("needs CURVE")
    prog = tmp_path / "keygen.py"
    prog.write_text(textwrap.dedent("""
        import json, subprocess, sys
        out = subprocess.run([sys.executable, "-m", "zmq.curve_keygen", "--json"],
                             capture_output=True, text=True, check=True).stdout
        print(sorted(json.loads(out)))
        print(subprocess.run([sys.executable, "-m", "zmq.curve_keygen", "-h"],
                             capture_output=True, text=True).stdout.split()[1:4])
    """))
    out = ok(run_py("", "-m", "greenzmq", "run", str(prog), cwd=tmp_path))
    assert out.splitlines() == ["['public', 'secret']", "['python3', '-m', 'zmq.curve_keygen']"]
