#!/usr/bin/env bash
# Build the user guide and API reference: bash docs/build.sh [extra sphinx-build options]
# Installs Sphinx into .venv when it is missing, then runs sphinx-build with warnings as
# errors (-E: every page is read again, so no warning hides in a cached page).
# The API pages import greenzmq, so the extension must be built (make build).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-.venv/bin/python}
if [ ! -x "$PY" ]; then
    echo "docs/build.sh: $PY not found: run 'make build' first (or set PYTHON)" >&2
    exit 1
fi
if ! "$PY" -c 'import sphinx' 2>/dev/null; then
    echo "docs/build.sh: installing sphinx into $("$PY" -c 'import sys; print(sys.prefix)')"
    "$PY" -m pip install -q sphinx
fi
if ! "$PY" -c 'import greenzmq.core._zmq' 2>/dev/null; then
    echo "docs/build.sh: greenzmq's extension is not built: run 'make build' first" >&2
    exit 1
fi
OUT=${DOCS_OUT:-docs/_build/html}
"$PY" -m sphinx -E -W --keep-going -q -b html "$@" docs "$OUT"
echo "docs/build.sh: HTML in $OUT/index.html"
