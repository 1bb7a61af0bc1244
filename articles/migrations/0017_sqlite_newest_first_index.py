"""The published articles newest first with the columns a search page's rows
read, SQLite only (see NEWEST_INDEX in articles/search/sqlite.py for why).
The planner needs statistics of it to use it, so an existing archive gets
them here."""

from django.db import migrations

CREATE_NEWEST_INDEX = "CREATE INDEX IF NOT EXISTS articles_article_newest_first ON articles_article (status, published DESC, created DESC, id DESC, source_id, language)"
DROP_NEWEST_INDEX = "DROP INDEX IF EXISTS articles_article_newest_first"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_NEWEST_INDEX)
        schema_editor.execute("ANALYZE articles_article")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP_NEWEST_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_article_languages"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
