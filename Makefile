# Liaison — the two-command quick start is `make demo` and `make test`.
# Every target installs what it needs; nothing is fetched at run time.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the machines have two cores; pytest-xdist gives each its own test database.
PYTEST_ARGS ?= -n 2

.PHONY: help demo serve test test-pg lint typecheck install install-dev assets migrate clean schemathesis

help:
	@echo "make demo     install, migrate SQLite, load the demo department, serve on $(HOST):$(PORT)"
	@echo "make test     install dev tools, run ruff, mypy, import-linter and the whole test suite"
	@echo "make serve    serve the current database on $(HOST):$(PORT)"
	@echo "make lint     ruff + mypy + import-linter only"
	@echo "make test-pg  the test suite against PostgreSQL (DATABASE_URL, default local postgres)"
	@echo "make schemathesis  only the API-versus-OpenAPI property run (part of make test)"

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || \
	  { echo "Liaison needs Python >= 3.12; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Set PYTHON=python3.12."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok pyproject.toml
	$(PIP) install -q -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Liaison needs Node >= 20 with npm for its USWDS assets."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Our one bundled script: the USWDS combo box for rows htmx adds (assets/combo-box-rows.js,
# ADR 0008), built from the pinned @uswds/uswds with the pinned esbuild into build/static/.
BUILT_JS := build/static/liaison/combo-box-rows.js
$(BUILT_JS): assets/combo-box-rows.js node_modules/.installed
	node_modules/.bin/esbuild assets/combo-box-rows.js --bundle --minify --format=iife \
	  --target=es2017 --log-level=warning --outfile=$@

install: $(VENV)/.installed node_modules/.installed $(BUILT_JS)
install-dev: $(VENV)/.installed-dev node_modules/.installed $(BUILT_JS)
assets: node_modules/.installed $(BUILT_JS)

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --no-input

demo: export DEBUG = 1
demo: migrate
	$(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/ — press Ctrl-C to stop."
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: export DEBUG = 1
serve: migrate
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy liaison bench tests conftest.py
	$(VENV)/bin/lint-imports

# The suite includes tests/test_schemathesis.py (seeded, SCHEMATHESIS_MAX_EXAMPLES per
# operation, default 25): any 5xx or any answer the OpenAPI document does not describe fails.
test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

schemathesis: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS) tests/test_schemathesis.py

test-pg: install-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/liaison} DATABASE_CONN_MAX_AGE=0 \
	  $(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache
