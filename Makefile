# The two set-up commands of the README. Everything installs into .venv/ from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test serve check clean

# Build the sample newsroom into output/.
site: $(STAMP)
	$(BIN)/masthead build
	@echo "Preview it with live reload: $(BIN)/masthead serve   (then open http://127.0.0.1:8000/)"

# Run the whole test suite (what .ci/run runs).
test: $(STAMP)
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/masthead serve

check: $(STAMP)
	$(BIN)/masthead check

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "masthead needs Python 3.11 or newer: run 'make PYTHON=python3.11 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf output .output.* .pytest_cache
