# The two commands a newcomer needs: `make demo` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint check-python clean bench browser serve

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "mailer needs Python >= 3.11; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mailer demo

# The web UI on the demo's data (run `make demo` first): the capture SMTP on port 1025 and
# `mailer serve` on http://127.0.0.1:8000 (staff login printed by the demo). Ctrl-C stops both.
serve: $(STAMP)
	@test -f var/demo.toml || $(MAKE) demo
	@$(BIN)/mailer dev-smtp --port 1025 --maildir var/outbox & capture=$$!; \
	  trap 'kill $$capture 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/mailer --config var/demo.toml serve

lint: $(STAMP)
	$(BIN)/ruff check mailer tests benchmarks
	$(BIN)/ruff format --check mailer tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser tests drive Debian's chromium through Playwright; install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium >/dev/null; }

test: lint browser
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/import_and_segment.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/send.py
	$(BIN)/python benchmarks/ledger.py
	$(BIN)/python benchmarks/bounce_corpus.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
