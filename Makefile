# Chengxin: two commands do all the set-up on a machine with python3 and make.
#   make run    virtualenv, dependencies, migrations, demo data, web server + Celery worker/beat
#   make test   ruff, migrations check and the whole pytest suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(BIN)/pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist; one test database per worker, one file per worker).
PYTEST_ARGS ?= -n auto --dist loadfile
# make bench BENCH=load (or public, exports, reports, scan, names): one benchmark; empty runs
# them all.
BENCH ?=

.PHONY: run test lint format migrate demo messages bench lock clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools wheel

# Installs are stamped so repeated runs are instant; editing pyproject.toml or the lock
# file triggers a reinstall.
$(VENV)/.installed: $(BIN)/activate pyproject.toml requirements.lock
	$(PIP) install --quiet -c requirements.lock -e '.[fast-xlsx]'
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet -c requirements.lock -e '.[dev,fast-xlsx]'
	@touch $@

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@HOST=$(HOST) PORT=$(PORT) PY=$(PY) exec bash scripts/run.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(VENV)/.installed-dev lint
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Developers only (needs GNU gettext): refresh the catalogue, translate, then compile.
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

bench: $(VENV)/.installed-dev
	@if [ -d bench ]; then $(PY) -m bench $(BENCH); else echo "No benchmarks yet."; fi

lock: $(VENV)/.installed-dev
	$(PIP) freeze --exclude-editable | sed '1i # Exact versions of every installed package; pip installs with `-c requirements.lock`.\n# Regenerate after changing pyproject.toml: make lock' > requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
