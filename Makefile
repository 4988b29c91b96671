# The two commands a newcomer needs: `make demo` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PHASE := bash .ci/phase
# The edit loop leaves out what starts processes, a browser or PostgreSQL.
QUICK := not chaos and not browser and not subprocess and not postgres and not scale

.PHONY: bytecode screenshots demo test check fuzz lint types lock check-python clean bench browser serve catalogs mo

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "mailer needs Python >= 3.11; set PYTHON=python3.11")'
	$(PYTHON) -m venv --without-pip $(VENV)

# Exact versions from requirements.lock (hashes checked); pyproject.toml keeps the ranges.
# uv (itself taken from the lock, hash checked) installs them in seconds where pip takes a minute.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	@awk '/^uv==/{keep=1} keep && !/^uv==/ && !/^ /{keep=0} keep' requirements.lock > $(VENV)/uv.lock.txt
	@# uv into the venv by the system's pip (--python: pip >= 22.3) when it has one, else by
	@# the venv's own (ensurepip: 4 s more)
	@$(PYTHON) -m pip --python $(BIN)/python install --quiet --require-hashes \
	  -r $(VENV)/uv.lock.txt 2>/dev/null || { $(BIN)/python -m ensurepip --upgrade >/dev/null && \
	  $(BIN)/python -m pip install --quiet --require-hashes -r $(VENV)/uv.lock.txt; }
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# Bytecode for the installed packages, once per install (`make bytecode`, beside the type check):
# where PYTHONDONTWRITEBYTECODE is set (as on our CI machines) every process would otherwise
# compile each module it imports (`import mailer.app`: 2.1 s -> 0.7 s). Left out: packages no
# test or command imports (pip, setuptools, graphql) and mypy's sources (it runs compiled): a
# quarter of the files.
COMPILED := $(VENV)/.compiled
SITE = $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
$(COMPILED): $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 \
	  -x '/site-packages/(pip|setuptools|pkg_resources|graphql|mypy|mypyc)/' $(SITE) >/dev/null
	@touch $(COMPILED)

# Refresh the lock after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	  --python-version 3.11 --quiet -o requirements.lock

demo: $(COMPILED) mo
	$(BIN)/mailer demo

# Words people read: extract the msgids into two templates, mailer/locale/mailer.pot (N_("..."):
# what subscribers read, in every language) and staff.pot (S_("...") and C_("context", "..."):
# the staff UI, en and ru), merge them into every .po of that domain (new ones empty, changed
# ones fuzzy: the catalog test then names them), compile .mo files. Without .mo files the .po
# files are read directly.
LOCALE := mailer/locale
catalogs: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg --no-default-keywords -k N_ --no-location \
	  --omit-header -o $(LOCALE)/mailer.pot mailer
	$(BIN)/pybabel -q extract -F babel.cfg --no-default-keywords -k S_ -k C_:1c,2 \
	  --no-location --omit-header -o $(LOCALE)/staff.pot mailer
	for domain in mailer staff; do \
	  $(BIN)/pybabel -q update -i $(LOCALE)/$$domain.pot -d $(LOCALE) -D $$domain \
	    -w 100 --ignore-pot-creation-date || exit 1; \
	done
	$(MAKE) --no-print-directory mo

mo: $(STAMP)
	@$(BIN)/pybabel -q compile -d $(LOCALE) -D mailer
	@$(BIN)/pybabel -q compile -d $(LOCALE) -D staff

# The web UI on the demo's data (run `make demo` first): the capture SMTP on port 1025 and
# `mailer serve` on http://127.0.0.1:8000 (staff login printed by the demo). Ctrl-C stops both.
serve: $(COMPILED) mo
	@test -f var/demo.toml || $(MAKE) demo
	@$(BIN)/mailer dev-smtp --port 1025 --maildir var/outbox & capture=$$!; \
	  trap 'kill $$capture 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/mailer --config var/demo.toml serve

lint: $(STAMP)
	@$(PHASE) lint sh -c '$(BIN)/ruff check mailer tests benchmarks && \
	  $(BIN)/ruff format --check --quiet mailer tests benchmarks && $(BIN)/lint-imports --no-cache'

types: $(STAMP)
	@$(PHASE) types $(BIN)/mypy

# The browser tests drive Debian's chromium headless shell through Playwright (what Playwright
# drives by default: half the CPU of the whole browser); install it when missing.
browser:
	@command -v chromium-headless-shell >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium headless shell for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium-headless-shell >/dev/null; }

# Everything, on every core and one more; PostgreSQL too when MAILER_TEST_POSTGRES_URL is set
# (.ci/run).
# The project's own bytecode first: the tests start many `mailer` processes (see $(COMPILED)).
# pytest keeps its rewritten test modules in __pycache__ only where bytecode may be written: each
# worker otherwise rewrites them all again (about 10 s a worker).
# One worker more than cores: a test waiting on a socket, a process or chromium leaves its core
# to the others (on 2 cores: 118-122 s against 121-128 s with one worker a core).
# Lint, types and bytecode run side by side first: mypy keeps one core busy for about 17 s on a
# new clone, and the others fit beside it (each prints its own lines when it ends).
WORKERS := $(shell n=$$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2); echo $$((n + 1)))
# GNU make 4 keeps each side-by-side phase's lines together; macOS' make 3.81 has no such option.
SYNC := $(if $(filter 3.%,$(MAKE_VERSION)),,--output-sync=target)
test: browser $(STAMP)
	@$(MAKE) --no-print-directory -j 3 $(SYNC) lint types bytecode
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n $(WORKERS) --dist loadfile --no-loadscope-reorder

bytecode: $(COMPILED)
	@$(BIN)/python -m compileall -q -j 0 mailer tests benchmarks

# The edit loop: lint, types and the in-process tests (no subprocess, browser or PostgreSQL).
# One worker more than cores here too: these tests also wait on sockets and threads (on 2 cores
# 44 s against 48 s with a worker a core; issue 13's goal is 45 s).
check: $(STAMP)
	@$(MAKE) --no-print-directory -j 2 $(SYNC) lint types
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n $(WORKERS) --dist loadfile --no-loadscope-reorder -m "$(QUICK)"

# The pictures in docs/screenshots/: the browser tests, painting each page they check.
screenshots: $(STAMP) browser mo
	MAILER_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q -n auto --dist loadfile --no-loadscope-reorder -m browser

# Randomised tests with new examples, ten times as many; a failure found becomes a test case.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz MAILER_FUZZ_FACTOR=10 $(BIN)/pytest -q -n auto -m fuzz

bench: $(COMPILED)
	$(BIN)/python benchmarks/import_and_segment.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/send.py
	$(BIN)/python benchmarks/ledger.py
	$(BIN)/python benchmarks/bounce_corpus.py
	$(BIN)/python benchmarks/create_app.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
