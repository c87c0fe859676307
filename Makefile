# Two commands: `make run` and `make test`. Everything else is set up on demand.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PYTHON := $(VENV)/bin/python
LOCK := requirements.lock
WORKERS ?= 3
STAMP := $(VENV)/installed.lock
CATALOGUES := $(wildcard locales/*/LC_MESSAGES/saima.po)

.PHONY: run test check demo bench deps locales migrate browser extract-messages clean

# `bot.py run` migrates the database itself once elected (serving.py); without a token it opens the
# playground instead, on a temporary database, so the configured one is not touched here either.
run: deps locales
	$(PYTHON) bot.py run

# The build's checks first (lint, types, layers), then the tests in two runs: two workers share the
# independent ones (pytest-xdist; each has its own emulator, PostgreSQL schema and temporary files), then
# the ones that measure time run alone (marked `serial`). Exit status 5 is "no tests selected" (a
# PYTEST_ARGS that picks none of one kind). Any failure fails `make test`.
test: check locales browser
	$(PYTHON) -m pytest -n $(WORKERS) --dist worksteal -m "not serial" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PYTHON) -m pytest -p no:xdist -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Every check runs, so one run shows all that is wrong; the target fails if any did.
check: deps
	@status=0; \
	echo "ruff check ."; $(VENV)/bin/ruff check . || status=1; \
	echo "mypy"; $(VENV)/bin/mypy || status=1; \
	echo "lint-imports"; $(VENV)/bin/lint-imports --no-logo || status=1; \
	exit $$status

# The playground's browser test drives Debian's Chromium through its chromedriver (selenium, in the lock):
# installed with apt-get where missing (sudo only when not root). Nothing is downloaded when the tests run.
browser:
	@test -x /usr/bin/chromium && test -x /usr/bin/chromedriver || { \
	  echo "Installing Debian's chromium and chromium-driver for the browser test"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

demo: deps locales
	$(PYTHON) bot.py demo

bench: deps locales
	$(PYTHON) -m bench

migrate: deps
	$(PYTHON) bot.py db upgrade

# The venv is rebuilt from the lock whenever the lock differs from what was installed.
deps: $(PYTHON)
	@cmp -s $(LOCK) $(STAMP) || { \
	  echo "Installing pinned dependencies from $(LOCK)"; \
	  $(PYTHON) -m pip install --quiet --disable-pip-version-check -r $(LOCK) && cp $(LOCK) $(STAMP); }

# Translations are compiled here, by the build, never by the running bot (its tree may be read-only):
# each saima.mo is rebuilt when its saima.po is newer.
locales: $(CATALOGUES:.po=.mo)

locales/%/LC_MESSAGES/saima.mo: locales/%/LC_MESSAGES/saima.po | deps
	$(PYTHON) -m locales.compile $*

$(PYTHON):
	@test -n "$(PY)" || { echo "Python 3.11 is required (python3.11 not found)"; exit 1; }
	$(PY) -m venv $(VENV)

# For developers: re-extract strings and merge them into the catalogues.
extract-messages: deps
	$(VENV)/bin/pybabel extract -F babel.cfg -k t -k N_ -k ngettext:1,2 -o locales/saima.pot \
	  --no-location --sort-output --project=saima bot.py demo.py core handlers jobs reports storage webapp
	$(VENV)/bin/pybabel update -i locales/saima.pot -d locales -D saima --no-fuzzy-matching

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
