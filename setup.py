"""Build the one extension module, greenzmq.core._zmq, against the system libzmq."""
import shlex
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args, "libzmq"], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return shlex.split(out.stdout) if out.returncode == 0 else None


def zmq_flags():
    cflags, libs = pkg_config("--cflags"), pkg_config("--libs")
    if cflags is None or libs is None:
        sys.exit(
            "greenzmq needs libzmq 4.x and pkg-config: install them first "
            "(Debian/Ubuntu: apt-get install libzmq3-dev pkg-config)."
        )
    return {
        "include_dirs": [f[2:] for f in cflags if f.startswith("-I")],
        "extra_compile_args": [f for f in cflags if not f.startswith("-I")],
        "library_dirs": [f[2:] for f in libs if f.startswith("-L")],
        "libraries": [f[2:] for f in libs if f.startswith("-l")],
    }


def extensions():
    from Cython.Build import cythonize

    flags = zmq_flags()
    # the core's hand-written C (declared in core/_externs.pxd)
    flags["include_dirs"].insert(0, "greenzmq/core/include")
    core = Path("greenzmq/core")
    depends = sorted(str(p) for pat in ("*.pxd", "*.pxi", "include/*.h") for p in core.glob(pat))
    exts = [
        Extension("greenzmq.core._zmq", ["greenzmq/core/_zmq.pyx"], depends=depends, **flags),
    ]
    return cythonize(
        exts,
        language_level=3,
        compiler_directives={"binding": False, "embedsignature": True},
    )


setup(ext_modules=extensions())
