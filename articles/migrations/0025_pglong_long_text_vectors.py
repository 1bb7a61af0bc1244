"""PostgreSQL only: a long article's search vector built in pieces, so that a
phrase past a body's 16,383rd word matches (every later word stood at position
16,383), and ``articles_search_passage()``, the part of a long body that a
snippet is taken from.  Only the vectors that reached position 16,383 are
computed again; every other vector is what the new function gives already.
Undoing this migration keeps the functions (the vectors stay right for them).
The statements are written out as they were when this migration was made."""

from django.db import migrations

FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION
    articles_search_pieces(body text, size integer) RETURNS SETOF text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
    DECLARE
        rest text := coalesce(body, '');
        piece text;
    BEGIN
        WHILE length(rest) > size LOOP
            piece := coalesce(substring(left(rest, size) FROM '^.*\\s'), left(rest, size));
            RETURN NEXT piece;
            rest := substr(rest, length(piece) + 1);
        END LOOP;
        RETURN NEXT rest;
    END $$""",
    """CREATE OR REPLACE FUNCTION
    articles_vector_capped(vector tsvector) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT EXISTS (SELECT FROM unnest(vector) AS u
                         WHERE u.positions[cardinality(u.positions)] = 16383) $$""",
    """CREATE OR REPLACE FUNCTION
    articles_long_search_vector(config regconfig, title text, lede text, body text)
    RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
    DECLARE
        head tsvector := setweight(to_tsvector(config, articles_search_text(title)), 'A')
                         || setweight(to_tsvector(config, articles_search_text(lede)), 'B');
        vector tsvector := head || setweight(to_tsvector(config, articles_search_text(body)), 'C');
        pieces integer := 1;
        piece_vector tsvector;
        merged text;
        piece text;
    BEGIN
        WHILE articles_vector_capped(vector) AND NOT articles_vector_capped(head)
              AND pieces * 1000 < length(body) LOOP
            pieces := pieces + 1;
            merged := '';
            FOR piece IN
                SELECT articles_search_pieces(body, length(body) / pieces + 1000)
            LOOP
                piece_vector := head
                    || setweight(to_tsvector(config, articles_search_text(piece)), 'C');
                IF articles_vector_capped(piece_vector) THEN
                    merged := NULL;
                    EXIT;
                END IF;
                merged := merged || ' ' || piece_vector::text;
            END LOOP;
            IF merged IS NOT NULL THEN
                vector := merged::tsvector;
            END IF;
        END LOOP;
        RETURN vector;
    END $$""",
    """CREATE OR REPLACE FUNCTION
    articles_search_vector(language text, title text, lede text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE
        WHEN coalesce(length(title), 0) + coalesce(length(lede), 0)
             + coalesce(length(body), 0) < 16383 THEN
        setweight(to_tsvector(articles_search_config(language), articles_search_text(title)), 'A')
        || setweight(to_tsvector(articles_search_config(language), articles_search_text(lede)), 'B')
        || setweight(to_tsvector(articles_search_config(language),
                                 articles_search_text(left(body, 1000000))), 'C')
        ELSE articles_long_search_vector(articles_search_config(language), title, lede,
                                         left(body, 1000000)) END $$""",
    """CREATE OR REPLACE FUNCTION
    articles_search_passage(config regconfig, body text, query tsquery) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN length(body) <= 60000 THEN body ELSE coalesce(
        (SELECT p.piece FROM articles_search_pieces(body, 60000)
                             WITH ORDINALITY AS p(piece, n)
         WHERE to_tsvector(config, articles_search_text(p.piece)) @@ query
         ORDER BY p.n LIMIT 1),
        body) END $$""",
]
RECOMPUTE_CAPPED = (
    "UPDATE articles_article "
    "SET search_vector = articles_search_vector(language, title, lede, body) "
    "WHERE articles_vector_capped(search_vector)"
)


def create_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FUNCTIONS:
            schema_editor.execute(statement)
        schema_editor.execute(RECOMPUTE_CAPPED)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_sqlite_prefix_indexes"),
    ]

    operations = [
        migrations.RunPython(create_functions, migrations.RunPython.noop),
    ]
