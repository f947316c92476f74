# Neighbourhood Budgets. Two commands: `make run` (demo on SQLite) and `make test` (everything, SQLite + PostgreSQL).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test install system-deps translations lint test-sqlite test-postgres clean

$(VENV)/.installed: pyproject.toml setup.py app/domain/tally/_mescore.c
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

translations: install
	$(VENV)/bin/pybabel --quiet compile -d translations

# The demo's audit secret (NB_AUDIT_SECRET) is made once in instance/, like the development SECRET_KEY.
run: export NB_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: install translations
	test -s instance/audit_secret || (mkdir -p instance && umask 077 && \
	  $(PY) -c 'import secrets; print(secrets.token_hex(32))' > instance/audit_secret)
	export NB_AUDIT_SECRET=$$(cat instance/audit_secret) && $(FLASK) db upgrade && $(FLASK) demo && \
	  NB_BALLOT_SECRET=$${NB_BALLOT_SECRET:-development-only-not-secret} \
	  NB_JOBS_INLINE=true NB_SESSION_COOKIE_SECURE=false NB_REMEMBER_COOKIE_SECURE=false $(FLASK) run --host $(HOST) --port $(PORT)

system-deps:
	.ci/install-system-deps

lint: install
	$(VENV)/bin/ruff check app tests benchmarks wsgi.py
	$(VENV)/bin/bandit -q -c pyproject.toml -r app --severity-level high

test-sqlite: install translations
	$(PY) -m pytest $(PYTEST_ARGS)

# The PostgreSQL run repeats everything that touches a database or the web app; tests/domain are pure
# Python (no database at all), so they run once, in test-sqlite.
test-postgres: install translations
	url=$$(.ci/test-postgres start) && \
	  TEST_DATABASE_URL=$$url $(PY) -m pytest --ignore=tests/domain $(PYTEST_ARGS); \
	  status=$$?; .ci/test-postgres stop; exit $$status

test: system-deps install translations lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	@echo "Screenshots of every page type (English and Urdu, 320 and 1024 px): test-artifacts/screenshots/"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
