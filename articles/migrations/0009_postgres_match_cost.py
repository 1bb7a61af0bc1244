"""PostgreSQL only: the planner is told what testing a search vector against a
query costs.  See ``MATCH_COST`` in articles/search/postgres.py."""

from django.db import migrations

from articles.search import postgres


def set_cost(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        postgres.set_match_cost(schema_editor.connection, postgres.MATCH_COST)


def reset_cost(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        postgres.set_match_cost(schema_editor.connection, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_faster_search_vectors"),
    ]

    operations = [
        migrations.RunPython(set_cost, reset_cost),
    ]
