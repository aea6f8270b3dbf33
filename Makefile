# The README's two commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUN := $(TOOLS)/node_modules/.bin/bun
BUN_VERSION := 1.4.5
PORT ?= 3000
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: run test test-production-shape test-unit test-browser bench install install-test bun migrate seed clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BUN):
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	npm install --silent --no-audit --no-fund --prefix $(TOOLS) bun@$(BUN_VERSION)

bun: $(BUN)

migrate: install
	$(BIN)/alembic upgrade head

seed: migrate
	$(BIN)/python -m backend.seed

run: install bun seed
	AAE_PUBLIC_URL=$${AAE_PUBLIC_URL:-http://127.0.0.1:$(PORT)} \
	  $(BIN)/reflex run --env prod --single-port --backend-host 127.0.0.1 --backend-port $(PORT)

# Browser tests (sync Playwright) run in their own pytest invocation, apart from asyncio tests;
# then the browser suite once more in the production shape (Redis state manager, 2 workers, S3).
test: install-test bun
	scripts/ensure_services.sh
	set -a; . .tools/services.env; set +a; \
	  $(BIN)/pytest -q -m "not browser" tests && \
	  $(BIN)/pytest -q -p no:asyncio -m browser tests/browser && \
	  scripts/browser_production_shape.sh

# The browser suite again in the production shape (Redis state manager, 2 workers, S3 on moto).
test-production-shape: install-test bun
	scripts/ensure_services.sh
	scripts/browser_production_shape.sh

bench: install-test bun
	scripts/ensure_services.sh
	set -a; . .tools/services.env; set +a; \
	  for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf .web .states data uploaded_files
