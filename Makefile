# TechMarket — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
PORT ?= 8000

.PHONY: install run test lint typecheck migrations-check pytest openapi clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --locked --quiet

run: install
	$(BIN)/techmarket migrate --no-input -v 0
	$(BIN)/techmarket demo
	@echo ""
	@echo "平台地址 / address: http://127.0.0.1:$(PORT)/"
	PORT=$(PORT) $(BIN)/techmarket serve --with-worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

migrations-check: install
	$(BIN)/techmarket makemigrations --check --dry-run

# The suite runs on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
pytest: install
	$(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL run: $$TEST_DATABASE_URL"; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run is required in CI." >&2; exit 1; \
	else \
		echo "== PostgreSQL run skipped: TEST_DATABASE_URL is not set."; \
	fi

test: lint typecheck migrations-check pytest

openapi: install
	$(BIN)/techmarket export_openapi --output docs/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
