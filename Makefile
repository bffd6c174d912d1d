# Charter: `make run` serves the app on 127.0.0.1:8501 with demo data; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run run-oidc test check bench install clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.dev

run: $(VENV)/.runtime
	CHARTER_DEMO=1 $(BIN)/python -m governance check-config
	CHARTER_DEMO=1 $(BIN)/python -m governance init --demo
	CHARTER_DEMO=1 $(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

run-oidc: $(VENV)/.dev
	$(BIN)/python tests/oidc_stack.py --port $(PORT)

check: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: check
	$(BIN)/pytest

bench: $(VENV)/.runtime
	$(BIN)/python -m governance bench votes

clean-db:
	rm -f data/charter.duckdb data/charter.duckdb.wal
