"""PostgreSQL only: ``articles_search_text()`` rewritten for speed (it returns
what it returned before), the search vector computed by a function of its own,
the trigger keeping the vector that a new article arrives with (an import
computes them beforehand), and new vectors and bodies compressed with LZ4.
See articles/search/postgres.py.  Every vector stays as it was, so nothing is
re-indexed, and undoing this migration keeps the new functions, which index
as the old ones did."""

from django.db import migrations

from articles.search import postgres


def replace_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgres.search_text_function())
        schema_editor.execute(postgres.SEARCH_VECTOR_FUNCTION)
        schema_editor.execute(postgres.SEARCH_VECTOR_TRIGGER_FUNCTION)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(postgres.LZ4_AVAILABLE)
            if cursor.fetchone()[0]:
                cursor.execute(postgres.USE_LZ4)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_sqlite_match_columns_index"),
    ]

    operations = [
        migrations.RunPython(replace_functions, migrations.RunPython.noop),
    ]
