# DSPT Lookup: the two commands a newcomer needs are `make run` and `make test`.
# Each one builds its own virtual environment (.venv) from the pinned
# requirements the first time, and again whenever they change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv migrate sample superuser db-stop benchmarks check-deploy mutation clean help

help:
	@echo "make run    - start the app with sample data at http://$(HOST):$(PORT)"
	@echo "make test   - run all the tests"
	@echo "make superuser, make db-stop, make benchmarks, make check-deploy, make mutation, make clean"

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "DSPT Lookup needs Python 3.11 or newer. Try: make PYTHON=python3.12 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py createcachetable

sample: migrate
	DEBUG=1 $(BIN)/python manage.py load_sample_data

# The web server and, beside it, the worker that runs imports, scheduled
# refreshes and emails (docs/adr/0014-background-imports.md), and a local mail
# server that keeps the emails in .mail/ (docs/adr/0021-following-by-email.md).
# Ctrl+C stops all three.
run: sample
	@echo "Starting DSPT Lookup at http://$(HOST):$(PORT)/ with its background worker and a mail server keeping emails in .mail/ (press Ctrl+C to stop)"
	@DEBUG=1 $(BIN)/python manage.py run_mail_server & mail=$$!; \
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker $$mail 2>/dev/null; wait $$worker $$mail' EXIT INT TERM; \
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

superuser: migrate
	DEBUG=1 $(BIN)/python manage.py createsuperuser

db-stop: $(STAMP)
	$(BIN)/python -c 'from pathlib import Path; from dsptlookup.embedded_db import stop_server; print("stopped" if stop_server(Path(".pgdata")) else "not running")'

benchmarks: migrate
	DEBUG=1 $(BIN)/python benchmarks/run_all.py

check-deploy: $(STAMP)
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=dsptlookup.example DEBUG=0 $(BIN)/python manage.py check --deploy --fail-level WARNING

# Mutation testing (docs/adr/0024-mutation-testing.md): mutmut changes the modules listed in pyproject.toml one
# line at a time, scripts/mutate_sql.py the matching ladder's SQL; the tests must notice each change. Prints
# each module's score beside its floor and fails below it. MUTANTS narrows mutmut to some modules, e.g.
# make mutation MUTANTS='providers.results.dspt_status*' SQL=0   (what CI runs)
MUTANTS ?=
SQL ?= 1
mutation: $(STAMP)
	rm -rf mutants
	DATABASE_STATEMENT_TIMEOUT_MS=60000 $(BIN)/mutmut run $(if $(MUTANTS),'$(MUTANTS)') > mutants.log 2>&1 || (tail -50 mutants.log; exit 1)
	if [ "$(SQL)" = "1" ]; then $(BIN)/python scripts/mutate_sql.py; fi
	$(BIN)/python -c 'from pathlib import Path; from dsptlookup.embedded_db import stop_server; stop_server(Path("mutants/.pgdata"))'
	$(BIN)/python scripts/mutation_scores.py $(if $(MUTANTS),--only '$(MUTANTS)')

clean:
	rm -rf $(VENV) staticfiles .pytest_cache mutants mutants.log
