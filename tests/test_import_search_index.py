"""PostgreSQL: an import that doubles the archive sets the search index aside
and builds it again at its end, and an index an interrupted import left
missing comes back with the next ``migrate`` or import."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from articles.importing import import_paths
from articles.search.postgres import search_index_method

from .conftest import CORPUS_DIR
from .search_index import rum_installed

# Outside a transaction, as an import runs: one never sets the index aside.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite's FTS5 index is never set aside"
    ),
]

INDEX = "articles_article_search_vector"


def index_oid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)::oid", [INDEX])
        return cursor.fetchone()[0]


def expected_method():
    with connection.cursor() as cursor:
        return "rum" if rum_installed(cursor) else "gin"


def found(client, query):
    return len(client.get("/search/", {"q": query}).context["page"].items)


@pytest.fixture
def low_threshold(monkeypatch):
    monkeypatch.setattr("articles.search.postgres.REBUILD_FROM", 3)


def test_an_import_that_doubles_the_archive_builds_the_index_again(
    gazetteer, low_threshold, client
):
    before = index_oid()
    report = import_paths([CORPUS_DIR])
    assert report.created == 5
    assert index_oid() not in (None, before)
    assert search_index_method(connection) == expected_method()
    assert found(client, "Kyiv") >= 3


def test_an_import_into_a_bigger_archive_keeps_the_index(gazetteer, low_threshold, tmp_path):
    import_paths([CORPUS_DIR])
    kept = index_oid()
    (tmp_path / "two.jsonl").write_text(
        "\n".join(
            json.dumps(
                {"url": f"https://example.org/{n}", "title": f"Report {n}", "body": "Kyiv held."}
            )
            for n in range(2)
        )
    )
    assert import_paths([tmp_path]).created == 2
    assert index_oid() == kept


def test_a_dry_run_never_sets_the_index_aside(gazetteer, low_threshold):
    before = index_oid()
    assert import_paths([CORPUS_DIR], dry_run=True).created == 5
    assert index_oid() == before


def test_an_index_left_missing_comes_back_with_migrate(seed_archive, client):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {INDEX}")
    call_command("migrate", verbosity=0)
    assert index_oid() is not None
    assert search_index_method(connection) == expected_method()
    assert found(client, "Kyiv") >= 3


def test_an_index_left_missing_comes_back_with_the_next_import(gazetteer, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {INDEX}")
    (tmp_path / "one.jsonl").write_text(
        json.dumps({"url": "https://example.org/1", "title": "Report", "body": "Kyiv held."})
    )
    import_paths([tmp_path])
    assert index_oid() is not None
