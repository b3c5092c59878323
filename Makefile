# Tartip: one target per step, `make run` for all of them, `make test` for the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
TARTIP := $(VENV)/bin/tartip
DB ?= data/tartip.duckdb
DEMO ?= data/demo

.PHONY: run install system-deps demo ingest serve test lint bench clean

run: install demo ingest serve   ## install, load the demo year, start the dashboard

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	-$(VENV)/bin/tartip docs-assets
	touch $@

install: $(VENV)/.installed   ## virtualenv with the project and its dev tools

system-deps:   ## Debian packages for charts, browser tests and report conversion
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)

demo: install   ## write the 2025 demo exports of Otyrar district into $(DEMO)
	$(TARTIP) demo --out $(DEMO)

ingest: install   ## load the demo exports into $(DB)
	$(TARTIP) ingest $(DEMO) --db $(DB)

serve: install   ## dashboard on http://localhost:8501
	$(TARTIP) serve --db $(DB)

lint: install
	$(VENV)/bin/ruff check pipelines dashboards tests benchmarks

test: install lint   ## lint and the whole test suite (what .ci/run calls)
	$(VENV)/bin/pytest -q

bench: install   ## benchmarks (national scale: needs ~3 GB of disk and some minutes)
	$(PY) benchmarks/ingest.py --keep
	$(PY) benchmarks/validate.py

clean:
	rm -rf $(VENV) $(DB) $(DEMO) .pytest_cache
