# Two commands: `make run` and `make test`. Everything else is set up on demand.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PYTHON := $(VENV)/bin/python
LOCK := requirements.lock
STAMP := $(VENV)/installed.lock

.PHONY: run test demo bench deps migrate extract-messages clean

run: deps migrate
	$(PYTHON) bot.py run

# Tests in two runs: two workers share the independent ones (pytest-xdist; each has its own emulator,
# PostgreSQL schema and temporary files), then the ones that measure time run alone (marked `serial`).
# Exit status 5 is "no tests selected" (a PYTEST_ARGS that picks none of one kind).
test: deps
	$(PYTHON) -m pytest -n 2 -m "not serial" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PYTHON) -m pytest -p no:xdist -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

demo: deps
	$(PYTHON) bot.py demo

bench: deps
	$(PYTHON) -m bench

migrate: deps
	$(PYTHON) bot.py db upgrade

# The venv is rebuilt from the lock whenever the lock differs from what was installed.
deps: $(PYTHON)
	@cmp -s $(LOCK) $(STAMP) || { \
	  echo "Installing pinned dependencies from $(LOCK)"; \
	  $(PYTHON) -m pip install --quiet --disable-pip-version-check -r $(LOCK) && cp $(LOCK) $(STAMP); }

$(PYTHON):
	@test -n "$(PY)" || { echo "Python 3.11 is required (python3.11 not found)"; exit 1; }
	$(PY) -m venv $(VENV)

# For developers: re-extract strings and merge them into the catalogues.
extract-messages: deps
	$(VENV)/bin/pybabel extract -F babel.cfg -k t -k N_ -k ngettext:1,2 -o locales/saima.pot \
	  --no-location --sort-output --project=saima bot.py demo.py core handlers jobs reports storage
	$(VENV)/bin/pybabel update -i locales/saima.pot -d locales -D saima --no-fuzzy-matching

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
