# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install bench bench-rollup clean templates

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/sheets-sync demo

# Two test workers when pytest-xdist is installed (it is, with .[test]); `make test JOBS=0` runs
# in one process, and without xdist the suite runs as before.
JOBS ?= 2
test: lint
	$(BIN)/python -m pytest -q $$($(BIN)/python -c 'import xdist; print("-n $(JOBS)")' 2>/dev/null)

# ruff (pyflakes, pycodestyle, bugbear, isort, pyupgrade; pyproject.toml): clean is the habit.
lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# The ministry roll-up: 76 provinces × 10,000 complaints vs the floor and 76 validate runs; the
# Sheets roll-up under the quota (benchmarks/rollup.py --help for the sizes).
bench-rollup: $(STAMP)
	$(BIN)/python benchmarks/rollup.py

templates: $(STAMP)
	$(BIN)/python scripts/build_templates.py

clean:
	rm -rf $(VENV) reports/* .pytest_cache
