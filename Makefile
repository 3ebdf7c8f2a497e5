# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-pyproject
PORT ?= 8000
export PORT

.PHONY: run test messages lint bench bench-imports bench-data bench-checkins bench-checkin-profile bench-tracing bench-retention bench-lookup bench-coverage venv check-pango

# Create the virtualenv once; reinstall only when pyproject.toml changed (stamp file).
$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

check-pango: venv
	@$(PY) -c "import weasyprint" >/dev/null 2>&1 || { \
		echo "install with \`apt-get install libpango-1.0-0 libpangoft2-1.0-0\`"; exit 1; }

run: check-pango
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	@if $(PY) manage.py help demo_data >/dev/null 2>&1; then $(PY) manage.py demo_data; fi
	$(PY) manage.py runportal --port $(PORT)

# Honours DATABASE_URL / REDIS_URL from the environment; embedded SQLite otherwise.
PYTEST_ARGS ?= -n auto
test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

messages: venv
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=var --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

bench: venv
	$(PY) bench/http_bench.py

# PostgreSQL benchmarks of issue 5 (need PostgreSQL and Redis; BENCH_DATABASE_URL / BENCH_REDIS_URL
# override portal_bench and Redis db 8). bench-data: 10 M check-ins + 1 M on an expired day.
bench-data: venv
	$(PY) bench/gen_checkins.py --reset --checkpoints 2000 --days 21 --checkins 10000000 \
		--persons 500000 --expired-checkins 1000000

bench-checkins: venv
	$(PY) bench/checkin_load.py

bench-checkin-profile: venv
	$(PY) bench/checkin_profile.py

bench-tracing: venv
	$(PY) bench/tracing.py

bench-retention: venv
	$(PY) bench/retention.py --prepare 1000000

# Issues 18 and 19: 100,000 lab results and 100,000 doses: django-import-export's default path
# (on 10,000 rows, extrapolated), the set-based path, and a raw COPY ceiling, in one run.
bench-imports: venv
	$(PY) bench/imports.py --rows 100000 --default-rows 10000

# Issue 18: the citizen's result look-up (200,000 samples; throughput against the bare view at
# 64 connections, p99 at 8). Issue 19: coverage of the province from the roll-ups (2 M doses).
bench-lookup: venv
	$(PY) bench/lookup.py

bench-coverage: venv
	$(PY) bench/coverage.py
