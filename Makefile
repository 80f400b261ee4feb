# Knotwork — the README's two commands live here: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format bench bench-scale demo-code chromium local-env

# The development database and var/local.env live here (settings read KNOTWORK_VAR_DIR the same way).
VAR_DIR := $(or $(KNOTWORK_VAR_DIR),var)

$(PY):
	@base=$$(scripts/find-python) && echo "Creating $(VENV) with $$base" && "$$base" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

# Stamps re-run pip only when pyproject.toml changes.
$(VENV)/.app-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.app-installed

var:
	@mkdir -p var/screenshots

# A development checkout's DEBUG=1 and its own SECRET_KEY, so every documented `manage.py` line runs as written.
# Written once and never overwritten (sessions survive a restart); git-ignored; readable by its owner only.
$(VAR_DIR)/local.env:
	@mkdir -p $(@D)
	@umask 077 && key=$$(od -An -N48 -tx1 /dev/urandom | tr -d ' \n') && test $${#key} = 96 && \
	  printf '%s\n' "# Development settings for this checkout (written by make run; the environment wins)." \
	    "DEBUG=1" "SECRET_KEY=$$key" > $@.tmp && mv $@.tmp $@
	@echo "Wrote $@ (DEBUG=1 and a generated SECRET_KEY for this checkout)"

local-env: $(VAR_DIR)/local.env

run: $(VENV)/.app-installed $(VAR_DIR)/local.env | var
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py load_demo_clinic --if-empty
	@$(PY) manage.py demo_logins
	@echo "Knotwork is serving on http://127.0.0.1:$(PORT), with a background worker for email, reminders and check-ins (Ctrl-C stops all)"
	@export TASKS_BACKEND=database BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)}; \
	  $(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	  ( while sleep 300; do $(PY) manage.py send_due_messages --quiet; $(PY) manage.py expire_waitlist_offers --quiet; $(PY) manage.py send_webhooks --quiet; $(PY) manage.py delete_expired_fhir_exports; done ) & sweep=$$!; \
	  trap 'kill $$worker $$sweep 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver --skip-checks 127.0.0.1:$(PORT)

# Browser tests drive Debian's chromium; install it when it is missing (never a browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

# Spread over the cores (pytest-xdist); tests marked with one xdist_group share a worker (and its set-up).
test: $(VENV)/.dev-installed chromium | var
	$(PY) -m pytest -n auto --dist loadgroup

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.dev-installed
	$(PY) benchmarks/atlas.py

# The scale benchmark (docs/performance.md): SMALL and LARGE groups, on PostgreSQL when DATABASE_URL names one.
# BENCH_ARGS=--quick for a 5,000-patient LARGE; --reuse keeps the generated databases of an earlier run.
bench-scale: $(VENV)/.dev-installed
	$(PY) benchmarks/scale.py $(BENCH_ARGS)

demo-code: $(VENV)/.app-installed $(VAR_DIR)/local.env
	@$(PY) manage.py demo_logins --codes
