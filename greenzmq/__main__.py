"""``python -m greenzmq run [-m] PROG ARGS...``: run a pyzmq program on greenzmq.

``import zmq`` (and ``zmq.*``, ``eventlet.green.zmq``) then load greenzmq's modules, in
the program and in the Python processes it starts (through a start-up hook on PYTHONPATH).
"""
from __future__ import annotations

import os
import runpy
import sys

USAGE = """usage: python -m greenzmq run PROG.py [ARGS...]
       python -m greenzmq run -m MODULE [ARGS...]

Run a program written for pyzmq on greenzmq: `import zmq` loads greenzmq's modules,
in the program and in the Python processes it starts."""


def _prepare_environment() -> None:
    from greenzmq._install import ENV_VAR

    boot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_boot")
    path = os.environ.get("PYTHONPATH", "")
    if boot not in path.split(os.pathsep):
        os.environ["PYTHONPATH"] = boot + (os.pathsep + path if path else "")
    os.environ[ENV_VAR] = "1"


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "run" or argv[1] in ("-h", "--help") \
            or (argv[1] == "-m" and len(argv) < 3):
        print(USAGE, file=sys.stdout if "-h" in argv or "--help" in argv else sys.stderr)
        return 0 if "-h" in argv or "--help" in argv else 2
    import greenzmq

    _prepare_environment()
    greenzmq.install_as_zmq()
    if argv[1] == "-m":
        sys.argv = [argv[2], *argv[3:]]
        sys.path[0] = os.getcwd()
        runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv[1:]
        sys.path[0] = os.path.dirname(os.path.abspath(argv[1]))
        runpy.run_path(argv[1], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
