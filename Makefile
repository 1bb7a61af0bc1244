# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/archive
DEMO_ENV := DEBUG=1
# Management commands run with DEBUG=1 unless the environment has a SECRET_KEY.
MANAGE := $(if $(SECRET_KEY),,$(DEMO_ENV)) $(BIN)/python manage.py

.PHONY: demo demo-large demo-large-db screenshots demo-fixture node-checkers test test-sqlite test-postgres lint install serve clean backup restore loadtest benchmark

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# make demo ARTICLES=N is make demo-large with N generated articles.
demo: install
ifdef ARTICLES
	@$(MAKE) --no-print-directory demo-large ARTICLES=$(ARTICLES)
else
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_gazetteer
	$(DEMO_ENV) $(BIN)/python manage.py import_articles fixtures/corpus
	@echo
	@echo "The archive is at http://127.0.0.1:8000/"
	@echo "For the editors' admin at /admin/, create your own login in another terminal:"
	@echo "    DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000
endif

# make demo-large [ARTICLES=3000] [SEED=1] [LARGE_DB_URL=...]: generated articles (marked as
# such) over four years, many sources, three languages, in a database of their own.
LARGE_DB_URL ?= sqlite:///$(CURDIR)/var/demo-large.sqlite3
LARGE_CORPUS = var/demo-large-corpus/$(or $(ARTICLES),3000)-$(or $(SEED),1)
LARGE_ENV = $(DEMO_ENV) DATABASE_URL="$(LARGE_DB_URL)"
demo-large: demo-large-db
	@echo
	@echo "The large demo (generated articles, each marked as such) is at http://127.0.0.1:8000/"
	@echo "Its database: $(LARGE_DB_URL)"
	@echo
	$(LARGE_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

demo-large-db: install
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py generate_corpus \
		--count $(or $(ARTICLES),3000) --seed $(or $(SEED),1) --out $(LARGE_CORPUS)
	$(LARGE_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(LARGE_ENV) $(BIN)/python manage.py load_gazetteer
	$(LARGE_ENV) $(BIN)/python manage.py import_articles $(LARGE_CORPUS) --no-progress

# The README's screenshots, taken from the large demo in headless Chromium.
screenshots: demo-large-db
	$(LARGE_ENV) $(BIN)/python scripts/readme_screenshots.py docs/screenshots

# Rebuild fixtures/demo.json from the import of fixtures/corpus into a fresh database.
DEMO_BUILD_DB := $(CURDIR)/var/demo-build.sqlite3
demo-fixture: install
	mkdir -p var && rm -f $(DEMO_BUILD_DB)
	DATABASE_URL=sqlite:///$(DEMO_BUILD_DB) $(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:///$(DEMO_BUILD_DB) $(DEMO_ENV) $(BIN)/python manage.py load_gazetteer
	DATABASE_URL=sqlite:///$(DEMO_BUILD_DB) $(DEMO_ENV) $(BIN)/python manage.py import_articles fixtures/corpus --no-progress
	DATABASE_URL=sqlite:///$(DEMO_BUILD_DB) $(DEMO_ENV) $(BIN)/python manage.py build_demo_fixture
	rm -f $(DEMO_BUILD_DB)*

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint test-sqlite test-postgres

# citation-js, the citation parser the export tests read our files with, axe-core, the
# accessibility checker of the browser tests, and the Nu HTML Checker (tests/vnu, run with
# java); their tests skip without npm.
node-checkers:
	@for dir in tests/citation_js tests/axe tests/vnu; do \
		if [ ! -d $$dir/node_modules ] && command -v npm >/dev/null; then \
			npm ci --prefix $$dir --silent --no-audit --no-fund; fi; done

test-sqlite: install node-checkers
	@echo "=== Test suite on SQLite ==="
	$(BIN)/python -m pytest

test-postgres: install node-checkers
	@if $(BIN)/python scripts/postgres_reachable.py "$(PG_URL)"; then \
		echo "=== Test suite on PostgreSQL ($(PG_URL)) ==="; \
		DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL at $(PG_URL) is unreachable and REQUIRE_POSTGRES=1: failing." >&2; exit 1; \
	else \
		echo "=== PostgreSQL at $(PG_URL) is unreachable: its half of the suite was SKIPPED ==="; \
	fi

# make backup [FILE=path.jsonl.gz]: the whole archive to one file (default under var/backups/).
backup: install
	@mkdir -p var/backups
	$(MANAGE) export_archive "$(or $(FILE),var/backups/archive-$(shell date -u +%Y%m%dT%H%M%SZ).jsonl.gz)"

# make restore FILE=path.jsonl.gz: into an empty database (migrated first).
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=path/to/archive.jsonl.gz" >&2; exit 2; }
	$(MANAGE) migrate --noinput
	$(MANAGE) restore_archive "$(FILE)"

# make benchmark [ARTICLES=100000] [ROUNDS=20] [PG_URL=...|DB=sqlite]: see README, "Benchmark".
benchmark: install
	$(if $(filter sqlite,$(DB)),,DATABASE_URL="$(PG_URL)") $(MANAGE) benchmark all --articles $(or $(ARTICLES),100000) --rounds $(or $(ROUNDS),20)

# make loadtest [PG_URL=...] [LOAD_ARGS="--articles 100000 --duration 60"]: not part of make test.
loadtest: install
	$(BIN)/python -m benchmarking.loadtest --database "$(PG_URL)" $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
