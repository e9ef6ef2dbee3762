# The README's two commands are `make report` and `make test`; each works on a fresh clone by itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup report test bench lint clean

setup: $(STAMP)

# Reinstalls only when pyproject.toml changes, so a second `make setup` is a no-op.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,fast]"
	touch $(STAMP)

# `verify` checks every output against results/manifest.json and that no input text changed.
report: setup
	$(BIN)/python -m analysis run
	$(BIN)/python -m analysis verify results

# On every CPU (pytest-xdist); the workers share the one full run of the study (tests/conftest.py).
test: setup
	$(BIN)/python -m pytest -n auto --dist loadgroup

bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/models.py
	$(BIN)/python benchmarks/floor.py

lint: setup
	$(BIN)/ruff check analysis tests benchmarks

clean:
	rm -rf results .cache .pytest_cache .hypothesis
	find figures -type f ! -name README.md ! -name .gitkeep -delete
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
