"""PostgreSQL only: ``articles_any_tsquery(text)``, a query's tsquery in every
text search configuration with each distinct one once, which searches use
instead of OR-ing the three configurations' queries (their repeated lexemes
cost each search again).  Nothing is re-indexed.  The statement is written out
as it was when this migration was made."""

from django.db import migrations

ANY_TSQUERY = """CREATE OR REPLACE FUNCTION articles_any_tsquery(text) RETURNS tsquery
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            distinct_queries text;
        BEGIN
            SELECT string_agg(DISTINCT '(' || q || ')', ' | ') INTO distinct_queries
                FROM unnest(ARRAY[to_tsquery('articles_english', $1)::text, to_tsquery('articles_russian', $1)::text, to_tsquery('articles_simple', $1)::text]) AS q WHERE q <> '';
            -- The empty query only when it is one: parsing it raises a notice.
            RETURN coalesce(distinct_queries, '')::tsquery;
        END $$"""
DROP_ANY_TSQUERY = "DROP FUNCTION IF EXISTS articles_any_tsquery(text)"


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ANY_TSQUERY)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_ANY_TSQUERY)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_rum_search_index"),
    ]

    operations = [
        migrations.RunPython(create_function, drop_function),
    ]
