"""The full-text index: a weighted tsvector column on PostgreSQL, an FTS5 table
on SQLite, each kept in step with the articles by triggers.  The statements live
beside the code that queries them (articles/search/postgres.py and sqlite.py);
changing them needs a new migration."""

from django.db import migrations, models

from articles.search import postgres, sqlite

BACKENDS = {"postgresql": postgres, "sqlite": sqlite}


def install(apps, schema_editor):
    backend = BACKENDS.get(schema_editor.connection.vendor)
    if backend is not None:
        with schema_editor.connection.cursor() as cursor:
            backend.install(cursor)


def uninstall(apps, schema_editor):
    backend = BACKENDS.get(schema_editor.connection.vendor)
    if backend is not None:
        with schema_editor.connection.cursor() as cursor:
            backend.uninstall(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
        migrations.CreateModel(
            name="ArticleSearchIndex",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_column="rowid",
                        on_delete=models.DO_NOTHING,
                        primary_key=True,
                        related_name="search_index",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("document", models.TextField(db_column="articles_article_fts")),
                ("rank", models.FloatField()),
            ],
            options={
                "db_table": "articles_article_fts",
                "managed": False,
                "required_db_vendor": "sqlite",
            },
        ),
    ]
