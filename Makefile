# greenzmq: `make test` and `make bench` set up everything they need on a fresh Debian machine.
PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.deps-stamp
PYTEST_ARGS ?=

.PHONY: all deps venv build lint test bench soak docs clean

all: build

# libzmq and pkg-config from Debian when pkg-config cannot find libzmq
deps:
	@pkg-config --exists libzmq 2>/dev/null || { \
	  echo "libzmq not found: installing libzmq3-dev and pkg-config with apt-get"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libzmq3-dev pkg-config; }

$(STAMP): setup.cfg pyproject.toml Makefile
	@$(MAKE) --no-print-directory deps
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q -U pip setuptools wheel "Cython>=3"
	$(VPY) -m pip install -q "pytest>=7" pytest-timeout hypothesis "gevent>=22" "eventlet>=0.33" "tornado>=6" pyzmq uvloop mypy build matplotlib ruff cython-lint pycodestyle
	touch $(STAMP)

venv: $(STAMP)

# in-place build; the venv sees the tree through an editable install
build: $(STAMP)
	@$(MAKE) --no-print-directory deps
	$(VPY) setup.py -q build_ext --inplace -j 2
	@test -f $(VENV)/.editable-stamp || { $(VPY) -m pip install -q --no-build-isolation --no-deps -e . && touch $(VENV)/.editable-stamp; }

# the rules that run: ruff, mypy on the package, cython-lint on the Cython parts, the
# generated constants against the zmq.h in use, and duplicated blocks (.pxi and .h included)
lint: build
	$(VENV)/bin/ruff check greenzmq tests examples tools
	$(VENV)/bin/mypy
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/cython-lint greenzmq/core greenzmq/_green_c.pxd greenzmq/_asyncio_c.pxd
	$(VPY) tools/check_constants.py
	$(VPY) tools/dupcheck.py greenzmq

test: build lint
	$(VPY) -m pytest -q $(PYTEST_ARGS)

bench: build
	$(VPY) -m greenzmq.perf $(BENCH_ARGS)
	@$(VPY) -c "import matplotlib" 2>/dev/null && $(VPY) -m greenzmq.perf.plots || echo "(no matplotlib in .venv: plots skipped)"

# the long reliability run (full counts, valgrind)
soak: build
	bash tests/reliability/soak.sh

docs: build
	bash docs/build.sh

clean:
	rm -rf build dist *.egg-info greenzmq/core/*.c greenzmq/core/*.so greenzmq/*.so greenzmq/*.c
