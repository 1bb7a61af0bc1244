"""PostgreSQL only: the search index becomes a RUM index where the server
offers the ``rum`` extension (Debian's ``postgresql-NN-rum``), and stays GIN
elsewhere.  RUM keeps each word's positions in the index, so a phrase is
answered there instead of by reading every vector holding its words back from
TOAST.  ``ARCHIVE_SEARCH_INDEX = "gin"`` keeps GIN where RUM is offered; a role
that may not create the extension keeps GIN too.  The index keeps its name.
The statements are written out as they were when this migration was made."""

from django.conf import settings
from django.db import DatabaseError, migrations, transaction

RUM_AVAILABLE = "SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'rum')"
CREATE_RUM = "CREATE EXTENSION IF NOT EXISTS rum"
INDEX_METHOD = (
    "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
    "WHERE c.oid = to_regclass('articles_article_search_vector')"
)
DROP_INDEX = "DROP INDEX IF EXISTS articles_article_search_vector"
RUM_INDEX = (
    "CREATE INDEX articles_article_search_vector ON articles_article "
    "USING rum (search_vector rum_tsvector_ops)"
)
GIN_INDEX = (
    "CREATE INDEX articles_article_search_vector ON articles_article USING gin (search_vector)"
)
# Building the index sorts its entries in this much memory rather than 64 MB.
BUILD_MEMORY = "SET LOCAL maintenance_work_mem = '512MB'"


def _rum_created(connection):
    """True when the extension is (now) in the database."""
    with connection.cursor() as cursor:
        cursor.execute(RUM_AVAILABLE)
        if not cursor.fetchone()[0]:
            return False
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute(CREATE_RUM)
        except DatabaseError:  # a role that may not create it
            return False
    return True


def _rebuild(connection, statement, method):
    with connection.cursor() as cursor:
        cursor.execute(INDEX_METHOD)
        row = cursor.fetchone()
        if row and row[0] == method:
            return
        cursor.execute(BUILD_MEMORY)
        cursor.execute(DROP_INDEX)
        cursor.execute(statement)


def use_rum(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    if getattr(settings, "ARCHIVE_SEARCH_INDEX", "rum") == "gin":
        return
    if _rum_created(connection):
        _rebuild(connection, RUM_INDEX, "rum")


def use_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor.connection, GIN_INDEX, "gin")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_month_counts"),
    ]

    operations = [
        migrations.RunPython(use_rum, use_gin),
    ]
