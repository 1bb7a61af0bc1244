"""The articles' word counts by id, SQLite only (see WORD_COUNT_INDEX in
articles/search/sqlite.py for why), with its statistics, so that the
planner weighs it rightly against the other indexes on the id."""

from django.db import migrations

CREATE_WORD_COUNT_INDEX = "CREATE INDEX IF NOT EXISTS articles_article_word_counts ON articles_article (id, word_count)"
DROP_WORD_COUNT_INDEX = "DROP INDEX IF EXISTS articles_article_word_counts"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_WORD_COUNT_INDEX)
        schema_editor.execute("ANALYZE articles_article_word_counts")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP_WORD_COUNT_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_any_configuration_tsquery"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
