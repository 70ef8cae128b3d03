# One entry point. `make run`: set up and serve the demo; `make test`: set up and run every test.
# Each step is skipped when already done, so a second run is quick and changes nothing.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# WeasyPrint needs Pango; harfbuzz-subset makes CJK PDFs ~20x faster; gettext compiles translations.
DEBIAN_PACKAGES := fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext
TEST_DEBIAN_PACKAGES := chromium poppler-utils libreoffice-writer libreoffice-calc
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run setup test test-only system-packages test-system-packages lint lint-types lint-migrations typecheck-all demo messages bench bench-scale bench-load bench-memory

# `make run HOST=0.0.0.0 PORT=8080` serves the demo to phones on the LAN.
HOST ?= 127.0.0.1
PORT ?= 8000
LOOPBACK := 127.0.0.1,localhost
# Served beyond the loopback, requests carry the machine's LAN address as their Host: accept any (demo only).
run: export DJANGO_ALLOWED_HOSTS ?= $(if $(filter 127.0.0.1 localhost,$(HOST)),$(LOOPBACK),*)

# The server and one background worker (e-mail, webhooks); one Ctrl-C stops both.
run: setup demo
	DJANGO_DEBUG=1 $(PY) scripts/run_with_worker.py $(HOST):$(PORT)

setup: system-packages $(VENV)/.installed messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_reference_data

demo:
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

test: setup test-system-packages test-only

test-only:
	$(PY) -m pytest -p no:randomly $(PYTEST_ARGS)

# The gate (`.ci/run`, pre-commit): lint, format, types of the apps in MYPY_GATED, migrations.
# An app joins MYPY_GATED once `mypy <app>` is clean; `make typecheck-all` shows the rest.
MYPY_GATED := organisation audit liaison printing meetings issues scripts manage.py locale
MYPY_GAP := notifications reports tests

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) -s lint-types lint-migrations

lint-types:
	$(VENV)/bin/mypy $(MYPY_GATED)

lint-migrations:
	DJANGO_SETTINGS_MODULE=liaison.settings_test $(PY) manage.py makemigrations --check --dry-run

# Not a gate: the error count of each folder outside MYPY_GATED, the known gap.
typecheck-all:
	@$(VENV)/bin/mypy $(MYPY_GATED) $(MYPY_GAP) > .mypy-report.txt 2>&1; \
	for f in $(MYPY_GATED) $(MYPY_GAP); do \
		printf '%-16s %4s errors\n' "$$f" "$$(grep -c "^$$f[/:].*: error:" .mypy-report.txt)"; done; \
	tail -1 .mypy-report.txt; echo "(full output in .mypy-report.txt)"

bench:
	$(PY) scripts/bench_pdf.py

# Not part of CI: every page's time from gunicorn at 1k and 100k issues on PostgreSQL (databases
# of its own, created and dropped). `make bench-scale SIZES=1k,100k,1m BENCH_ARGS=--explain`;
# BENCH_ARGS=--sqlite measures a SQLite file beside each.
SIZES ?= 1k,100k
bench-scale:
	$(PY) scripts/bench_scale.py --sizes $(SIZES) $(BENCH_ARGS)

# Not part of CI: gunicorn (gunicorn.conf.py) and a db_worker over a generated PostgreSQL
# database, PEOPLE simulated people for SECONDS; exits 1 when a target of issue 16 is missed.
# `make bench-load ISSUES=1k PEOPLE=20 DURATION=15` for a quick run.
# `BENCH_ARGS="--restart-at 30"` restarts a PostgreSQL of its own (never the shared one) mid-run;
# with `--restart-server` the machine's own (only where nothing else uses it).
ISSUES ?= 1m
PEOPLE ?= 100
DURATION ?= 60
bench-load:
	$(PY) scripts/bench_load.py --issues $(ISSUES) --people $(PEOPLE) --seconds $(DURATION) $(BENCH_ARGS)

# Not part of CI: the peak RSS of each request of the load mix as its role, each alone in a
# fresh process, over a database kept by `bench-scale BENCH_ARGS=--keep` (DATABASE=<prefix>_<size>);
# exits 1 when one reaches 300 MB. `BENCH_ARGS=--read-only` for a database that must not change.
DATABASE ?= liaison_bench_100k
bench-memory:
	$(PY) scripts/bench_memory.py --database $(DATABASE) $(BENCH_ARGS)

# Debian packages: installed when missing (as root, or through sudo); elsewhere we say what to install.
# The print fonts: FandolFang (仿宋) copied out of texlive-lang-chinese into printing/static/print/fonts.
system-packages:
	@bash scripts/ensure-debian-packages.sh $(DEBIAN_PACKAGES)
	@bash scripts/ensure-print-fonts.sh

test-system-packages:
	@bash scripts/ensure-debian-packages.sh $(TEST_DEBIAN_PACKAGES)

$(VENV)/.installed: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (Debian 12: apt-get install python3) or pass PYTHON=..." >&2; exit 1; }
	@# Debian's Python lacks venv/ensurepip until python3-venv is installed.
	@test -x $(PY) || $(PYTHON) -c "import ensurepip" 2>/dev/null || bash scripts/ensure-debian-packages.sh python3-venv python3.11-venv
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.lock
	@touch $@

messages: $(VENV)/.installed
	@pos="$$(find locale -name '*.po' 2>/dev/null)"; \
	if [ -n "$$pos" ] && { [ ! -f locale/.compiled ] || [ -n "$$(find locale -name '*.po' -newer locale/.compiled)" ]; }; then \
		$(PY) manage.py compilemessages -v0 --ignore=.venv && touch locale/.compiled; fi
