# The same commands for everyone and for CI. Each target refreshes what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

PO_FILES := $(wildcard contactcenter/locale/*/LC_MESSAGES/*.po contactcenter/*/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
VENDOR := contactcenter/static/vendor/.installed
THEME := contactcenter/static/theme/styles.css

.PHONY: run test lint deadcode bench deps messages catalogues format clean browser ocr nginx cluster

## Virtual environment, refreshed whenever the dependency files change.
$(BIN)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Python dependencies into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $@

## Front-end assets (USWDS, htmx) from npm, pinned by package-lock.json, copied into static.
node_modules/.installed: package.json package-lock.json
	@echo "Installing front-end assets from npm ..."
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## Copied again when this file changes (a new vendor file), not only when npm installs.
$(VENDOR): node_modules/.installed Makefile
	@rm -rf contactcenter/static/vendor && mkdir -p contactcenter/static/vendor/uswds contactcenter/static/vendor/htmx \
		contactcenter/static/vendor/twilio
	@cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
		node_modules/@uswds/uswds/dist/img node_modules/@uswds/uswds/dist/fonts \
		contactcenter/static/vendor/uswds/
	@cp node_modules/htmx.org/dist/htmx.min.js contactcenter/static/vendor/htmx/
	@cp node_modules/@twilio/voice-sdk/dist/twilio.min.js contactcenter/static/vendor/twilio/
	@touch $@

## The site's USWDS theme, compiled from USWDS's Sass with only the parts the templates use
## (contactcenter/static_src/theme/styles.scss says which); again when USWDS or the Sass changes.
$(THEME): $(wildcard contactcenter/static_src/theme/*.scss) node_modules/.installed
	@mkdir -p $(@D)
	@node_modules/.bin/sass --no-source-map --style=compressed \
		--load-path=node_modules/@uswds/uswds/packages contactcenter/static_src/theme/styles.scss $@

## Translations compiled with polib, so no system gettext is needed.
%.mo: %.po $(BIN)/.installed
	@$(BIN)/python -m contactcenter.core.compile_messages $<

messages: $(MO_FILES)

## Refresh the Spanish catalogues from the code (needs GNU gettext's xgettext). The project's
## catalogue takes every app without its own `<app>/locale/`; such apps refresh their own.
catalogues: $(BIN)/.installed
	@apps=$$(cd contactcenter && ls -d */locale 2>/dev/null | cut -d/ -f1 | grep -v -x -e locale -e allauth_texts); \
	ignores=$$(for app in $$apps; do printf -- '--ignore=%s ' "$$app"; done); \
	(cd contactcenter && ../$(BIN)/contactcenter makemessages -l es --ignore=.venv \
		--ignore=node_modules --ignore=static $$ignores --add-location=file --no-obsolete) && \
	for app in $$apps; do \
		(cd contactcenter/$$app && ../../$(BIN)/contactcenter makemessages -l es \
			--add-location=file --no-obsolete) || exit 1; \
	done

deps: $(BIN)/.installed $(VENDOR) $(THEME) messages

## Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests ..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y --no-install-recommends chromium >/dev/null; } ; }

## Debian's Tesseract with English and Spanish for the mail room's OCR (scanned letters and
## faxes). Without it the mail room still takes pages and says that text must be typed in.
ocr:
	@command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx spa || { \
		echo "Installing Debian's tesseract-ocr (English and Spanish) for the mail room ..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa >/dev/null; } ; }

## Debian's nginx for `make cluster` and its tests (installed without starting Debian's site).
## RUNLEVEL=1 keeps Debian's own nginx site from being started by the package.
NGINX_INSTALL = env RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		echo "Installing Debian's nginx for the cluster ..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO $(NGINX_INSTALL) >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq && $$SUDO $(NGINX_INSTALL) >/dev/null; } ; }

## The production topology on this machine: nginx on CLUSTER_PORT in front of two web
## instances and a separate worker (DATABASE_URL and REDIS_URL when set; DEBUG off).
CLUSTER_PORT ?= 8080
cluster: deps nginx
	@mkdir -p var
	$(BIN)/contactcenter migrate --no-input
	$(BIN)/contactcenter kb-load
	$(BIN)/contactcenter seed --if-empty
	$(BIN)/contactcenter flow-load
	$(BIN)/contactcenter cluster --port $(CLUSTER_PORT)

## The demo serves collected, compressed static files as production does (`serve` collects them
## when a source file is newer); STATIC_COLLECTED=false serves the source folders as they are.
run: deps
	@$(MAKE) --no-print-directory ocr || echo "tesseract-ocr could not be installed: the mail room will ask for typed text."
	@mkdir -p var
	DEBUG=$${DEBUG:-true} $(BIN)/contactcenter migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/contactcenter kb-load
	DEBUG=$${DEBUG:-true} $(BIN)/contactcenter seed --if-empty
	DEBUG=$${DEBUG:-true} $(BIN)/contactcenter flow-load
	DEBUG=$${DEBUG:-true} STATIC_COLLECTED=$${STATIC_COLLECTED:-true} $(BIN)/contactcenter serve --host $(HOST) --port $(PORT)

## One pytest-xdist worker per core, whole files to a worker (module-scoped fixtures such as the
## browser stay shared), the slowest files handed out first (tests/conftest.py; xdist's own order,
## by number of tests, is turned off); `make test PYTEST_ARGS=-n0` runs the suite in one process.
PYTEST_ARGS ?= -n auto --dist loadfile --no-loadscope-reorder
test: deps browser ocr
	@$(MAKE) --no-print-directory nginx || echo "nginx could not be installed: the cluster test is skipped."
	$(BIN)/pytest $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy contactcenter
	$(BIN)/lint-imports --no-logo
	DEBUG=true $(BIN)/contactcenter makemigrations --check --dry-run

## Code nothing reaches (vulture; settings and the reasoned whitelist in pyproject.toml and
## vulture_whitelist.py). Not part of lint: Django reaches many names by convention, so a
## report is for reading, and only what grep confirms unused is removed.
deadcode: deps
	$(BIN)/vulture

format: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: deps
	$(BIN)/python bench/case_status.py
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/service_requests.py
	$(BIN)/python bench/appointments.py
	$(BIN)/python bench/ivr.py
	$(BIN)/python bench/assistant.py --labelled contactcenter/assistant/data/labelled_questions.jsonl \
		bench/data/assistant/labelled_questions_*.jsonl
	$(BIN)/python bench/portal.py
	$(BIN)/python bench/chat.py
	$(BIN)/python bench/workspace.py
	$(BIN)/python bench/operations.py --databases sqlite
	$(BIN)/python bench/operations.py --databases postgresql --contacts 1000000
	$(BIN)/python bench/workforce.py
	$(BIN)/python bench/intake.py
	@if [ -n "$$BENCH_FAULTS" ]; then $(MAKE) --no-print-directory nginx && $(BIN)/python bench/faults.py; fi
	@if [ -n "$$BENCH_LOAD" ]; then $(MAKE) --no-print-directory nginx && $(BIN)/python bench/load.py --duration "$$BENCH_LOAD"; fi

clean:
	rm -rf $(VENV) node_modules contactcenter/static/vendor
