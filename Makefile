# gdprscan: `make demo` sets up and scans the bundled sample school share; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DEMO   ?= demo

.PHONY: setup test-setup demo test clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup-system scripts/debian-packages
	scripts/setup-system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	rm -rf $(DEMO)
	$(BIN)/gdprscan sample-share $(DEMO)/share
	$(BIN)/gdprscan scan $(DEMO)/share --db $(DEMO)/gdprscan.db --no-progress
	$(BIN)/gdprscan export findings --db $(DEMO)/gdprscan.db --format csv --out $(DEMO)/findings.csv
	$(BIN)/gdprscan export findings --db $(DEMO)/gdprscan.db --format jsonl --out $(DEMO)/findings.jsonl
	$(BIN)/gdprscan report --db $(DEMO)/gdprscan.db --out $(DEMO)/report.html --school "Hartfield Academy"
	@echo
	@echo "Results:"
	@echo "  findings store   $(CURDIR)/$(DEMO)/gdprscan.db"
	@echo "  findings (CSV)   $(CURDIR)/$(DEMO)/findings.csv"
	@echo "  findings (JSONL) $(CURDIR)/$(DEMO)/findings.jsonl"
	@echo "  DPO report       $(CURDIR)/$(DEMO)/report.html (open it in a browser)"

# The tests also need Debian packages a server does not (a Samba server for the SMB connector tests).
test-setup: setup
	scripts/setup-system debian-packages debian-packages-test

test: test-setup
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache

# Scan speed and accuracy against Presidio's default analyzer (README, "Performance"). Options, e.g.:
#   make bench BENCH_ARGS="--size-mb 200 --files 100000"
.PHONY: bench
BENCH_ARGS ?=
bench: setup
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)
