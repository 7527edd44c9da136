# The two entry points of the README, plus the tools developers use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two installs: the application (all `make demo` needs), then the test tools and the PySpark backend
# (some 470 MB) that only `make test` and the other developer targets need.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-tests
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test test-fast test-slow lint messages benchmarks clean

$(BIN)/python:
	@echo "Creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing Inklusi and its dependencies into $(VENV) (the first time takes a few minutes)"
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) pyproject.toml
	@echo "Installing the test tools and the PySpark backend into $(VENV)"
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(TEST_STAMP)

## Set up, initialise a local registry with a small sample, and serve it.
demo: $(STAMP)
	$(BIN)/inklusi demo

## Set up and run every gate: lint, format, import contracts, types, tests on SQLite and PostgreSQL.
test: $(TEST_STAMP) lint
	INKLUSI_TEST_POSTGRES_URL=$${INKLUSI_TEST_POSTGRES_URL:-$(PG_URL)} $(BIN)/pytest

## The fast pure tests only (each slice's tests/<slice>/unit: no database, browser, Spark or process), under a minute.
test-fast: $(TEST_STAMP)
	$(BIN)/pytest -q tests/*/unit

## The slow tests too (large synthetic populations).
test-slow: $(TEST_STAMP)
	INKLUSI_TEST_POSTGRES_URL=$${INKLUSI_TEST_POSTGRES_URL:-$(PG_URL)} $(BIN)/pytest -m slow

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

## Extract translatable messages and merge them into the Indonesian catalogue.
messages: $(TEST_STAMP)
	$(BIN)/pybabel extract --no-location --sort-by-file -k msg -F babel.cfg -o src/inklusi/locale/inklusi.pot src/inklusi
	$(BIN)/python -c "from pathlib import Path; from inklusi.cli import add_help_to_template as add; add(Path('src/inklusi/locale/inklusi.pot'))"
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D inklusi -i src/inklusi/locale/inklusi.pot -d src/inklusi/locale -l id

## Benchmarks (long): see docs/benchmarks.md for what each prints.
benchmarks: $(TEST_STAMP)
	$(BIN)/python -m benchmarks.synth_bench
	$(BIN)/python -m benchmarks.search_bench

## Remove what the tools made: the venv, the demo registry, test output. Never ./inklusi-data (a real registry).
clean:
	rm -rf $(VENV) inklusi-demo .pytest_cache test-output
