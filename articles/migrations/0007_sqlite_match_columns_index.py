"""An index of the columns search reads of every match, SQLite only (see
MATCH_COLUMNS_INDEX in articles/search/sqlite.py for why).  The planner needs
statistics of it to use it, so an existing archive gets them here."""

from django.db import migrations

CREATE_MATCH_COLUMNS_INDEX = "CREATE INDEX IF NOT EXISTS articles_article_match_columns ON articles_article (id, status, published, created, language, source_id)"
DROP_MATCH_COLUMNS_INDEX = "DROP INDEX IF EXISTS articles_article_match_columns"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_MATCH_COLUMNS_INDEX)
        schema_editor.execute("ANALYZE articles_article")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP_MATCH_COLUMNS_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_cache_table"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
