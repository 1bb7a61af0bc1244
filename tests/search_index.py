"""PostgreSQL's search index as a test wants it, RUM or GIN (see migration
0015), so that the search is tested on both of the ways a server may index it.

An index built inside a test's transaction may be ignored by the planner in
that transaction (PostgreSQL's ``indcheckxmin``, set when the table holds
recently updated rows), so both are built once for the module, beside each
other, and each test drops the one it does not want inside its transaction,
which the test's rollback puts back."""

from contextlib import contextmanager

import pytest
from django.db import connection

# The index methods a test of the search runs on: both on PostgreSQL (GIN
# first: each test's run on RUM leaves dead entries in the table's other
# indexes, which make the planner price them higher), SQLite's own (None)
# otherwise.
INDEX_METHODS = ["gin", "rum"] if connection.vendor == "postgresql" else [None]

INDEX = "articles_article_search_vector"
SPARE = "articles_article_search_vector_spare"


def rum_installed(cursor):
    cursor.execute("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'rum')")
    return cursor.fetchone()[0]


def build_spare():
    """Beside the search index the migrations built, one with the other
    method, when the server has RUM; returns the method of the first."""
    from articles.search.postgres import (
        RUM_SEARCH_VECTOR_INDEX,
        SEARCH_VECTOR_INDEX,
        search_index_method,
    )

    installed = search_index_method(connection)
    with connection.cursor() as cursor:
        if rum_installed(cursor):
            statement = SEARCH_VECTOR_INDEX if installed == "rum" else RUM_SEARCH_VECTOR_INDEX
            cursor.execute(statement.replace(INDEX, SPARE, 1))
    return installed


def drop_spare():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {SPARE}")


@contextmanager
def search_index(method, installed):
    """The search index ``method`` ("rum" or "gin") alone inside, ``installed``
    being the method the migrations built; skips the test when the server has
    no RUM, or when the test has no transaction to undo the change in."""
    from articles.search.postgres import forget_search_index_method

    with connection.cursor() as cursor:
        if method == "rum" and not rum_installed(cursor):
            pytest.skip("the rum extension is not installed on this PostgreSQL server")
        if not connection.in_atomic_block:
            if method != installed:
                pytest.skip(f"a test without a transaction runs on the {installed} index only")
            yield method
            return
        if method == installed:
            cursor.execute(f"DROP INDEX IF EXISTS {SPARE}")
        else:
            cursor.execute(f"DROP INDEX {INDEX}")
            cursor.execute(f"ALTER INDEX {SPARE} RENAME TO {INDEX}")
    forget_search_index_method(connection)
    try:
        yield method
    finally:
        forget_search_index_method(connection)  # the test's rollback puts the index back
