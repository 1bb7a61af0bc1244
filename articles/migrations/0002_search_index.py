"""The full-text index: a weighted tsvector column on PostgreSQL, an FTS5 table
on SQLite, each kept in step with the articles by triggers.  The statements are
written out as they were when this migration was made, so that it builds the
same database whatever the code in articles/search/ says today; a change to
that code needs a new migration."""

from django.db import migrations, models

POSTGRESQL_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH DICTIONARY articles_english_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH DICTIONARY articles_russian_stem (TEMPLATE = snowball, Language = russian)",
    "CREATE TEXT SEARCH CONFIGURATION articles_english (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION articles_english ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH articles_english_stem",
    "ALTER TEXT SEARCH CONFIGURATION articles_english ALTER MAPPING FOR word, hword, hword_part WITH unaccent, articles_english_stem",
    "CREATE TEXT SEARCH CONFIGURATION articles_russian (COPY = russian)",
    "ALTER TEXT SEARCH CONFIGURATION articles_russian ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH articles_english_stem",
    "ALTER TEXT SEARCH CONFIGURATION articles_russian ALTER MAPPING FOR word, hword, hword_part WITH unaccent, articles_russian_stem",
    "CREATE TEXT SEARCH CONFIGURATION articles_simple (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION articles_simple ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple",
    """CREATE FUNCTION articles_search_config(language text) RETURNS regconfig
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT (CASE language WHEN 'en' THEN 'articles_english'
WHEN 'ru' THEN 'articles_russian'
                          ELSE 'articles_simple' END)::regconfig $$""",
    "CREATE OR REPLACE FUNCTION articles_search_text(text) RETURNS text\n        LANGUAGE sql IMMUTABLE PARALLEL SAFE\n        AS $$ SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(coalesce($1, ''), '-', chr(1)), '.', chr(2)), '/', chr(3)), '@', chr(4)), ':', chr(5)), '_', chr(6)), '+', chr(7)), '&', chr(8)), '<', chr(11)), '>', chr(12)), '~', chr(14)), '\\', chr(15)), '’', chr(16)), '‘', chr(17)), '“', chr(18)), '”', chr(19)), '«', chr(20)), '»', chr(21)), '–', chr(22)), '—', chr(23)), '\xa0', chr(24)) $$",
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
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
    """CREATE TRIGGER articles_article_search_vector
            BEFORE INSERT OR UPDATE OF title, lede, body, language ON articles_article
            FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_update()""",
    "UPDATE articles_article SET title = title",
    "CREATE INDEX articles_article_search_vector ON articles_article USING gin (search_vector)",
]

POSTGRESQL_UNINSTALL = [
    "DROP INDEX IF EXISTS articles_article_search_vector",
    "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector_update()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS articles_search_vector(text, text, text, text)",
    "DROP FUNCTION IF EXISTS articles_search_text(text)",
    "DROP FUNCTION IF EXISTS articles_search_config(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS articles_english",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS articles_russian",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS articles_simple",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS articles_english_stem",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS articles_russian_stem",
]

SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE articles_article_fts USING fts5(title, lede, body, content='articles_article', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_article_fts_insert AFTER INSERT ON articles_article BEGIN INSERT INTO articles_article_fts(rowid, title, lede, body) VALUES (new.id, new.title, new.lede, new.body); END",
    "CREATE TRIGGER articles_article_fts_delete AFTER DELETE ON articles_article BEGIN INSERT INTO articles_article_fts(articles_article_fts, rowid, title, lede, body) VALUES ('delete', old.id, old.title, old.lede, old.body); END",
    "CREATE TRIGGER articles_article_fts_update AFTER UPDATE OF title, lede, body ON articles_article BEGIN INSERT INTO articles_article_fts(articles_article_fts, rowid, title, lede, body) VALUES ('delete', old.id, old.title, old.lede, old.body); INSERT INTO articles_article_fts(rowid, title, lede, body) VALUES (new.id, new.title, new.lede, new.body); END",
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
    "INSERT INTO articles_article_fts(articles_article_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')",
]

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TABLE IF EXISTS articles_article_fts",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_UNINSTALL),
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
}


def _execute(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(apps, schema_editor):
    install, _ = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    _execute(schema_editor, install)


def uninstall(apps, schema_editor):
    _, uninstall = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    _execute(schema_editor, uninstall)


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
