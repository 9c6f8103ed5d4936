# Two entry points: `make publish` builds the default edition, `make test` runs the tests.
# Each creates the virtual environment when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EDITION ?= 2024

.PHONY: publish test lint system-deps data clean

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

publish: $(BIN)/.installed
	$(BIN)/wellbeing build --edition $(EDITION)

data: $(BIN)/.installed
	$(BIN)/wellbeing data build

test: $(BIN)/.installed system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/wellbeing check
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/wellbeing check

# Chromium (browser tests) and poppler-utils (PDF checks) come from Debian.
system-deps:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || \
	  ( $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	    $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium poppler-utils >/dev/null )

clean:
	rm -rf $(VENV) output/*/
