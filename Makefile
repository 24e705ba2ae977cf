# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-dev run test lint eval bench browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# torch first, pinned to the CPU build on this disk; the package itself asks for a range.
$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install "torch==2.13.0"
	$(PIP) install -e ".[all]"
	touch $@

$(DEVSTAMP): $(STAMP) pyproject.toml
	$(PIP) install -e ".[all,dev]"
	touch $@

install: $(STAMP)

install-dev: $(DEVSTAMP)

run: install
	$(BIN)/advisor ingest --quiet
	$(BIN)/advisor serve --host 127.0.0.1

# Debian's chromium for the browser tests; skipped quietly where apt is not available.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || \
	  echo "note: could not install Debian chromium; browser tests will be skipped"; }

lint: install-dev
	$(BIN)/ruff check advisor tests bench
	$(BIN)/ruff format --check advisor tests bench
	$(BIN)/mypy

test: install-dev browser lint
	$(BIN)/pytest

eval: install
	$(BIN)/advisor eval --dataset evals/reference_qa.jsonl --compare evals/baseline

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
