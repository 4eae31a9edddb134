# `make run` serves the app on http://127.0.0.1:5000 with its worker; `make test` runs the tests.
# run and serve install requirements.txt only; the tests, the linters and the
# benchmark add requirements-dev.txt to the same venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: venv venv-dev run test test-fast lint js-reader oidc-provider test-postgres serve upgrade clean bench-data bench bench-slow bench-small bench-speed bandit

# The virtual environment is rebuilt when the requirements change. A venv
# left broken (e.g. by a missing python3-venv package) is made anew.
$(BIN)/.installed: requirements.txt constraints.txt
	$(BIN)/python -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

venv-dev: $(BIN)/.installed-dev

upgrade: venv
	$(FLASK) db upgrade

# The web server and the worker (mail, scheduled jobs) together; one Ctrl-C stops both.
run: upgrade
	$(FLASK) seed-demo --if-empty
	scripts/run-with-worker.sh $(FLASK)

# ical.js (Thunderbird's parser) joins the .ics readers when npm is here;
# the sign-in tests start a real OpenID provider (tests/oidc).
test: venv-dev js-reader oidc-provider
	$(BIN)/python -m pytest

# The unit and request tests: everything but the browser and slow tests.
test-fast: venv-dev
	$(BIN)/python -m pytest -m "not browser and not slow"

# ruff's lint and format checks, the layer order of .importlinter and the
# sizes of modules and functions (.ci/sizes.py); all four run, and any one
# failing fails the target.
lint: venv-dev
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	PYTHONPATH=. $(BIN)/lint-imports --no-cache || status=1; \
	$(BIN)/python .ci/sizes.py eventsapp || status=1; \
	exit $$status

js-reader:
	@if command -v npm >/dev/null 2>&1; then cd tests/js && npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the .ics tests run without ical.js"; fi

oidc-provider:
	@if command -v npm >/dev/null 2>&1; then cd tests/oidc && npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the OpenID sign-in tests are skipped"; fi

# The same suite on a throwaway PostgreSQL cluster (installed if missing).
test-postgres: venv-dev js-reader oidc-provider
	.ci/with-postgres.sh $(BIN)/python -m pytest

# Several workers on the configured database (DATABASE_URL); needs SECRET_KEY.
# gunicorn.conf.py: 2 processes x 8 threads (WEB_WORKERS, WEB_THREADS; docs/benchmark.md).
# gunicorn.conf.py keeps calendar feed tokens out of the access log (stdout).
# Production cookies are Secure: serve it behind HTTPS (PROXIES=1 behind one proxy).
serve: upgrade
	APP_ENV=$${APP_ENV:-production} $(BIN)/gunicorn -c gunicorn.conf.py --access-logfile - \
	  --bind $${BIND:-127.0.0.1:8000} app:app

# Static security checks: fails on any finding. A finding that is accepted is
# justified where it occurs, as `# nosec BXXX  # why`.
bandit: venv-dev
	$(BIN)/bandit -q -r eventsapp app.py bench gunicorn.conf.py

# The benchmark (see docs/benchmark.md). bench-data builds the synthetic
# network at full and 1/10 scale (SQLite in instance/, or next to a
# PostgreSQL DATABASE_URL), reusing an up-to-date copy.
bench-data: venv-dev
	$(BIN)/python -m bench.data --scale full --scale tenth

# gunicorn on both scales, measured from another process; prints the table
# and the targets, writes bench/results/<database>-<time>.json; then the
# speed-mentoring planner (bench-speed).
bench: bench-data
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.speed
	$(BIN)/python -m bench.digest

# The worker classes under slow uploads (docs/benchmark.md), about 3 minutes.
bench-slow: bench-data
	$(BIN)/python -m bench.slowclients --scale tenth

# The same on 1/100 and 1/200 scale in under a minute: fails when a page
# errors or its query count differs between the scales (speed not judged);
# then the speed-mentoring planner (bench-speed, seconds), so that CI's log
# shows its times and PASS or MISS beside every change.
bench-small: venv-dev
	$(BIN)/python -m bench.run --small
	$(BIN)/python -m bench.speed

# The speed-mentoring planner against its greedy baseline on two synthetic
# sessions, in seconds; writes bench/results/speed-<time>.json.
bench-speed: venv-dev
	$(BIN)/python -m bench.speed

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
