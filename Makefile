# The two commands a newcomer needs: `make demo` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint check-python clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "mailer needs Python >= 3.11; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mailer demo

lint: $(STAMP)
	$(BIN)/ruff check mailer tests benchmarks
	$(BIN)/ruff format --check mailer tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/import_and_segment.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/send.py
	$(BIN)/python benchmarks/ledger.py
	$(BIN)/python benchmarks/bounce_corpus.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
