# Set-up is part of every target: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test quick lint typecheck unit schema bench-quick clean

# Every benchmark module in bench/ (the shared helpers excepted).
BENCHMARKS := $(filter-out __init__ common,$(basename $(notdir $(wildcard bench/*.py))))

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)
	COMMONS_ENV=$${COMMONS_ENV:-development} $(BIN)/commons serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q -p no:cacheprovider

# The suite without the long property and fuzz tests (marked slow); `make test` runs all.
quick: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -m "not slow"

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

# Each benchmark at its small size, one after the other (figures only, never a pass/fail).
bench-quick: $(STAMP)
	@set -e; for name in $(BENCHMARKS); do \
		echo "== bench.$$name --small"; $(BIN)/python -m bench.$$name --small; \
	done

schema: $(STAMP)
	$(BIN)/commons schema

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
