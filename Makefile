# consult: `make run` sets everything up and serves the demo on http://127.0.0.1:5000;
# `make test` sets everything up and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=

.PHONY: run test setup test-setup system catalogs db demo extract bench clean

run: setup db demo
	$(FLASK) run --host 127.0.0.1 --port 5000

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
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Benchmarks (not tests): each prints its figures and the reference it is compared with.
bench: $(VENV)/.installed catalogs system
	$(BIN)/python tests/bench/bench_report.py

clean:
	rm -rf $(VENV) instance/consult.db*
