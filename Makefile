# Collecta: the two commands of the README's quick start are `make run` and `make test`.
#
#   make run        open the app (creates a demo database on first start)
#   make test       the test suite, offscreen (COLLECTA_TEST_PG=1 adds the PostgreSQL runs)
#   make lint       ruff on the whole tree, mypy on models/services/db/config
#   make bench      every bench/bench_*.py, summary table (BENCH_ARGS=--quick for a short run)
#   make package    PyInstaller bundle in dist/collecta/ + frozen smoke test offscreen
#
# The virtualenv is (re)installed only when pyproject.toml is newer than its stamp file.

VENV ?= .venv
PY := $(VENV)/bin/python
BENCH_ARGS ?=
PYTEST_ARGS ?=
# Python 3.11: python3.11 if present, else python3 when that is 3.11.
PYTHON_BOOT ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)

DEV_STAMP := $(VENV)/.collecta-dev.stamp
PACKAGE_STAMP := $(VENV)/.collecta-package.stamp

.DEFAULT_GOAL := help
.PHONY: help venv run test lint bench package clean

help:
	@sed -n '3,8p' Makefile | sed 's/^#//'

venv: $(DEV_STAMP)

$(PY):
	@test -n "$(PYTHON_BOOT)" || { echo "Python 3.11 not found (install python3.11)" >&2; exit 1; }
	@$(PYTHON_BOOT) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "$(PYTHON_BOOT) is not Python 3.11; set PYTHON_BOOT=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(PACKAGE_STAMP): pyproject.toml | $(DEV_STAMP)
	$(PY) -m pip install --quiet -e '.[package]'
	@touch $@

run: venv
	@libs=$$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null ); \
	if [ "$$(uname -s)" = Linux ] && [ -z "$$QT_QPA_PLATFORM" ] && [ -n "$$libs" ] \
	   && ! printf '%s' "$$libs" | grep -q libxcb-cursor.so.0; then \
	  echo "Qt needs libxcb-cursor0 to open a window on Linux:" >&2; \
	  echo "  sudo apt install libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-render-util0" >&2; \
	  exit 1; fi
	$(PY) main.py

# COLLECTA_TEST_PG is passed through from the environment (make exports it to the recipe).
test: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# Both checkers always run, so one report shows everything; fails if either found a problem.
lint: venv
	@status=0; \
	echo "ruff check ."; $(VENV)/bin/ruff check . || status=1; \
	echo "mypy"; $(VENV)/bin/mypy || status=1; \
	exit $$status

bench: venv
	$(PY) -m bench.run $(BENCH_ARGS)

package: $(PACKAGE_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) installer/build.py

clean:
	rm -rf build dist bench/out .pytest_cache .mypy_cache .ruff_cache
