# Accord: the commands the README names. `make demo` and `make test` work on a fresh machine
# with Python >= 3.11, make and Debian's packages; everything else is installed here.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_DB := accord_ci_$(shell date +%s)_$(shell echo $$$$)
PYTEST_ARGS ?=
export ACCORD_TEST_OUTPUT ?= $(CURDIR)/test-output

.PHONY: demo test test-sqlite test-postgres check fmt lock browser serve migrate clean messages bench

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Accord needs Python >= 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(BIN)/accord migrate --no-input

demo: migrate
	$(BIN)/accord demo --size S --seed 1 --if-empty
	$(BIN)/accord serve --port 8000

serve: migrate
	$(BIN)/accord serve --port 8000

# Debian's Chromium for the browser tests, when it is missing and we may install it.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install chromium: browser tests will be skipped."; \
	  else echo "No /usr/bin/chromium and no root: browser tests will be skipped."; fi; \
	fi

test: $(STAMP) browser
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP)
	@echo "=== Test suite on SQLite ==="
	ACCORD_DATABASE_URL= $(BIN)/pytest -p no:cacheprovider -n 2 $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@if $(BIN)/python -c 'import psycopg,sys; psycopg.connect("$(PG_URL)/postgres", connect_timeout=3).close()' 2>/dev/null; then \
	  echo "=== Test suite on PostgreSQL ($(PG_URL), throwaway database test_$(PG_DB)) ==="; \
	  ACCORD_DATABASE_URL=$(PG_URL)/$(PG_DB) $(BIN)/pytest -p no:cacheprovider -n 2 --create-db $(PYTEST_ARGS); \
	else \
	  echo "=== PostgreSQL is not reachable at $(PG_URL): the PostgreSQL pass is SKIPPED ==="; \
	fi

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy accord config
	$(BIN)/lint-imports
	$(BIN)/djlint accord --check --quiet
	$(BIN)/djlint accord --lint --quiet
	ACCORD_DEBUG=1 $(BIN)/accord makemigrations --check --dry-run

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuild the Russian translation after changing strings (needs gettext).
messages: $(STAMP)
	ACCORD_DEBUG=1 $(BIN)/accord makemessages -l ru --ignore=.venv --ignore=tests --ignore='var*' --ignore=test-output --no-obsolete
	ACCORD_DEBUG=1 $(BIN)/accord compilemessages -l ru --ignore=.venv

# Pin the exact versions of every dependency (commit constraints.txt afterwards).
lock:
	rm -rf /tmp/accord-lock && $(PYTHON) -m venv /tmp/accord-lock
	/tmp/accord-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/accord-lock/bin/pip freeze --exclude-editable | grep -v '^accord' > constraints.txt

clean:
	rm -rf $(VENV) test-output .pytest_cache .mypy_cache .ruff_cache
