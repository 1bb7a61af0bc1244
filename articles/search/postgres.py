"""Search on PostgreSQL: a weighted tsvector column with a GIN index.

``articles_article.search_vector`` is kept by a trigger on every insert and on
updates of headline, lede, body or language: the headline weighs A, the lede B,
the body C.  Each article is indexed with the text-search configuration of its
language:

- ``articles_english`` for English: English Snowball stems (retreat, retreats,
  retreating are one word);
- ``articles_russian`` for Russian: Russian stems for Cyrillic words, English
  stems for Latin ones (PostgreSQL's own choice for its russian configuration);
- ``articles_simple`` for Ukrainian and anything else: words as written, lower
  case.  PostgreSQL has no Ukrainian stemmer, and the Russian one mangles
  Ukrainian (it strips endings that are not endings in Ukrainian and does not
  know і, ї, є, ґ), so exact words are the honest choice; names still match in
  every case form through the gazetteer's inflected aliases, and prefix* does
  the rest.

All three fold accents (unaccent) and keep stopwords, so phrases stay exact;
the query parser drops common stopwords from bare words instead.  A query is
compiled once per configuration and the three are OR-ed, so an English,
Russian or Ukrainian article matches in its own configuration, and a word in
the other script (Київ in an English article, HIMARS in a Ukrainian one) is
found too: no configuration changes a word of a script it does not stem.

PostgreSQL's parser reads "S-300" as the word "s" and the number "-300", and
"isw.org" as one host name.  The text is therefore indexed after
``articles_search_text()`` maps such punctuation to control characters, which
the parser takes for spaces, one for one so that a headline can be turned back
into the original text.  Both engines then split words the same way.
"""

import re
from contextlib import contextmanager, nullcontext

from django.db import connection, transaction
from django.db.models import BooleanField, Expression, FloatField

from .highlight import MARK_END, MARK_START, strip_marks
from .query import STOPWORDS, AnyOf, Phrase, Word

CONFIGURATIONS = {"en": "articles_english", "ru": "articles_russian"}
FALLBACK_CONFIGURATION = "articles_simple"
ALL_CONFIGURATIONS = (*CONFIGURATIONS.values(), FALLBACK_CONFIGURATION)

# Punctuation the parser would glue words with, and what it becomes while indexed.
GLUE_PUNCTUATION = "-./@:_+&<>~\\’‘“”«»–—\u00a0"
PLACEHOLDERS = "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 25)]))
assert len(GLUE_PUNCTUATION) == len(PLACEHOLDERS)
RESTORE_PUNCTUATION = str.maketrans(PLACEHOLDERS, GLUE_PUNCTUATION)

# ts_rank weights for D, C (body), B (lede) and A (headline).
RANK_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
# Rank normalisation 1: divide by 1 + log(length), so a long article does not
# win by length alone.
RANK_NORMALIZATION = 1


def _sql_literal(text):
    return "'" + text.replace("'", "''") + "'"


def _install_statements():
    configurations = "\n".join(
        f"WHEN {_sql_literal(language)} THEN {_sql_literal(name)}"
        for language, name in CONFIGURATIONS.items()
    )
    return [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        # Snowball stemmers without their stopword lists: stopwords stay in the
        # index so that "Institute for the Study of War" is an exact phrase.
        "CREATE TEXT SEARCH DICTIONARY articles_english_stem "
        "(TEMPLATE = snowball, Language = english)",
        "CREATE TEXT SEARCH DICTIONARY articles_russian_stem "
        "(TEMPLATE = snowball, Language = russian)",
        "CREATE TEXT SEARCH CONFIGURATION articles_english (COPY = english)",
        "ALTER TEXT SEARCH CONFIGURATION articles_english ALTER MAPPING FOR asciiword, "
        "asciihword, hword_asciipart WITH articles_english_stem",
        "ALTER TEXT SEARCH CONFIGURATION articles_english ALTER MAPPING FOR word, hword, "
        "hword_part WITH unaccent, articles_english_stem",
        "CREATE TEXT SEARCH CONFIGURATION articles_russian (COPY = russian)",
        "ALTER TEXT SEARCH CONFIGURATION articles_russian ALTER MAPPING FOR asciiword, "
        "asciihword, hword_asciipart WITH articles_english_stem",
        "ALTER TEXT SEARCH CONFIGURATION articles_russian ALTER MAPPING FOR word, hword, "
        "hword_part WITH unaccent, articles_russian_stem",
        "CREATE TEXT SEARCH CONFIGURATION articles_simple (COPY = simple)",
        "ALTER TEXT SEARCH CONFIGURATION articles_simple ALTER MAPPING FOR word, hword, "
        "hword_part WITH unaccent, simple",
        f"""CREATE FUNCTION articles_search_config(language text) RETURNS regconfig
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT (CASE language {configurations}
                          ELSE {_sql_literal(FALLBACK_CONFIGURATION)} END)::regconfig $$""",
        f"""CREATE FUNCTION articles_search_text(text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT translate(coalesce($1, ''), {_sql_literal(GLUE_PUNCTUATION)},
                                   {_sql_literal(PLACEHOLDERS)}) $$""",
        "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
        # The first million characters of a body are indexed: a tsvector cannot
        # exceed 1 MB, and positions stop counting at 16,383 anyway.
        """CREATE FUNCTION articles_article_search_vector_update() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                config regconfig := articles_search_config(NEW.language);
            BEGIN
                NEW.search_vector :=
                    setweight(to_tsvector(config, articles_search_text(NEW.title)), 'A')
                    || setweight(to_tsvector(config, articles_search_text(NEW.lede)), 'B')
                    || setweight(to_tsvector(config,
                                 articles_search_text(left(NEW.body, 1000000))), 'C');
                RETURN NEW;
            END $$""",
        """CREATE TRIGGER articles_article_search_vector
            BEFORE INSERT OR UPDATE OF title, lede, body, language ON articles_article
            FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_update()""",
        "UPDATE articles_article SET title = title",
        "CREATE INDEX articles_article_search_vector ON articles_article USING gin (search_vector)",
    ]


