"""Each source's published articles newest first with the columns a search
page's rows read, SQLite only (see SOURCE_NEWEST_INDEX in
articles/search/sqlite.py for why), with its statistics, which the planner
needs to choose it."""

from django.db import migrations

CREATE_SOURCE_NEWEST_INDEX = "CREATE INDEX IF NOT EXISTS articles_article_source_newest_first ON articles_article (source_id, status, published DESC, created DESC, id DESC, language)"
DROP_SOURCE_NEWEST_INDEX = "DROP INDEX IF EXISTS articles_article_source_newest_first"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_SOURCE_NEWEST_INDEX)
        schema_editor.execute("ANALYZE articles_article_source_newest_first")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP_SOURCE_NEWEST_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_sqlite_word_count_index"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
