"""An import into a database that refuses to write says so clearly, keeps no
half-written article, and a run after the fault completes the corpus.

The faults are the database engines' own: a read-only session (PostgreSQL's
default_transaction_read_only, SQLite's query_only) and, on SQLite, a full
database (max_page_count, which fails writes with the same SQLITE_FULL error
as a full disk).  The tests run outside a test transaction, as the command does.
"""

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles.models import ActorMention, Article, LocationMention

from .conftest import CORPUS_DIR


@contextmanager
def read_only_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
        else:
            cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET default_transaction_read_only")
            else:
                cursor.execute("PRAGMA query_only = OFF")


@contextmanager
def full_database():
    """No room for another page in the database file.

    VACUUM first: earlier tests' deletions leave free pages that would
    otherwise give the import room to write.
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA max_page_count")
        limit = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA max_page_count = {limit}")


def assert_import_fails_clearly_and_completes_afterwards(fault, expected_reason):
    with fault(), pytest.raises(CommandError) as failure:
        call_command("import_articles", CORPUS_DIR, "--no-progress", verbosity=0)
    message = str(failure.value)
    assert message.startswith("import stopped: the database refused to write"), message
    assert expected_reason in message.lower(), message
    assert "Traceback" not in message
    assert not Article.objects.exists()
    assert not ActorMention.objects.exists() and not LocationMention.objects.exists()

    call_command("import_articles", CORPUS_DIR, "--no-progress", verbosity=0)
    assert Article.objects.count() == len(list(CORPUS_DIR.glob("*.txt")))
    for article in Article.objects.all():
        assert article.actor_mentions.exists() or article.location_mentions.exists(), article


@pytest.mark.django_db(transaction=True)
def test_import_into_a_read_only_database_is_reported_and_loses_nothing(gazetteer):
    assert_import_fails_clearly_and_completes_afterwards(read_only_database, "read")


@pytest.mark.django_db(transaction=True)
def test_import_into_a_full_database_is_reported_and_loses_nothing(gazetteer):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL cannot be filled up without a small disk of its own")
    assert_import_fails_clearly_and_completes_afterwards(full_database, "full")
