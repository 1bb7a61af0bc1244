"""Statements of a fixed shape, written once instead of built and compiled by
the ORM on every page: at 100,000 synthetic articles on PostgreSQL, building
and compiling a search page's querysets took some 8 of its 28 ms of Python
(CPU time through the test client, the benchmark's tuned mix).  Each is the
SQL the ORM wrote for it, so that the rows and the plans stay the same."""

from django.db import connections, router


def read_rows(model, sql, params):
    """The rows of ``sql``, read where ``model`` is read (a replica, see
    archive/replicas.py, or the primary)."""
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def read_connection(model):
    """The connection ``model`` is read from."""
    return connections[router.db_for_read(model)]


def placeholders(count):
    """``%s, %s, …``: ``count`` parameters, for ``IN (…)``."""
    return ", ".join(["%s"] * count)
