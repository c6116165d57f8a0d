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

.PHONY: run test bench setup migrate seed clean help chromium

help:
	@echo "make run    set up what is missing, migrate, load the demo once, serve on http://localhost:$(PORT)"
	@echo "make test   set up what is missing (Chromium included) and run every test"
	@echo "make bench  run the benchmarks"

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

test: setup chromium
	$(PY) -m pytest -n 2 --dist loadgroup

bench: setup
	$(PY) -m tests.bench
	$(PY) -m tests.bench_seat_orders
	$(PY) -m tests.bench_access

clean:
	rm -rf .web .states data
