# FacadeOps — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/facadeops
export DATABASE_URL_TEST := $(or $(DATABASE_URL),$(PG_URL))
PYTEST_WORKERS ?= 2

.PHONY: help run test lint setup venv deps assets messages system-deps services soak test-disruptive \
        test-security test-pg test-sqlite fmt clean bench bench-large audit

help:
	@echo "make run   - set up and serve FacadeOps with demo data on SQLite (http://$(HOST):$(PORT))"
	@echo "make test  - set up and run lint + the whole test suite (PostgreSQL, SQLite, browser)"
	@echo "make lint  - ruff, ruff format --check, import contracts, mypy, makemigrations --check"

$(BIN)/uv:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==0.13.9"

venv: $(BIN)/uv

# Python packages from the lock file (uv.lock); --locked refuses a lock out of date with pyproject.
deps: venv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --locked --python $(BIN)/python --quiet

assets:
	bash scripts/copy-assets.sh

messages: deps
	$(BIN)/python scripts/compilemessages.py

setup: deps assets messages

# ---- make run: embedded SQLite under var/, demo data once, development server ---------
run: setup
	mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py loaddemo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# ---- make test: everything the suite needs, then lint and the suite ---------------------
system-deps:
	bash scripts/system-deps.sh

services:
	bash scripts/ensure-services.sh

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_local_imports.py
	$(BIN)/lint-imports --no-cache
	FACADEOPS_TESTING=1 $(BIN)/mypy facadeops config
	FACADEOPS_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

test-pg:
	FACADEOPS_TESTING=1 DATABASE_URL=$(DATABASE_URL_TEST) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not disruptive and not soak"

test-sqlite:
	FACADEOPS_TESTING=1 DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not postgres and not e2e and not disruptive and not soak"

test: system-deps setup services lint
	mkdir -p var
	$(MAKE) --no-print-directory test-pg
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-disruptive

# ---- reliability harness (docs/reliability.md) ------------------------------------------
# Kills gunicorn / the Celery worker and restarts a throw-away PostgreSQL cluster of its own
# (tests/reliability/test_faults.py, about 1 min): serial, after the main suite.
test-disruptive:
	FACADEOPS_TESTING=1 DATABASE_URL=$(DATABASE_URL_TEST) $(BIN)/pytest -p no:cacheprovider -m disruptive tests/reliability

# The route × role authorization matrix alone (issue 4; its bounded run is part of `make test`
# on PostgreSQL and SQLite).
test-security: deps services
	FACADEOPS_TESTING=1 DATABASE_URL=$(DATABASE_URL_TEST) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m matrix tests/security

# Thousands of fuzz cases and the full 12-principal authorization matrix.
soak: deps services
	FACADEOPS_TESTING=1 FUZZ_EXAMPLES=300 SECURITY_FULL_MATRIX=1 DATABASE_URL=$(DATABASE_URL_TEST) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider tests/fuzz tests/security

# ---- make audit: pip-audit over the locked environment (.venv from uv.lock) --------------
# Exceptions: one --ignore-vuln ID per entry, each with its reason in docs/reliability.md.
# Exit 1 = vulnerabilities, 2 = service unreachable, 3 = packages without data (incomplete).
AUDIT_IGNORE :=
AUDIT_ARGS ?=
audit: deps
	$(BIN)/python scripts/audit.py $(AUDIT_ARGS) $(foreach id,$(AUDIT_IGNORE),--ignore-vuln $(id))

# ---- make bench: production stack under load (issue 7); see docs/benchmarks.md -----------
bench: setup services
	$(BIN)/python bench/run.py

bench-large: setup services
	BENCH_SCALE=large $(BIN)/python bench/run.py

fmt: deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor var
