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
    core_exts = cythonize(
        exts,
        language_level=3,
        compiler_directives={"binding": False, "embedsignature": True},
    )
    # the cooperative layers' two hot modules, compiled from their .py (greenzmq/_compiled.py):
    # the wait engine and asyncio's adapter, each typed by the .pxd of its twin's name
    # (cythonize tracks a .pxd of the source's own name only: a newer .pxd it reads forces
    # the C file to be made again)
    twins = []
    for source, twin, deps in (
        ("_green", "_green_c", ["_green_c.pxd", "core/_zmq.pxd"]),
        ("asyncio", "_asyncio_c", ["_asyncio_c.pxd", "_green_c.pxd", "core/_zmq.pxd"]),
    ):
        generated = Path(f"greenzmq/{source}.c")
        deps = [Path("greenzmq", d) for d in deps]
        if generated.exists() and max(p.stat().st_mtime for p in deps) > generated.stat().st_mtime:
            generated.unlink()
        twins.append(Extension(f"greenzmq.{twin}", [f"greenzmq/{source}.py"],
                               depends=[str(p) for p in deps], **zmq_flags()))
    engine = cythonize(
        twins,
        language_level=3,
        # binding: the fast paths are functions that the classes take as methods;
        # annotations are documentation here, not C types
        compiler_directives={"binding": True, "annotation_typing": False},
    )
    return core_exts + engine


setup(ext_modules=extensions())
