"""The SQLite search index merged into one segment (see
SQLiteIndex.optimize in articles/search/sqlite.py for why); imports that
write a good share of the archive merge it again."""

from django.db import migrations

OPTIMIZE = "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('optimize')"


def optimize(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(OPTIMIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_sqlite_source_newest_first_index"),
    ]

    operations = [
        migrations.RunPython(optimize, migrations.RunPython.noop),
    ]
