# Diwan's single entry point. `make demo` and `make test` work on a machine with Python 3.12+ and git.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= python3
# uv is installed for the current Python if missing; uv then uses that same interpreter (no downloads).
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
export UV_PYTHON ?= $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
export UV_PYTHON_DOWNLOADS := never
RUN := $(UV) run --frozen
DIWAN := $(RUN) diwan
# Two workers on SQLite (each its own in-memory database). On PostgreSQL the suite runs in one process:
# the audit sealer waits for every older transaction in the cluster (pg_snapshot_xmin, docs/audit.md), and a
# second worker's open test transaction would hold its horizon back.
XDIST ?= $(if $(findstring postgres,$(DATABASE_URL)),,-n 2)

.PHONY: help uv install migrate demo demo-data serve test test-postgres lint format check-migrations bench openapi messages compilemessages screenshots clean

help:
	@echo "make demo        install, migrate, load demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test        the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make lint        ruff and mypy --strict"
	@echo "make bench       benchmarks; results in bench/results/"

uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

install: uv
	$(UV) sync --frozen

migrate: install
	$(DIWAN) migrate --no-input
	$(DIWAN) createcachetable

demo-data: migrate
	$(DIWAN) demo-data

demo: demo-data
	@$(DIWAN) demo-data --print-accounts
	@echo "Serving on http://127.0.0.1:$(PORT)/ar/  (Ctrl-C stops the server, the task worker, the sealer and casework ticks)"
	@trap 'kill 0' EXIT; $(DIWAN) db_worker --interval 0.5 >var/worker.log 2>&1 & \
	  $(DIWAN) audit seal --follow --interval 0.2 >var/audit-sealer.log 2>&1 & \
	  $(DIWAN) casework tick --follow >var/casework-tick.log 2>&1 & \
	  $(DIWAN) runserver 127.0.0.1:$(PORT)

serve: install
	$(DIWAN) runserver 127.0.0.1:$(PORT)

test: install
	$(RUN) pytest $(XDIST) $(PYTEST_ARGS)

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

check-migrations: install
	$(DIWAN) makemigrations --check --dry-run

openapi: install
	$(DIWAN) export_openapi_schema --api diwan.api.urls.api --indent 2 --sorted --output docs/api/openapi.json

messages: install
	$(DIWAN) translations extract

compilemessages: install
	$(DIWAN) translations compile

bench: install
	$(RUN) python -m bench

screenshots: install
	$(RUN) python -m bench.screenshots

clean:
	rm -rf .venv var staticfiles
