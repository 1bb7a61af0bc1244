"""An index in the order of browsing (newest first), PostgreSQL only; see
CREATE_NEWEST_INDEX in articles/search/postgres.py for why."""

from django.db import migrations

from articles.search import postgres


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgres.CREATE_NEWEST_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgres.DROP_NEWEST_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_admin_merges_editors"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
