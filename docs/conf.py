"""Sphinx configuration of greenzmq's user guide and API reference (built by docs/build.sh)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# document the work tree (build it first: the API pages import the extension module)
sys.path.insert(0, str(ROOT))

import greenzmq  # noqa: E402

project = "greenzmq"
author = "the greenzmq developers"
copyright = "greenzmq developers"
release = greenzmq.__version__
version = ".".join(release.split(".")[:2])

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.intersphinx"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
# design-notes.md is the maintainers' contract between layers, not part of the guide;
# the *.inc file is pulled in by `.. include::`
exclude_patterns = ["_build", "design-notes.md", "architecture.md", "**/*.inc"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
# members are listed in each directive: a default "members" would override those lists
autodoc_default_options = {"show-inheritance": True}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# "Attributes" sections as fields: as directives they would clash with autodoc's own
napoleon_use_ivar = True
# the green modules re-export greenzmq's names, so a bare type such as ``Socket`` or
# ``bytes`` in a docstring matches several documented objects; Sphinx then links the
# first and warns, which -W would turn into a failure
suppress_warnings = ["ref.python"]

# no network at build time: intersphinx links only when an inventory is cached locally
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

html_theme = "alabaster"
html_static_path = ["_static"]
html_title = f"greenzmq {release}"

# the benchmark plots are written by `make bench` (greenzmq/perf/plots.py); the page lists
# whichever exist, so the docs build with or without a bench run
BENCH_DIR = HERE / "_static" / "bench"
BENCH_PLOTS = [
    ("throughput.png", "Throughput (messages/s) against message size, per transport."),
    ("bandwidth.png", "The same runs in MB/s."),
    ("latency.png", "Round-trip latency (µs, lower is better)."),
    ("ratios.png", "Every row as a ratio greenzmq / anchor (log scale; green: better)."),
]


def _write_bench_include() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, caption in BENCH_PLOTS:
        if (BENCH_DIR / name).exists():
            lines += [f".. figure:: _static/bench/{name}", "   :width: 100%", "",
                      f"   {caption}", ""]
    if not lines:
        lines = [".. note::", "", "   No plots yet: run ``make bench`` (with matplotlib installed)",
                 "   and build the documentation again.", ""]
    text = "\n".join(lines)
    # under _build, which git ignores: the file is made anew by every build
    inc = HERE / "_build" / "bench_plots.inc"
    inc.parent.mkdir(exist_ok=True)
    # rewrite only on change, so Sphinx does not rebuild the page for nothing
    if not inc.exists() or inc.read_text() != text:
        inc.write_text(text)


_write_bench_include()
