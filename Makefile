# Billing Center: `make run` sets up and serves the app, `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
NODE_BIN := $(CURDIR)/$(TOOLS)/node_modules/.bin
export PATH := $(NODE_BIN):$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_TELEMETRY_ENABLED := false
PORT ?= 3000
export PORT
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint bench setup migrate seed clean help chromium catalogs

help:
	@echo "make run    set up what is missing, migrate, load the demo once, serve on http://localhost:$(PORT)"
	@echo "make test   set up what is missing (Chromium included), lint (ruff) and run every test"
	@echo "make bench  run the benchmarks"
	@echo "make catalogs  extract the console's messages, update the nl/fr catalogs, compile them"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@touch $@

$(TOOLS)/.installed:
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error node@22.23.3 bun@1.4.5
	@$(NODE_BIN)/node --version >/dev/null && $(NODE_BIN)/bun --version >/dev/null
	@touch $@

setup: $(VENV)/.installed $(TOOLS)/.installed

migrate: $(VENV)/.installed
	$(PY) -m alembic upgrade head

seed: migrate
	$(PY) -m billing_center.seed

PROCESSOR_PORT ?= 3010
export PROCESSOR_URL ?= http://127.0.0.1:$(PROCESSOR_PORT)

run: setup seed
	@# The sandbox card processor is its own service on its own port; it stops when `make run` ends.
	$(PY) -m billing_center.payments.sandbox --port $(PROCESSOR_PORT) \
	  --allow-origin http://localhost:$(PORT) --allow-origin http://127.0.0.1:$(PORT) & \
	processor=$$!; trap 'kill $$processor 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Chromium and poppler-utils from Debian's packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; }
	@test -x $(CHROMIUM)

test: setup chromium lint
	$(PY) -m pytest -n 2 --dist loadgroup

# The console's languages (billing_center/i18n.py): keywords must match i18n.KEYWORDS.
LOCALES := billing_center/locales
I18N_KEYWORDS := -k t -k N_ -k pgettext:1c,2 -k pt:1c,2 -k ValidationFailed:2 -k Conflict:1 -k Forbidden:1 -k NotAuthenticated:1 \
	-k RateLimited:1 -k ServiceError:1 -k NotFound:1
catalogs: setup
	$(VENV)/bin/pybabel extract -F babel.cfg $(I18N_KEYWORDS) --sort-output --add-location=file \
	  --no-wrap --project="Billing Center" -o $(LOCALES)/messages.pot .
	$(VENV)/bin/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -l nl --no-wrap --ignore-obsolete
	$(VENV)/bin/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -l fr --no-wrap --ignore-obsolete
	$(VENV)/bin/pybabel compile -d $(LOCALES) --statistics

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	@# Every module of bench/ that runs as a script (the others are its helpers).
	@for m in $$(grep -l '^if __name__ == "__main__"' bench/*.py | xargs -n1 basename | sed 's/\.py$$//'); do \
	  echo "== python -m bench.$$m"; $(PY) -m bench.$$m || exit 1; done

clean:
	rm -rf .web .states data
