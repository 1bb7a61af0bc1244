"""An index in the order of browsing (newest first), PostgreSQL only.
PostgreSQL cannot read ``published DESC NULLS LAST`` off the (status,
published) index, so it sorted every published article for each page; with
this index a page is the first rows of an index scan.  SQLite sorts NULLs last
in DESC order and uses that index already."""

from django.db import migrations

CREATE_NEWEST_INDEX = """CREATE INDEX articles_article_newest ON articles_article
    (published DESC NULLS LAST, created DESC, id DESC) WHERE status = 'published'"""
DROP_NEWEST_INDEX = "DROP INDEX IF EXISTS articles_article_newest"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_NEWEST_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_NEWEST_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_admin_merges_editors"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
