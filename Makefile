# Everyday commands. `make run` and `make test` need only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test test-clocks bench install install-test migrate demo lint messages clean

run: install ## serve on SQLite with demo data at http://127.0.0.1:8000 (another port: make run PORT=8110)
	$(BIN)/convene migrate
	$(BIN)/convene demo --if-empty
	$(BIN)/convene serve --port $(PORT)

test: install-test ## the whole suite on SQLite (and PostgreSQL when CONVENE_TEST_POSTGRES_URL is set)
	bash scripts/test.sh

test-clocks: install-test ## the whole suite at six instants that break date arithmetic
	bash scripts/test-clocks.sh

bench: install-test ## page throughput against the reference page, SQLite and PostgreSQL (needs wrk)
	$(BIN)/python scripts/benchmark.py
	$(BIN)/python tests/bench_consent_decision.py

install: $(BIN)/.installed

install-test: $(BIN)/.installed-test
	@if command -v npm >/dev/null 2>&1; then \
	  [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: browser accessibility checks will be skipped (install Node.js 20)"; fi

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

migrate: install
	$(BIN)/convene migrate

demo: install
	$(BIN)/convene demo

lint: install-test
	$(BIN)/ruff check server tests

messages: install-test ## re-extract strings and update the Spanish catalog
	bash scripts/messages.sh

clean:
	rm -rf $(VENV) node_modules test-artifacts .pytest_cache
