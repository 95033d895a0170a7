# Recs Studio System Dashboard. Two commands for a fresh machine:
#
#   make run    install everything, run the whole stack locally, print the URL
#   make test   install everything, run the whole test suite
#
# Everything else here is a step of those two.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
ARGS ?=
PYTEST_ARGS ?=

SERVICE_REQUIREMENTS := $(wildcard services/*/requirements.txt)
WEB := services/web

.PHONY: run test install lint system-packages assets

run: install
	$(PY) -m devtools.run_local $(ARGS)

test: install system-packages lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

install: $(STAMPS)/python assets

$(STAMPS)/python: requirements-dev.txt constraints.txt shared/pyproject.toml $(SERVICE_REQUIREMENTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check \
		-r requirements-dev.txt -c constraints.txt
	mkdir -p $(STAMPS) && touch $@

# The page's assets: Chart.js, Font Awesome and Tailwind from pinned npm
# packages, built into the web service's static folder (no CDN at run time).
assets: $(STAMPS)/npm
	@if [ -f $(WEB)/package.json ]; then cd $(WEB) && npm run --silent build; fi

$(STAMPS)/npm: $(wildcard $(WEB)/package.json $(WEB)/package-lock.json)
	@if [ -f $(WEB)/package.json ]; then cd $(WEB) && npm ci --no-audit --no-fund; fi
	mkdir -p $(STAMPS) && touch $@

# Debian packages the tests use: chromium (driven by Playwright; never a
# downloaded browser) and shellcheck (for infra/deploy.sh).
system-packages:
	@devtools/install-system-packages.sh chromium shellcheck