INSTALL = _install_statements()
UNINSTALL = [
    "DROP INDEX IF EXISTS articles_article_search_vector",
    "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector_update()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS articles_search_text(text)",
    "DROP FUNCTION IF EXISTS articles_search_config(text)",
    *(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in ALL_CONFIGURATIONS),
    "DROP TEXT SEARCH DICTIONARY IF EXISTS articles_english_stem",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS articles_russian_stem",
]


# Newest first is the order of browsing and of "sort: newest".  PostgreSQL cannot
# read published DESC NULLS LAST off the (status, published) index, so it would
# sort every published article for each page; with this index a page is the
# first rows of an index scan (440 ms -> 8 ms for the browse page at 200,000
# articles).  SQLite sorts NULLs last in DESC order and uses that index already.
CREATE_NEWEST_INDEX = """CREATE INDEX articles_article_newest ON articles_article
    (published DESC NULLS LAST, created DESC, id DESC) WHERE status = 'published'"""
DROP_NEWEST_INDEX = "DROP INDEX IF EXISTS articles_article_newest"


def install(cursor):
    for statement in INSTALL:
        cursor.execute(statement)


def uninstall(cursor):
    for statement in UNINSTALL:
        cursor.execute(statement)


def _lexeme(word, prefix=False):
    escaped = word.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'" + (":*" if prefix else "")


def compile_node(node):
    """``to_tsquery`` syntax for a node; every word is a quoted lexeme."""
    if isinstance(node, Word):
        return _lexeme(node.text, node.prefix)
    if isinstance(node, Phrase):
        last = len(node.words) - 1
        return (
            "("
            + " <-> ".join(
                _lexeme(word, node.prefix and i == last) for i, word in enumerate(node.words)
            )
            + ")"
        )
    if isinstance(node, AnyOf):
        return "(" + " | ".join(compile_node(option) for option in node.options) + ")"
    raise TypeError(node)


def tsquery_sql(text, *, once=False):
    """SQL for the tsquery ``text`` in every configuration, OR-ed.

    In a WHERE clause it stays a plain expression: PostgreSQL folds it while
    planning, to estimate how many rows match and choose the GIN index, and
    computes it once for the index scan.  Elsewhere (``once``: ranking, the
    headlines) it is a scalar subquery, computed once per statement rather than
    once per row."""
    parts = " || ".join(f"to_tsquery('{name}', %s)" for name in ALL_CONFIGURATIONS)
    sql = f"(SELECT {parts})" if once else f"({parts})"
    return sql, [text] * len(ALL_CONFIGURATIONS)


def _query_text(nodes):
    return " & ".join(compile_node(node) for node in nodes)


class ArticleSQL(Expression):
    """A piece of SQL on the article table's own columns (such as
    ``search_vector``, which is not a model field), written with ``{table}``
    for the table's alias so that it stays right inside subqueries."""

    def __init__(self, template, params, output_field, alias=None):
        super().__init__(output_field=output_field)
        self.template, self.params, self.alias = template, list(params), alias

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.alias)
        return self.template.replace("{table}", table), self.params


