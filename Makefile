# consult: `make run` sets everything up and serves the demo on http://127.0.0.1:5000;
# `make test` sets everything up and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=
# `make run PORT=5001` serves on another port (links in e-mails follow it unless CONSULT_BASE_URL is set).
PORT ?= 5000

.PHONY: run test setup test-setup system catalogs db demo extract bench load clean

run: setup db demo
	CONSULT_BASE_URL="$${CONSULT_BASE_URL:-http://127.0.0.1:$(PORT)}" $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: test-setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: system $(VENV)/.installed catalogs

test-setup: system-test $(VENV)/.installed catalogs

system:
	@bash scripts/setup-system.sh

system-test:
	@bash scripts/setup-system.sh --test

# Reinstalled only when the package's description changes.
$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) consult demo

# After changing user-facing strings: extract them and merge into the catalogs.
extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k pgettext_l:1c,2 -k lazy_pgettext:1c,2 --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# The load run and the benchmarks also need the "bench" extra (gunicorn, aiohttp) and the test one (aiosmtpd).
$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $@

# Benchmarks (not tests): each prints its figures and the reference it is compared with.
bench: $(VENV)/.installed-bench catalogs system
	$(BIN)/python tests/bench/bench_report.py
	$(BIN)/python tests/bench/bench_form.py
	$(BIN)/python tests/bench/bench_feed.py
	$(BIN)/python tests/bench/bench_review.py

# The last hour of a call under load, on PostgreSQL (consult_load) and SQLite, with a PostgreSQL restart;
# needs PostgreSQL and Redis on 127.0.0.1. Smaller: make load LOAD_ARGS="--submitters 20 --readers 5".
LOAD_ARGS ?=
load: $(VENV)/.installed-bench catalogs
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) instance/consult.db*
