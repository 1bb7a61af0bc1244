"""The SQLite search index rebuilt with prefix indexes of 3, 4 and 5
characters (see PREFIX_LENGTHS in articles/search/sqlite.py for why): FTS5
sets them only when the table is created, so the table is made again (the
triggers on the articles, which write into it by name, stay) and the index
rebuilt from the articles, then merged into one segment.  The statements
are written out as they are today."""

from django.db import migrations

DROP = "DROP TABLE IF EXISTS articles_article_fts"
CREATE_WITH_PREFIXES = "CREATE VIRTUAL TABLE articles_article_fts USING fts5(title, lede, body, content='articles_article', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='3 4 5')"
CREATE_WITHOUT_PREFIXES = "CREATE VIRTUAL TABLE articles_article_fts USING fts5(title, lede, body, content='articles_article', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
FILL = [
    "INSERT INTO articles_article_fts(articles_article_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')",
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('optimize')",
]


def _recreate(schema_editor, create):
    if schema_editor.connection.vendor == "sqlite":
        for statement in [DROP, create, *FILL]:
            schema_editor.execute(statement)


def with_prefixes(apps, schema_editor):
    _recreate(schema_editor, CREATE_WITH_PREFIXES)


def without_prefixes(apps, schema_editor):
    _recreate(schema_editor, CREATE_WITHOUT_PREFIXES)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_sqlite_optimize_search_index"),
    ]

    operations = [
        migrations.RunPython(with_prefixes, without_prefixes),
    ]
