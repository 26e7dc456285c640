# The front door: `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# A Python 3.12+ interpreter: on PATH, or an installed pyenv version that is not active.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; exit; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	for v in 3.13 3.12; do for p in $$(ls -d $$root/versions/$$v.*/bin/python$$v 2>/dev/null | sort -rV); do \
	  [ -x "$$p" ] && { echo $$p; exit; }; done; done)

.PHONY: run dev test test-fast bench lint format messages install clean-db

$(BIN)/chiso: requirements.txt requirements-dev.txt pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "chiso needs Python 3.12 or newer. Install it (e.g. 'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.13') and run make again." >&2; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $(BIN)/chiso

install: $(BIN)/chiso

# The demo as users meet it: DEBUG off, served by gunicorn (static files through WhiteNoise), an
# SQLite database under var/ with the reference and demo data. `make dev` is the developers' server.
run: install
	@mkdir -p var
	DEBUG=0 $(BIN)/chiso migrate --noinput -v 0
	DEBUG=0 $(BIN)/chiso load_reference -v 0
	DEBUG=0 $(BIN)/chiso load_demo --force
	@echo ""
	@echo "chiso: http://127.0.0.1:$(PORT)/   (the demo accounts above; Ctrl+C to stop)"
	DEBUG=0 $(BIN)/gunicorn chiso.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --timeout 120 --access-logfile -

# Developers: DEBUG on, Django's autoreloading server, the same data.
dev: install
	@mkdir -p var
	DEBUG=1 $(BIN)/chiso migrate --noinput
	DEBUG=1 $(BIN)/chiso compilemessages --ignore=.venv -v 0 || true
	DEBUG=1 $(BIN)/chiso load_reference
	DEBUG=1 $(BIN)/chiso load_demo
	DEBUG=1 $(BIN)/chiso runserver 127.0.0.1:$(PORT)

# The whole suite, against DATABASE_URL if set (PostgreSQL in CI), SQLite otherwise. Browser tests
# run in their own session: their live server commits data and flushes the database afterwards.
JOBS ?= 2
test: install
	$(BIN)/ruff check chiso tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/chiso makemigrations --check --dry-run -v 0
	$(BIN)/pytest -p no:cacheprovider -n $(JOBS) -m "not browser" $(PYTEST_ARGS)
	$(BIN)/pytest -p no:cacheprovider -m browser $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check chiso tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check chiso tests bench

format: install
	$(BIN)/ruff format chiso tests bench
	$(BIN)/ruff check --fix chiso tests bench

messages: install
	cd chiso && ../$(BIN)/chiso makemessages -l en --no-obsolete && ../$(BIN)/chiso compilemessages

clean-db:
	rm -f var/chiso.sqlite3*
