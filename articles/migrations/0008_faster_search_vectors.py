"""PostgreSQL only: ``articles_search_text()`` rewritten for speed (it returns
what it returned before), the search vector computed by a function of its own,
the trigger keeping the vector that a new article arrives with (an import
computes them beforehand), and new vectors and bodies compressed with LZ4
where the server has it (pglz spent 15% of an article's insert trying to
compress its vector).  Every vector stays as it was, so nothing is
re-indexed, and undoing this migration keeps the new functions, which index
as the old ones did.  The statements are written out as they were when this
migration was made; the functions are created again by 0002 (which already
has these definitions), so each is a CREATE OR REPLACE."""

from django.db import migrations

FUNCTIONS = [
    "CREATE OR REPLACE FUNCTION articles_search_text(text) RETURNS text\n        LANGUAGE sql IMMUTABLE PARALLEL SAFE\n        AS $$ SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(coalesce($1, ''), '-', chr(1)), '.', chr(2)), '/', chr(3)), '@', chr(4)), ':', chr(5)), '_', chr(6)), '+', chr(7)), '&', chr(8)), '<', chr(11)), '>', chr(12)), '~', chr(14)), '\\', chr(15)), '’', chr(16)), '‘', chr(17)), '“', chr(18)), '”', chr(19)), '«', chr(20)), '»', chr(21)), '–', chr(22)), '—', chr(23)), '\xa0', chr(24)) $$",
    """CREATE OR REPLACE FUNCTION
    articles_search_vector(language text, title text, lede text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT
        setweight(to_tsvector(articles_search_config(language), articles_search_text(title)), 'A')
        || setweight(to_tsvector(articles_search_config(language), articles_search_text(lede)), 'B')
        || setweight(to_tsvector(articles_search_config(language),
                                 articles_search_text(left(body, 1000000))), 'C') $$""",
    """CREATE OR REPLACE FUNCTION
    articles_article_search_vector_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' OR NEW.search_vector IS NULL THEN
            NEW.search_vector :=
                articles_search_vector(NEW.language, NEW.title, NEW.lede, NEW.body);
        END IF;
        RETURN NEW;
    END $$""",
]
LZ4_AVAILABLE = (
    "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
)
USE_LZ4 = "ALTER TABLE articles_article ALTER COLUMN search_vector SET COMPRESSION lz4, ALTER COLUMN body SET COMPRESSION lz4"


def replace_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FUNCTIONS:
            schema_editor.execute(statement)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(LZ4_AVAILABLE)
            if cursor.fetchone()[0]:
                cursor.execute(USE_LZ4)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_sqlite_match_columns_index"),
    ]

    operations = [
        migrations.RunPython(replace_functions, migrations.RunPython.noop),
    ]