class PostgresSearchBackend:
    vendor = "postgresql"

    @contextmanager
    def counting_every_match(self, parsed):
        """Plans for a statement that reads every match (the month counts).
        When most articles match, PostgreSQL prefers testing each article's
        tsvector in a sequential scan to the GIN index, not counting that each
        test first fetches the tsvector from TOAST: "forces" (572,166 of
        1,000,000 articles) counted by month in 4.2 s that way, 0.4 s through
        the index, which needs no such test as long as the bitmap of matches
        stays exact: with the default 4 MB of work_mem a third of its pages
        went lossy, to be tested row by row (1.1 s)."""
        if not parsed.positive_nodes():
            yield  # nothing for the index to find
            return
        # The settings are local to a transaction (one of their own, unless
        # one is open) and put back at once: statements after this one plan
        # as usual.
        in_transaction = nullcontext() if connection.in_atomic_block else transaction.atomic()
        with in_transaction, connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), "
                "set_config('enable_indexscan', 'off', true), set_config('work_mem', '64MB', true)"
            )
            try:
                yield
            finally:
                cursor.execute(
                    "SELECT set_config(name, reset_val, true) FROM pg_settings "
                    "WHERE name IN ('enable_seqscan', 'enable_indexscan', 'work_mem')"
                )

    def analyze(self):
        """Gather the planner's statistics after a bulk write, rather than wait
        for autovacuum to notice: the first searches after a big import plan
        with them."""
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE articles_article, articles_actormention, articles_locationmention"
            )

    def _condition(self, template, params):
        return ArticleSQL(template, params, BooleanField())

    def filter(self, queryset, parsed):
        positive = parsed.positive_nodes()
        negative = parsed.negative_node()
        if positive:
            text = _query_text(positive)
            if negative is not None:
                text = f"({text}) & !({compile_node(negative)})"
            sql, params = tsquery_sql(text)
            return queryset.filter(self._condition("{table}.search_vector @@ " + sql, params))
        if negative is not None:
            sql, params = tsquery_sql(compile_node(negative))
            return queryset.exclude(self._condition("{table}.search_vector @@ " + sql, params))
        return queryset

    def rank_order(self, parsed):
        sql, params = tsquery_sql(_query_text(parsed.positive_nodes()), once=True)
        rank = ArticleSQL(
            f"ts_rank('{RANK_WEIGHTS}', {{table}}.search_vector, {sql}, {RANK_NORMALIZATION})",
            params,
            FloatField(),
        )
        return [rank.desc()]

    def snippets(self, article_ids, parsed):
        """``{id: (marked headline, marked lede, marked body fragments)}`` for the
        articles on a page, in one query: ts_headline runs on these rows only."""
        node = parsed.any_positive_node()
        if node is None or not article_ids:
            return {}
        sql, params = tsquery_sql(compile_node(node), once=True)
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}"
        headline = "ts_headline(articles_search_config(language), articles_search_text({}), q, %s)"
        statement = (
            f"SELECT id, {headline.format('title')}, {headline.format('lede')}, "
            f"{headline.format('body')}, left(body, {EDGE}), right(body, {EDGE}) "
            f"FROM articles_article, {sql} AS search(q) WHERE id = ANY(%s)"
        )
        options = [
            f"HighlightAll=true, {marks}",
            f"MaxWords=40, MinWords=20, {marks}",
            "MaxFragments=2, MaxWords=20, MinWords=8, ShortWord=0, "
            f'FragmentDelimiter=" … ", {marks}',
        ]
        with connection.cursor() as cursor:
            cursor.execute(statement, [*options, *params, list(article_ids)])
            rows = cursor.fetchall()
        snippets = {}
        for pk, title, lede, body, body_start, body_end in rows:
            title, lede, body = _restore([title, lede, body])
            snippets[pk] = (title, lede, _with_ellipses(body, body_start, body_end))
        return snippets

    def highlight(self, article, parsed):
        """The article's headline, lede and body with every match of the query's
        positive terms marked, or None when none of them occurs."""
        node = parsed.any_positive_node()
        if node is None:
            return None
        sql, params = tsquery_sql(compile_node(node), once=True)
        headline = "ts_headline(articles_search_config(language), articles_search_text({}), q, %s)"
        statement = (
            f"SELECT {headline.format('title')}, {headline.format('lede')}, "
            f"{headline.format('body')} FROM articles_article, {sql} AS search(q) "
            "WHERE id = %s AND search_vector @@ q"
        )
        options = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
        with connection.cursor() as cursor:
            cursor.execute(statement, [options] * 3 + [*params, article.pk])
            row = cursor.fetchone()
        return _restore(row) if row else None


EDGE = 60  # characters of the body's start and end, to tell whether a fragment is cut


def _with_ellipses(fragment, body_start, body_end):
    """``… fragment …``, each ellipsis only where the fragment cuts the body."""
    plain = " ".join(strip_marks(fragment).split())
    starts = " ".join(body_start.split())[:20]
    ends = " ".join(body_end.split())[-20:]
    lead = "" if plain.startswith(starts) else "… "
    tail = "" if plain.endswith(ends) else " …"
    return lead + fragment + tail


MARKED_WORD = re.compile(f"{MARK_START}([^{MARK_END}]*){MARK_END}")


def _restore(texts):
    """Headlines back to the original punctuation.  ts_headline marks each word
    of a phrase wherever it occurs; stopwords ("the", "of") are unmarked, or a
    phrase search would light up half the text."""
    return tuple(
        MARKED_WORD.sub(_unmark_stopword, text.translate(RESTORE_PUNCTUATION)) for text in texts
    )


def _unmark_stopword(match):
    word = match.group(1)
    return word if len(word) > 1 and word.lower() in STOPWORDS else match.group(0)
