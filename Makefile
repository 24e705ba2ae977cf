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

.PHONY: install install-dev run test test-fast lint eval eval-gate eval-baseline eval-propose-floors bench bench-smoke mutate browser postgres clean

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

# `make run PORT=8080 HOST=0.0.0.0` (a public HOST needs --auth logins: run
# `advisor serve` yourself then)
PORT ?= 7860
HOST ?= 127.0.0.1
run: install
	$(BIN)/advisor ingest --quiet
	$(BIN)/advisor serve --host $(HOST) --port $(PORT)

# Debian's chromium at /usr/bin/chromium for the browser tests (tests/test_ui_app.py),
# installed with apt-get (through `sudo -n` when not root); without it they are skipped,
# except under CI=true, where this target fails (and so would the browser tests).
SUDO := $(shell [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && echo "sudo -n")
browser:
	@test -x /usr/bin/chromium || { \
	  log=$$(mktemp); \
	  if ($(SUDO) apt-get update -qq && \
	      $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >"$$log" 2>&1 \
	     && test -x /usr/bin/chromium; then rm -f "$$log"; \
	  else \
	    case "$$(printf %s "$${CI:-}" | tr A-Z a-z)" in \
	      ""|0|false|no|off) rm -f "$$log"; \
	        echo "note: could not install Debian chromium (apt-get install chromium); the browser tests will be skipped";; \
	      *) tail -n 20 "$$log" >&2; rm -f "$$log"; \
	        echo "error: CI=$$CI but Debian chromium could not be installed at /usr/bin/chromium (apt-get install chromium)" >&2; \
	        exit 1;; \
	    esac; \
	  fi; }

# PostgreSQL's server programs (initdb, pg_ctl) for the shared-database tests
# (tests/test_postgres_store.py, tests/test_topology.py), from Debian's postgresql package;
# the tests start their own server in a temp folder. Without it they are skipped, except
# under CI=true, where this target fails.
postgres:
	@{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || { \
	  log=$$(mktemp); \
	  if ($(SUDO) apt-get update -qq && \
	      $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >"$$log" 2>&1; \
	  then rm -f "$$log"; \
	  else \
	    case "$$(printf %s "$${CI:-}" | tr A-Z a-z)" in \
	      ""|0|false|no|off) rm -f "$$log"; \
	        echo "note: could not install PostgreSQL (apt-get install postgresql); its tests will be skipped";; \
	      *) tail -n 20 "$$log" >&2; rm -f "$$log"; \
	        echo "error: CI=$$CI but PostgreSQL could not be installed (apt-get install postgresql)" >&2; \
	        exit 1;; \
	    esac; \
	  fi; }

lint: install-dev
	$(BIN)/ruff check advisor tests bench
	$(BIN)/ruff format --check advisor tests bench
	$(BIN)/mypy

# bench-smoke runs first: a bench figure gone missing fails `make test` (and CI).
test: install-dev browser postgres lint bench-smoke
	$(BIN)/pytest

# The inner loop: lint and the `unit` tests (tests/conftest.py sets the marker: no
# whole-corpus ingest, server, browser, database, subprocess or eval run; under 3 minutes
# here); `make test` is everything (unit, integration, slow, ...) and what CI runs.
test-fast: install-dev lint
	$(BIN)/pytest -q -m unit

# The reference Q&A on the grounded engine in a fresh data folder (only the corpus), compared
# with the committed baseline; the run lands in evals/runs/<timestamp>/ (open report.html).
# Tune on the dev split only (make eval SPLIT=dev); the test split is what the gate checks.
SPLIT ?= all
eval: install
	@home=$$(mktemp -d) && trap 'rm -rf "$$home"' EXIT && \
	ADVISOR_HOME=$$home $(BIN)/advisor ingest --quiet && \
	ADVISOR_HOME=$$home $(BIN)/advisor eval --dataset evals/reference_qa.jsonl --engine grounded \
	  --split $(SPLIT) --compare evals/baseline

# Only the CI eval gate (make test runs it too, inside pytest): the test split against the
# floors in evals/gate.toml, and the committed baseline still matching the code.
eval-gate: install-dev
	$(BIN)/pytest -q tests/test_eval_gate.py tests/test_eval_baseline.py

# Re-baseline after changing anything that answers (the baseline records a hash of that
# code, the prompts, the corpus and the dataset): both splits into evals/baseline, gate
# floors 0.05 under the new baseline's test split, and the README's table regenerated.
# Re-baselines evals/baseline and the README's table, prints which metrics moved, and
# fails if the new baseline is under a floor. It never writes evals/gate.toml: the floors
# are set by a person, in a commit that says why (eval-propose-floors prints a proposal).
eval-baseline: install
	@home=$$(mktemp -d) && trap 'rm -rf "$$home"' EXIT && \
	if [ -f evals/baseline/summary.json ]; then cp evals/baseline/summary.json "$$home/previous.json"; fi && \
	ADVISOR_HOME=$$home $(BIN)/advisor ingest --quiet && \
	ADVISOR_HOME=$$home $(BIN)/advisor eval --dataset evals/reference_qa.jsonl --engine grounded \
	  --split all --out evals/baseline --quiet && \
	$(BIN)/python -m advisor.eval.rebaseline evals/baseline/summary.json \
	  --previous "$$home/previous.json" --readme README.md --gate evals/gate.toml

# Prints floors 0.05 under the committed baseline's test split, for a person to judge;
# copying any into evals/gate.toml is a commit of its own that says why.
eval-propose-floors:
	@$(BIN)/python -m advisor.eval.gate evals/baseline/summary.json --split test

# Benchmarks (bench/run.py): writes bench/results/latest.json whole from this one run and
# regenerates the table in docs/performance.md from it; exits non-zero, naming them, when
# targets are missed. The retrieval figures search Debian's HTML manuals (BENCH_DEBS), installed here
# with apt-get like chromium above; the first run splits them and builds the 1k/10k/100k
# collections into bench/.cache/ (about 12 minutes on 2 cores, measured 2026-12-05), later runs reuse that.
BENCH_DEBS := python3-doc linux-doc-6.1 postgresql-doc-15 sqlite3-doc git-doc python-django-doc
bench: install-dev postgres
	@$(BIN)/python bench/bulk_text.py --missing >/dev/null || { \
	  ($(SUDO) apt-get update -qq && \
	   $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_DEBS)) >/dev/null || { \
	    echo "error: could not install $(BENCH_DEBS) with apt-get; the retrieval figures need them" >&2; \
	    exit 1; }; }
	$(BIN)/python bench/make_questions.py --check
	$(BIN)/python bench/bulk_text.py
	@rc=0; $(BIN)/python bench/run.py || rc=$$?; \
	$(BIN)/python bench/report.py --readme docs/performance.md; exit $$rc

# Every bench section at tiny sizes in a temporary folder (bench/smoke.py): fails when a
# section fails or a figure of bench/results/latest.json is not produced and compared with
# its target. No timing asserted, nothing published, no Debian packages needed; ~1-3 min.
bench-smoke: install-dev postgres
	$(BIN)/python bench/smoke.py

# Mutation score of the modules listed in bench/mutate.toml (mutmut), one module at a time,
# smallest first; `make mutate MODULES="router metrics" JOBS=1` for some of them. Slow and
# not part of `make test` (docs/testing.md: Mutation testing).
MODULES ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
mutate: install-dev
	$(BIN)/python bench/mutate.py --jobs $(JOBS) $(MODULES)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
