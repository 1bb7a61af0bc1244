"""PostgreSQL only: the planner is told what testing a search vector against a
query costs (see ``MATCH_COST`` in articles/search/postgres.py for why).  Only
a superuser may alter a built-in function; where the migration's role may
not, the search works as before, with the planner's default."""

from django.db import migrations

MATCH_COST = 100
POSTGRESQL_COST = 1


def set_match_cost(schema_editor, cost):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute(f"ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST {int(cost)}")


def set_cost(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        set_match_cost(schema_editor, MATCH_COST)


def reset_cost(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        set_match_cost(schema_editor, POSTGRESQL_COST)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_faster_search_vectors"),
    ]

    operations = [
        migrations.RunPython(set_cost, reset_cost),
    ]
