# Tartip: one target per step, `make run` for all of them, `make test` for the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
TARTIP := $(VENV)/bin/tartip
DB ?= data/tartip.duckdb
DEMO ?= data/demo
INBOX ?= data/inbox

.PHONY: run install runtime-deps system-deps demo ingest serve watch test lint bench clean

run: install runtime-deps demo ingest serve   ## install, load the demo year, start the dashboard

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	-$(VENV)/bin/tartip docs-assets
	touch $@

install: $(VENV)/.installed   ## virtualenv with the project and its dev tools

runtime-deps:   ## the one Debian package the dashboard and the reports need: DejaVu fonts (every Kazakh letter)
	@[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		fonts-dejavu-core >/dev/null)

system-deps: runtime-deps   ## Debian packages for the tests: chromium (browser tests, chart images), fonts, LibreOffice and poppler (report and slide pictures)
	@command -v chromium >/dev/null && command -v soffice >/dev/null && command -v pdftoppm >/dev/null && \
		[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium fonts-dejavu-core libreoffice-impress libreoffice-calc poppler-utils >/dev/null)

demo: install   ## write the 2025 demo exports of Otyrar district into $(DEMO)
	$(TARTIP) demo --out $(DEMO)

ingest: install   ## load the demo exports into $(DB)
	$(TARTIP) ingest $(DEMO) --db $(DB)

serve: install   ## dashboard on http://localhost:8501 (the demo users `make demo` wrote; see the README for real ones), and the inbox $(INBOX) watched beside it
	$(TARTIP) watch $(INBOX) --db $(DB) & watcher=$$!; trap 'kill $$watcher 2>/dev/null' EXIT INT TERM; \
	$(TARTIP) serve --db $(DB) $(if $(wildcard $(DEMO)/users.toml),--users $(DEMO)/users.toml)

watch: install   ## load every export put into $(INBOX) into $(DB), until Ctrl-C
	$(TARTIP) watch $(INBOX) --db $(DB)

lint: install
	$(VENV)/bin/ruff check pipelines dashboards tests benchmarks

test: install system-deps lint   ## lint and the whole test suite, browser tests included (what .ci/run calls)
	$(VENV)/bin/pytest -q

bench: install   ## benchmarks (national scale: needs ~3 GB of disk and some minutes)
	$(PY) benchmarks/ingest.py --keep
	$(PY) benchmarks/pipeline.py day region 1m national
	$(PY) benchmarks/queries.py
	$(PY) benchmarks/validate.py

clean:
	rm -rf $(VENV) $(DB) $(DB:.duckdb=).*duckdb* $(DEMO) .pytest_cache
