"""The migrations build the search schema the code expects.

Migrations carry their SQL literally, so an edit to the engine's DDL in
articles/search/ changes nothing in a database until a new migration does it:
an empty database migrated from zero must hold what the engine's schema part
expects, object for object, in the database's own words."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

# Run in a process of its own, on the migrated database.
DESCRIBE_SCHEMA = """
import json
from articles.search import get_engine
schema = get_engine().schema
print(json.dumps({"installed": schema.installed(), "expected": schema.expected()}))
"""


@contextmanager
def empty_sqlite_database(tmp_path):
    yield f"sqlite:///{tmp_path / 'fromzero.sqlite3'}"


@contextmanager
def empty_postgresql_database(tmp_path):
    """A scratch database beside the test database, dropped afterwards."""
    settings = connection.settings_dict
    name = f"{settings['NAME']}_fromzero"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(settings["USER"] or "")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"])
    try:
        yield (
            f"postgres://{credentials}@{settings['HOST'] or 'localhost'}:"
            f"{settings['PORT'] or 5432}/{name}"
        )
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


EMPTY_DATABASES = {"sqlite": empty_sqlite_database, "postgresql": empty_postgresql_database}


def manage(database_url, *args, **settings):
    environment = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", **settings}
    finished = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def _rum_offered():
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'rum')")
        return cursor.fetchone()[0]


# PostgreSQL's search index: RUM where the server offers it, GIN when the
# settings ask for it (as on a server without RUM).  SQLite has one way.
SEARCH_INDEXES = ["rum", "gin"] if connection.vendor == "postgresql" else [None]


# What migrations after 0018 add besides the index (0020's function): undone too.
ADDED_AFTER_0018 = {"function articles_any_tsquery"}


def describe_schema(database_url, settings):
    return json.loads(
        manage(database_url, "shell", "--no-imports", "--command", DESCRIBE_SCHEMA, **settings)
    )


def search_index_method(schema):
    definition = schema["installed"]["index articles_article_search_vector"]
    return definition.split(" USING ")[1].split(" ")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("search_index", SEARCH_INDEXES)
def test_migrating_an_empty_database_builds_the_search_schema_the_code_expects(
    tmp_path, search_index
):
    settings = {"ARCHIVE_SEARCH_INDEX": search_index} if search_index else {}
    with EMPTY_DATABASES[connection.vendor](tmp_path) as database_url:
        manage(database_url, "migrate", "--noinput", "--verbosity", "0", **settings)
        schema = describe_schema(database_url, settings)
        assert schema["expected"] and all(schema["expected"].values())
        assert schema["installed"] == schema["expected"]
        if search_index:
            offered = search_index == "rum" and _rum_offered()
            assert search_index_method(schema) == ("rum" if offered else "gin")
        if search_index == "rum":  # undone, 0019 puts GIN back
            manage(database_url, "migrate", "articles", "0018", "--verbosity", "0")
            schema = describe_schema(database_url, {"ARCHIVE_SEARCH_INDEX": "gin"})
            expected = {
                key: value
                for key, value in schema["expected"].items()
                if key not in ADDED_AFTER_0018
            }
            assert schema["installed"] == expected
            assert search_index_method(schema) == "gin"
