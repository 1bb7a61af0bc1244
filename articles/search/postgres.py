"""Search on PostgreSQL: a weighted tsvector column with a RUM index where the
server has the ``rum`` extension, a GIN index otherwise (migration 0019).

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
found too: no configuration changes a word of a script it does not stem.  An
excluded word leaves out the articles that any configuration's form of it
matches.

PostgreSQL's parser reads "S-300" as the word "s" and the number "-300", and
"isw.org" as one host name.  The text is therefore indexed after
``articles_search_text()`` maps such punctuation to control characters, which
the parser takes for spaces, one for one so that a headline can be turned back
into the original text.  Both engines then split words the same way.
"""

import datetime
import itertools
import math
import re
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from functools import cache, lru_cache, reduce
from operator import or_

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import DatabaseError, transaction
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, F, FloatField, Func, Q, TextField
from django.db.models.functions import Left, Right

from ..models import Article, IdList
from ..statements import read_models
from .base import (
    NEWEST,
    BulkWrite,
    OnArticleTable,
    QueryCompiler,
    SearchEngine,
    SearchIndex,
    SearchSchema,
    insertable_fields,
    scaled_for_length,
)
from .highlight import MARK_END, MARK_START, has_mark, strip_marks
from .name_ranks import mentions_sql, named_groups, naming_groups, score_sql, unnamed_nodes
from .query import STOPWORDS, AnyOf, Phrase, Word, any_of, leaves_of, node_for
from .rescore import inflections

CONFIGURATIONS = {"en": "articles_english", "ru": "articles_russian"}
FALLBACK_CONFIGURATION = "articles_simple"
ALL_CONFIGURATIONS = (*CONFIGURATIONS.values(), FALLBACK_CONFIGURATION)

# Punctuation the parser would glue words with, and what it becomes while indexed.
GLUE_PUNCTUATION = "-./@:_+&<>~\\’‘“”«»–—\u00a0"
PLACEHOLDERS = "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 25)]))
assert len(GLUE_PUNCTUATION) == len(PLACEHOLDERS)
RESTORE_PUNCTUATION = str.maketrans(PLACEHOLDERS, GLUE_PUNCTUATION)

# Ranking is ts_rank_cd (cover density: every mention counts, and words of the
# query close together count more), with weights for D, C (body), B (lede)
# and A (headline), divided by 1 + log(length) (normalisation 1) so that a long
# article does not win by length alone.  ts_rank counts a word's mentions
# after the first for almost nothing (the n-th weighs 1/n²), so a headline
# naming the query outweighed any analysis of it.  nDCG@10 of
# fixtures/judgements/generated.yaml (manage.py evaluate_search): ts_rank with
# headline 1.0, 0.811; ts_rank_cd with headline 1.0, 0.863; 0.6, 0.896; 0.4,
# 0.920; 0.2, 0.935; normalisation 2 (length) or 8 (unique words) 0.83 to 0.86.
# The headline keeps twice a body's weight: the generated corpus does not
# model headlines that name what an article is about, and on the seed
# corpus's set (fixtures/judgements/bundled.yaml) a headline of 0.4 gave
# 0.993, of 0.6 or 1.0 0.998, of 0.2 0.985.
RANK_WEIGHTS = [0.05, 0.2, 0.3, 0.4]
RANK_NORMALIZATION = 1


def _sql_literal(text):
    return "'" + text.replace("'", "''") + "'"


def _search_config_function():
    cases = "\n".join(
        f"WHEN {_sql_literal(language)} THEN {_sql_literal(name)}"
        for language, name in CONFIGURATIONS.items()
    )
    return f"""CREATE FUNCTION articles_search_config(language text) RETURNS regconfig
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT (CASE language {cases}
                          ELSE {_sql_literal(FALLBACK_CONFIGURATION)} END)::regconfig $$"""


def _search_text_function():
    """``articles_search_text(text)``: the text with each glue punctuation mark
    replaced by its placeholder.  One ``replace()`` a mark rather than one
    ``translate()``: PostgreSQL's translate compares every character of a
    UTF-8 text with every mark, and took a quarter of an article's insert
    (4.9 s for the bodies of 20,000 synthetic articles; these replaces, 0.9 s)."""
    expression = "coalesce($1, '')"
    for mark, placeholder in zip(GLUE_PUNCTUATION, PLACEHOLDERS, strict=True):
        expression = f"replace({expression}, {_sql_literal(mark)}, chr({ord(placeholder)}))"
    return f"""CREATE OR REPLACE FUNCTION articles_search_text(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT {expression} $$"""


def _any_tsquery_function():
    """``articles_any_tsquery(text)``: the tsquery ``text`` in every
    configuration, each distinct one once, OR-ed.  The configurations mostly
    agree (English and Russian stem a Latin word alike, English and simple
    leave a Cyrillic one alone), and every repeated lexeme cost its search
    again and doubled the planner's estimate of its matches: "forces" at
    100,000 synthetic articles, its capped count 130 -> 29 ms (a sequential
    scan became a bitmap scan of the index), ranking 3,000 articles by "air
    defence" 117 -> 47 ms.  Immutable: PostgreSQL computes it once while
    planning."""
    queries = ", ".join(
        f"to_tsquery({_sql_literal(name)}, $1)::text" for name in ALL_CONFIGURATIONS
    )
    return f"""CREATE OR REPLACE FUNCTION articles_any_tsquery(text) RETURNS tsquery
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$
        DECLARE
            distinct_queries text;
        BEGIN
            SELECT string_agg(DISTINCT '(' || q || ')', ' | ') INTO distinct_queries
                FROM unnest(ARRAY[{queries}]) AS q WHERE q <> '';
            -- The empty query only when it is one: parsing it raises a notice.
            RETURN coalesce(distinct_queries, '')::tsquery;
        END $$"""


SEARCH_CONFIG_FUNCTION = _search_config_function()
SEARCH_TEXT_FUNCTION = _search_text_function()
ANY_TSQUERY_FUNCTION = _any_tsquery_function()


# An article's search vector.  The first million characters of a body are
# indexed: a tsvector cannot exceed 1 MB.  A word's positions stop counting at
# 16,383 (every later word stands at 16,383), where no phrase would match:
# a 30,000-word transcript's body is therefore indexed in pieces (see
# LONG_SEARCH_VECTOR_FUNCTION).  A text shorter than 16,383 characters cannot
# reach that position and takes the short way.
SEARCH_VECTOR_FUNCTION = """CREATE OR REPLACE FUNCTION
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
                                         left(body, 1000000)) END $$"""
# ``articles_search_pieces(text, size)``: the text in pieces of at most
# ``size`` characters, each ending after a space where it has one; together
# they are the text.
SEARCH_PIECES_FUNCTION = r"""CREATE OR REPLACE FUNCTION
    articles_search_pieces(body text, size integer) RETURNS SETOF text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
    DECLARE
        rest text := coalesce(body, '');
        piece text;
    BEGIN
        WHILE length(rest) > size LOOP
            piece := coalesce(substring(left(rest, size) FROM '^.*\s'), left(rest, size));
            RETURN NEXT piece;
            rest := substr(rest, length(piece) + 1);
        END LOOP;
        RETURN NEXT rest;
    END $$"""
# Whether some word of a vector stands at its last position, 16,383.
VECTOR_CAPPED_FUNCTION = """CREATE OR REPLACE FUNCTION
    articles_vector_capped(vector tsvector) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT EXISTS (SELECT FROM unnest(vector) AS u
                         WHERE u.positions[cardinality(u.positions)] = 16383) $$"""
# The vector of a long article: the vector of the whole when no word reached
# position 16,383 (the short way's vector, byte for byte); else the fewest
# equal pieces of the body that each stay below it (a piece ends at the last
# space before its share of the text and a thousand characters more, lest a
# few characters make a piece of their own), each piece's vector beside the
# headline and lede, merged through their text forms (tsvector input merges
# a word's positions), so that each piece keeps the positions it would have
# alone and a phrase inside one matches.  The cost, measured on the two
# 30,000-word transcripts of the dev corpus (two pieces each): of pairs of
# content words that never stand together, drawn by frequency, 2.2% and 2.6%
# match as a phrase where the pieces share positions (0.1% and 0.2% of pairs
# of distinct words); a phrase across the border is lost; a word still keeps
# at most 256 positions, now the first of each piece.  Before, 9% and 10% of
# the content-word pairs of the texts' last third matched as phrases; after,
# all of them.
LONG_SEARCH_VECTOR_FUNCTION = """CREATE OR REPLACE FUNCTION
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
    END $$"""
# ``articles_search_passage(config, body, query)``: the part of a body to take
# a snippet from.  ts_headline, like the vector, counts positions no further
# than 16,383 and finds no phrase after them; a body past PASSAGE_LENGTH
# characters (about 10,000 words) gives the first piece of that length
# that matches the query, or the whole body when none does.
PASSAGE_LENGTH = 60000
SEARCH_PASSAGE_FUNCTION = f"""CREATE OR REPLACE FUNCTION
    articles_search_passage(config regconfig, body text, query tsquery) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN length(body) <= {PASSAGE_LENGTH} THEN body ELSE coalesce(
        (SELECT p.piece FROM articles_search_pieces(body, {PASSAGE_LENGTH})
                             WITH ORDINALITY AS p(piece, n)
         WHERE to_tsvector(config, articles_search_text(p.piece)) @@ query
         ORDER BY p.n LIMIT 1),
        body) END $$"""
# The trigger computes the vector of every article written, except of a new
# one that arrives with its vector: an import's preparing workers compute
# those beforehand (see PostgresIndex.search_vectors).
SEARCH_VECTOR_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION
    articles_article_search_vector_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' OR NEW.search_vector IS NULL THEN
            NEW.search_vector :=
                articles_search_vector(NEW.language, NEW.title, NEW.lede, NEW.body);
        END IF;
        RETURN NEW;
    END $$"""


# LZ4 rather than PostgreSQL's default pglz for the long values of an article:
# pglz spent 15% of an article's insert trying to compress its search vector
# and mostly giving up (a vector's positions do not repeat); LZ4 compresses
# five vectors in six to three quarters, and reads them back faster for every
# search that tests a match row by row.  Only where the server was built with
# it; migration 0008 sets it.
LZ4_AVAILABLE = (
    "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
)
LZ4_COLUMNS = ("body", "search_vector")


# What the planner is told a test of ``tsvector @@ tsquery`` costs, in units of
# cpu_operator_cost (PostgreSQL's own figure is 1).  Outside an exact GIN
# bitmap, each test first fetches the article's vector from TOAST, which the
# planner does not price: it read a common word's matches by a sequential
# scan, testing every row.  At 100,000 synthetic articles, "counteroffensive"
# (30,382 matches): its capped count 177 -> 10 ms, each facet 215 -> 50 ms,
# the page 1,660 -> 580 ms; "Kiev" with its aliases 3,934 -> 266 ms.  Migration
# 0009 sets it where its role is a superuser.
MATCH_COST = 100


SEARCH_VECTOR_TRIGGER = """CREATE TRIGGER articles_article_search_vector
            BEFORE INSERT OR UPDATE OF title, lede, body, language ON articles_article
            FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_update()"""
SEARCH_VECTOR_INDEX = (
    "CREATE INDEX articles_article_search_vector ON articles_article USING gin (search_vector)"
)
# RUM (the ``rum`` extension) keeps each word's positions in the index: a
# phrase is answered there, where GIN, which keeps none, has every article
# holding the phrase's words read back from TOAST and tested.  Migration 0019
# builds it instead of GIN where the server offers the extension (see
# ``ARCHIVE_SEARCH_INDEX``); the index keeps its name, and ``@@`` is answered by
# either.
RUM_SEARCH_VECTOR_INDEX = (
    "CREATE INDEX articles_article_search_vector ON articles_article "
    "USING rum (search_vector rum_tsvector_ops)"
)
SEARCH_INDEX_METHOD = (
    "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
    "WHERE c.oid = to_regclass('articles_article_search_vector')"
)
RUM_INSTALLED = "SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'rum')"


# Newest first is the order of browsing and of "sort: newest".  PostgreSQL cannot
# read published DESC NULLS LAST off the (status, published) index, so it would
# sort every published article for each page; with this index a page is the
# first rows of an index scan (440 ms -> 8 ms for the browse page at 200,000
# articles).  SQLite sorts NULLs last in DESC order and uses that index already.
CREATE_NEWEST_INDEX = """CREATE INDEX articles_article_newest ON articles_article
    (published DESC NULLS LAST, created DESC, id DESC) WHERE status = 'published'"""

# The functions, trigger and indexes of the search, by kind and name.  The
# migrations create them (0002, 0005, 0008, 0025) from their own copies of these
# statements: changing one here needs a new migration, or
# tests/test_migrations_from_zero.py fails.
SEARCH_INDEX = ("index", "articles_article_search_vector")
SCHEMA_OBJECTS = {
    ("function", "articles_search_config"): SEARCH_CONFIG_FUNCTION,
    ("function", "articles_search_text"): SEARCH_TEXT_FUNCTION,
    ("function", "articles_search_pieces"): SEARCH_PIECES_FUNCTION,
    ("function", "articles_vector_capped"): VECTOR_CAPPED_FUNCTION,
    ("function", "articles_long_search_vector"): LONG_SEARCH_VECTOR_FUNCTION,
    ("function", "articles_search_vector"): SEARCH_VECTOR_FUNCTION,
    ("function", "articles_search_passage"): SEARCH_PASSAGE_FUNCTION,
    ("function", "articles_any_tsquery"): ANY_TSQUERY_FUNCTION,
    ("function", "articles_article_search_vector_update"): SEARCH_VECTOR_TRIGGER_FUNCTION,
    ("trigger", "articles_article_search_vector"): SEARCH_VECTOR_TRIGGER,
    SEARCH_INDEX: SEARCH_VECTOR_INDEX,
    ("index", "articles_article_newest"): CREATE_NEWEST_INDEX,
}


def expected_search_index(cursor):
    """The statement of the search index this database should have: RUM
    where the ``rum`` extension is in it and ``ARCHIVE_SEARCH_INDEX`` allows
    it (migration 0019's choice), GIN elsewhere."""
    cursor.execute(RUM_INSTALLED)
    rum = cursor.fetchone()[0] and settings.ARCHIVE_SEARCH_INDEX == "rum"
    return RUM_SEARCH_VECTOR_INDEX if rum else SEARCH_VECTOR_INDEX


_INDEX_METHOD = "_articles_search_index_method"
_RUM_MIGRATION = "0019_rum_search_index"


def search_index_method(connection):
    """``"rum"`` or ``"gin"``: the access method of the search index, read
    once a connection to the database (``forget_search_index_method`` when a
    migration may have changed it)."""
    method = getattr(connection, _INDEX_METHOD, None)
    if method is None:
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_INDEX_METHOD)
            row = cursor.fetchone()
        method = row[0] if row else "gin"
        setattr(connection, _INDEX_METHOD, method)
    return method


def forget_search_index_method(connection, **kwargs):
    """Read the index's method again at the next search on ``connection``."""
    with suppress(AttributeError):  # not read yet
        delattr(connection, _INDEX_METHOD)


connection_created.connect(forget_search_index_method)


def _lexeme(word, prefix=False, weight=""):
    escaped = word.replace("\\", "\\\\").replace("'", "\\'")
    labels = ("*" if prefix else "") + weight
    return f"'{escaped}'" + (f":{labels}" if labels else "")


def compile_node(node, *, skip_stopwords=False, weight=""):
    """``to_tsquery`` syntax for a node; every word is a quoted lexeme, of
    the vector's parts labelled ``weight`` only when given ("A": the headline).

    ``skip_stopwords``: a phrase leaves out its stopwords, keeping the
    distances between the other words ("city of kyiv": 'city' <2> 'kyiv'),
    which every article holding the phrase matches, and a few more.  RUM
    answers a phrase from the positions of all its words, and the positions
    of "of" fill most of the index: "city of kyiv" took 259 ms in the index
    at 100,000 synthetic articles, "city" <-> "kyiv" 37 ms."""
    if isinstance(node, Word):
        return _lexeme(node.text, node.prefix, weight)
    if isinstance(node, Phrase):
        last = len(node.words) - 1
        kept = [
            (i, _lexeme(word, node.prefix and i == last, weight))
            for i, word in enumerate(node.words)
            if not (skip_stopwords and _skippable(node, i))
        ]
        if not kept:
            return compile_node(node, weight=weight)
        text, before = kept[0][1], kept[0][0]
        for i, lexeme in kept[1:]:
            text += f" <{i - before}> {lexeme}"
            before = i
        return f"({text})"
    if isinstance(node, AnyOf):
        return (
            "("
            + " | ".join(
                compile_node(option, skip_stopwords=skip_stopwords, weight=weight)
                for option in node.options
            )
            + ")"
        )
    raise TypeError(node)


def _unabsorbed(node):
    """``node`` without the options that are phrases matching only where
    another option, a word of theirs, matches already ("Kiev" | "Kiev city"):
    the same articles, and no positions for RUM to read for them."""
    if not isinstance(node, AnyOf):
        return node
    words = {
        option.text for option in node.options if isinstance(option, Word) and not option.prefix
    }
    return any_of(
        option
        for option in node.options
        if not (
            isinstance(option, Phrase)
            and any(
                word in words
                for i, word in enumerate(option.words)
                if not (option.prefix and i == len(option.words) - 1)
            )
        )
    )


def _distinct_groups(nodes):
    """``nodes`` (AND-ed) without the repeats of a group, whatever the order of
    its options: "United Kingdom of Great Britain and Northern Ireland" names
    the United Kingdom twice ("United Kingdom", "Great Britain"), and each
    copy of its 15 spellings was searched and ranked again."""
    distinct = {}
    for node in nodes:
        options = frozenset(node.options) if isinstance(node, AnyOf) else frozenset([node])
        distinct.setdefault(options, node)
    return list(distinct.values())


def _flattened(node):
    """``node`` with the options of its nested ORs as its own, each once."""
    return any_of(leaves_of(node))


# The most tsqueries a search asks the RUM index for (see _phrase_parts).
MAX_PHRASE_PARTS = 8


def _phrase_parts(nodes):
    """The AND of ``nodes`` as an OR of ANDs in which each group is either
    its spellings that are words or one of its phrases: the same articles.
    RUM reads the positions of every word of a tsquery that holds a phrase,
    for every article holding any of them: at 100,000 synthetic articles,
    the 10 spellings of the United Kingdom (2 of them phrases) and "northern
    ireland" took 497 ms in one tsquery, 68 ms as three.  Left as one when
    the ORs would be more than ``MAX_PHRASE_PARTS``."""
    choices = [_group_parts(node) for node in nodes]
    if math.prod(len(parts) for parts in choices) > MAX_PHRASE_PARTS:
        return [nodes]
    return [list(parts) for parts in itertools.product(*choices)]


def _group_parts(node):
    """A group's words (one OR), then each of its phrases."""
    options = leaves_of(node)
    phrases = [option for option in options if isinstance(option, Phrase)]
    if not phrases or len(options) == 1:
        return [node]
    words = [option for option in options if not isinstance(option, Phrase)]
    return ([any_of(words)] if words else []) + phrases


def _skippable(phrase, i):
    """True when word ``i`` of ``phrase`` is a stopword that the phrase can
    leave out: every word is one plain token, so that the distances count
    positions, and the last one is not a prefix."""
    words = phrase.words
    return (
        words[i] in STOPWORDS
        and not (phrase.prefix and i == len(words) - 1)
        and all(re.fullmatch(r"\w+", word) for word in words)
    )


def _tsquery(text, *, excluding=None):
    """The tsquery ``text`` in every configuration (``articles_any_tsquery``).

    ``excluding``: a tsquery that no configuration may match, so that an
    article is left out when searching for the excluded words alone would
    find it.  Negated inside each configuration's query, it let through
    every article whose indexed form of the word another configuration
    spells differently: an English article's "Syrsky" ('syrski') in the
    simple configuration ('syrsky'), a Ukrainian article's "Сирський" in the
    Russian one ('сирськ'): 322 articles of "Budanov -Syrskyi" at 100,000
    synthetic articles."""
    query = AnyConfigurationQuery(text)
    if excluding is None:
        return query
    return query & ~AnyConfigurationQuery(excluding)


class AnyConfigurationQuery(SearchQuery):
    """The raw tsquery ``text`` in every configuration, each distinct one
    once (``articles_any_tsquery``)."""

    def __init__(self, text):
        super().__init__(text, search_type="raw")
        self.function = "articles_any_tsquery"


# The query's text in the statement of ``best_of_window``, until it is put in.
_RANKING_MARK = "ranking-text-mark"


def _ranking_text(parsed):
    """The tsquery text that ``rank_order`` ranks by."""
    return _query_text(_distinct_groups(parsed.ranking_nodes()))


def _rank(text):
    rank = SearchRank(
        _search_vector(),
        _tsquery(text),
        weights=RANK_WEIGHTS,
        normalization=RANK_NORMALIZATION,
        cover_density=True,
    )
    return scaled_for_length(rank)


def _rank_order(text):
    return [_rank(text).desc()]


def _own_tsquery(text):
    """The tsquery ``text`` in each article's own configuration."""
    return SearchQuery(text, config=_own_configuration(), search_type="raw")


def _own_configuration():
    return Func(F("language"), function="articles_search_config", output_field=TextField())


class _Headline(SearchHeadline):
    """``SearchHeadline`` with its options written once a process: Django
    quotes each option through the driver every time (14 quotings a page of
    snippets)."""

    written = {}  # options -> their SQL text, the same on every connection

    def as_sql(self, compiler, connection, function=None, template=None):
        key = tuple(self.options.items())
        if key not in self.written:
            self.written[key] = ", ".join(
                connection.ops.compose_sql(f"{name}=%s", [value]) for name, value in key
            )
        sql, params = Func.as_sql(
            self, compiler, connection, function=function, template=template, options=", %s"
        )
        return sql, [*params, self.written[key]]


# The query's text in the statement of ``_snippets_statement``, until it is put in.
_QUERY_MARK = "query-text-mark"


@lru_cache(maxsize=32)
def _snippets_statement(articles):
    """``(SQL, parameters)`` of the snippets of ``articles`` articles (see
    ``snippets``), the query's text ``_QUERY_MARK`` and the ids last: built
    and compiled by the ORM once, not 1 ms of each search page's Python."""
    query = _own_tsquery(_QUERY_MARK)
    rows = Article.objects.filter(pk__in=range(articles)).values_list(
        "pk",
        _headline("title", query, highlight_all=True),
        _headline("lede", query, max_words=40, min_words=20),
        _headline(
            Func(_own_configuration(), F("body"), query, function="articles_search_passage"),
            query,
            max_fragments=2,
            max_words=20,
            min_words=8,
            short_word=0,
            fragment_delimiter=" … ",
        ),
        Left("body", EDGE),
        Right("body", EDGE),
    )
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _headline(column, query, **options):
    """The ``column`` (a name, or an expression of the text) of each article
    with the matches of ``query`` marked, in the article's configuration, on
    the text as indexed (see ``_restore``)."""
    text = F(column) if isinstance(column, str) else column
    indexed = Func(text, function="articles_search_text", output_field=TextField())
    return _Headline(
        indexed,
        query,
        config=_own_configuration(),
        start_sel=MARK_START,
        stop_sel=MARK_END,
        **options,
    )


def _search_vector():
    """The article's ``search_vector`` column, which is not a model field."""
    return ArticleSQL("{table}.search_vector", [], SearchVectorField())


def _matches(query):
    """The condition ``search_vector @@ query``."""
    return SearchVectorExact(_search_vector(), query)


def _query_text(nodes, *, skip_stopwords=False):
    return " & ".join(compile_node(node, skip_stopwords=skip_stopwords) for node in nodes)


class ArticleSQL(OnArticleTable):
    """A piece of SQL on the article table's own columns (such as
    ``search_vector``, which is not a model field), written with ``{table}``
    for the table's alias so that it stays right inside subqueries."""

    def __init__(self, template, params, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params = template, list(params)

    def as_sql(self, compiler, connection):
        table = self.table(compiler)
        return self.template.replace("{table}", table), self.params


class PostgresQueryCompiler(QueryCompiler):
    ranks_nearness = True  # ts_rank_cd: cover density

    def counting_matches(self, parsed):
        """Plans for a statement that counts matches (the capped count, the
        month counts): through the GIN index.  When most articles match,
        PostgreSQL prefers testing each article's tsvector in a sequential
        scan to the GIN index, not counting that each test first fetches the
        tsvector from TOAST: "forces" (572,166 of 1,000,000 articles) counted
        by month in 4.2 s that way, 0.4 s through the index, which needs no
        such test as long as the bitmap of matches stays exact: with the
        default 4 MB of work_mem a third of its pages went lossy, to be tested
        row by row (1.1 s).  The count of the first 10,001 matches of "forces"
        at 100,000 articles: 109 ms walking the newest-first index, 8 ms by
        bitmap."""
        return self.planned(BITMAP_PLAN if parsed.positive_nodes() else None)

    def reading_plan(self, matches, candidates, parsed, limit, *, newest=True):
        """The plan for reading the newest ``limit`` of ``matches`` (the search
        page's rows; the oldest, unless ``newest``), ``candidates`` being the
        articles under the same filters that the query's match is tested on:
        a :class:`ReadingPlan`, or None for the planner's own.

        There are two ways, and the planner prices them both wrong, for it
        does not know that testing a match outside the GIN index first reads
        the tsvector from TOAST (about 10 us an article), nor that an exact
        GIN bitmap needs no test: walking the newest-first index and testing
        each article until ``limit`` match costs ``limit / density`` tests;
        the bitmap of every match costs a cheap heap read a match.  At
        100,000 synthetic articles, 2,001 rows of "forces" (57% of the
        articles) took 29 ms walking and 67 ms by bitmap; of a medium word
        (7%) 385 ms walking and 37 ms by bitmap; of the phrase "air defence",
        which every candidate holding both words must be tested for, 1,147 ms
        walking and 298 ms by bitmap.  So: a phrase always by bitmap, else a
        walk when the planner's estimate of the matches, squared, passes
        ``WALK_FACTOR`` times ``limit`` times the candidates (the walk's
        tests against the bitmap's reads).

        A bitmap read newest first tries the recent articles first (see
        :class:`ReadingPlan`), except on RUM when a group is only phrases:
        the planner counts a phrase's matches as its words' (54,265 for "air
        defence", 320 found), so the recent articles held too few and the
        index was read twice, and RUM's own reading of the phrase, not the
        rows, is the cost.  At 100,000 synthetic articles, the rows of "air
        defence" 129 -> 65 ms, of "armed forces" 63 -> 31 ms, of "front line"
        57 -> 29 ms."""
        positive = parsed.positive_nodes()
        if not positive:
            return None  # no match to test: the planner's plan is right
        if not newest:
            return ReadingPlan(BITMAP_PLAN)  # no index walks oldest first (NULLs last)
        estimates = _Estimates(self.connection)
        estimated = estimates.rows(matches)
        phrase = any(_has_phrase(node) for node in positive)
        if not phrase and estimated**2 >= WALK_FACTOR * limit * estimates.rows(candidates):
            return ReadingPlan(WALK_PLAN)
        if search_index_method(self.connection) == "rum" and any(
            _phrases_only(_unabsorbed(node)) for node in positive
        ):
            return ReadingPlan(BITMAP_PLAN)
        return ReadingPlan(BITMAP_PLAN, since=_recent_enough(estimates, estimated, limit))

    def planned(self, settings):
        return _local_settings(self.connection, settings) if settings else nullcontext()

    def filter(self, queryset, parsed):
        """On RUM, names lose the spellings that are phrases holding another
        spelling (``_unabsorbed``), the index is asked for the phrases without
        their stopwords (see ``compile_node``), and each article it finds is
        tested for the whole query by ``ts_match_vq``, which PostgreSQL does
        not answer from an index.  At 100,000 synthetic articles, under load,
        "Kiev" (19 spellings) took 1.2 s a page on GIN, 9.5 s on RUM as
        written and 3.4 s without the stopwords.  The index is asked apart
        for each phrase of a group beside its other spellings (see
        ``_phrase_parts``)."""
        positive = _distinct_groups(parsed.positive_nodes())
        negative = parsed.negative_node()
        if positive:
            if search_index_method(self.connection) == "rum":
                positive = _distinct_groups(_unabsorbed(node) for node in positive)
                negative = negative and _unabsorbed(negative)
                parts = _phrase_parts(positive)
            else:
                parts = [positive]
            text = _query_text(positive)
            indexed = [_query_text(part, skip_stopwords=True) for part in parts]
            exact = [_query_text(part) for part in parts]
            excluding = None if negative is None else compile_node(negative)
            matched = queryset.filter(
                reduce(or_, (Q(_matches(_tsquery(part, excluding=excluding))) for part in indexed))
            )
            if indexed != exact:
                matched = matched.filter(
                    Func(
                        _search_vector(),
                        _tsquery(text, excluding=excluding),
                        function="ts_match_vq",
                        output_field=BooleanField(),
                    )
                )
            return matched
        if negative is not None:
            return queryset.exclude(_matches(_tsquery(compile_node(negative))))
        return queryset

    def rank_order(self, parsed):
        """ts_rank_cd; with groups that name actors or places, those ranked
        apart (see ``name_ranks``), the rest by ts_rank_cd, which their score
        multiplies: ts_rank_cd grew with a transcript's length (the best of
        "Putin" on the development corpus were the Kremlin's transcripts of
        8,000 to 30,000 words), where BM25's saturation does not."""
        groups = named_groups(parsed, self.connection.alias)
        if not groups:
            return _rank_order(_ranking_text(parsed))
        positive, names, params = parsed.ranking_nodes(), [], []
        for group in groups:
            headline = compile_node(_unabsorbed(positive[group.index]), weight="A")
            headlined = "{table}.search_vector @@ articles_any_tsquery(%s)"
            mentions = mentions_sql(group, "{table}.id")
            names.append(score_sql(group, mentions, headlined, "{table}.word_count", "greatest"))
            params.append(headline)
        rank = ArticleSQL(" + ".join(names), params, FloatField())
        words = unnamed_nodes(parsed, groups)
        if words:
            rank = _rank(_query_text(_distinct_groups(words))) * (1 + rank)
        else:
            rank = scaled_for_length(rank)
        return [rank.desc()]

    def best_of_window(self, window_ids, parsed, limit):
        """By a statement compiled once, the query's text and the window's ids
        put in (``statements.read_models``): building and compiling it took
        0.6 ms of a search page's Python (CPU time through the test client,
        20,000 synthetic articles).  None for a query naming actors or places,
        ranked apart (see ``rank_order``)."""
        if naming_groups(parsed):
            return None
        ids_mark = IdList([-1]).sql_for(self.connection)[1][0]
        rows = read_models(
            ("best of window", limit),
            Article,
            lambda: (
                Article.objects.filter(pk__in=IdList([-1]))
                .order_by(*_rank_order(_RANKING_MARK), *NEWEST)
                .values_list("pk")[:limit]
            ),
            [_RANKING_MARK, ids_mark],
            [_ranking_text(parsed), window_ids.sql_for(self.connection)[1][0]],
        )
        return [pk for (pk,) in rows]

    def snippets(self, article_ids, parsed):
        """``{id: (marked headline, marked lede, marked body fragments)}`` for the
        articles on a page, in one query: ts_headline runs on these rows only,
        each with the query in the article's own configuration (the three
        configurations' OR took 101 ms for the twenty bodies of a page of
        "Kiev" and its 18 other spellings, the article's own 12 ms)."""
        node = parsed.any_positive_node()
        if node is None or not article_ids:
            return {}
        words_first = _marking_query_text(node, parsed, spellings_as_words=True)
        snippets = self._snippets(article_ids, node, words_first)
        unmarked = [pk for pk, (_, lede, body) in snippets.items() if not has_mark(lede + body)]
        if unmarked:
            whole = _marking_query_text(node, parsed)
            if whole != words_first:
                snippets.update(self._snippets(unmarked, node, whole))
        return snippets

    def _snippets(self, article_ids, node, text):
        sql, params = _snippets_statement(len(article_ids))
        params = [text if param == _QUERY_MARK else param for param in params]
        with self.connection.cursor() as cursor:
            # The ids are the statement's last parameters (its WHERE).
            cursor.execute(sql, [*params[: -len(article_ids)], *article_ids])
            rows = cursor.fetchall()
        snippets, alone = {}, _PhraseWords(node)
        for pk, title, lede, body, body_start, body_end in rows:
            title, lede, body = _restore([title, lede, body], alone)
            snippets[pk] = (title, lede, _with_ellipses(body, body_start, body_end))
        return snippets

    def highlight(self, article, parsed):
        """The article's headline, lede and body with every match of the query's
        positive terms marked, or None when none of them occurs."""
        node = parsed.any_positive_node()
        if node is None:
            return None
        query = _own_tsquery(_marking_query_text(node, parsed))
        rows = (
            Article.objects.using(self.connection.alias)
            .filter(_matches(query), pk=article.pk)
            .values_list(*(_headline(column, query, highlight_all=True) for column in _HIGHLIGHTED))
        )
        return next((_restore(row, _PhraseWords(node)) for row in rows), None)


_HIGHLIGHTED = ("title", "lede", "body")


def _marking_query_text(node, parsed, *, spellings_as_words=False):
    """The tsquery that marks ``node``'s matches: without the phrases that
    another of its words absorbs ("Kyiv city" beside "Kyiv", see
    ``_unabsorbed``), unless typed ("Vladimir Putin" stays whole); with
    ``spellings_as_words``, without any phrase that was not typed, when a
    word is left ("Kremlin" without "Presidential Administration of
    Russia").  ts_headline counts every word of a phrase as a hit wherever
    it stands, and picked the body's fragments densest in the "city" of
    "Kyiv city", the "and" of "Azovstal Iron and Steel Works" or the
    "Russia" of the Kremlin's other name, whose marks were then taken off:
    snippets with no match marked."""
    typed = {node_for(unit.tokens, unit.kind == "prefix") for unit in parsed.units}
    kept = leaves_of(_unabsorbed(_flattened(node)))
    typed_phrases = [leaf for leaf in leaves_of(node) if isinstance(leaf, Phrase) and leaf in typed]
    words = [leaf for leaf in kept if not isinstance(leaf, Phrase)]
    if spellings_as_words and words:
        kept = words
    return compile_node(any_of([*kept, *typed_phrases]))


class PostgresIndex(SearchIndex):
    def search_vectors(self, documents):
        """The search vectors of ``documents``, ``(language, title, lede, body)``
        tuples, as text, for articles about to be inserted.

        Computing an article's vector is about half of the database's work
        to insert it (0.45 ms of CPU for a synthetic article of 600 words,
        reading it back from text 0.07 ms).  An import's preparing workers
        ask for the vectors of their batches in sessions of their own, on the
        other core, while the writer inserts the batch before; the trigger
        then keeps the vector an insert brings."""
        if not documents:
            return []
        columns = [list(column) for column in zip(*documents, strict=True)]
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT articles_search_vector(d.language, d.title, d.lede, d.body)::text "
                "FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) "
                "WITH ORDINALITY AS d(language, title, lede, body, n) ORDER BY d.n",
                columns,
            )
            return [vector for (vector,) in cursor.fetchall()]

    @contextmanager
    def bulk_writing(self, *, may_rebuild=False):
        """Settings for a connection that writes many articles (an import).

        A GIN index queues new entries in a pending list and merges the list
        into the index when it outgrows ``gin_pending_list_limit``, sorting it
        in ``work_mem``; bigger merges cost less an entry (20,000 synthetic
        articles in batches of 500: 4.2 s of index work with the defaults of
        4 MB each, 2.6 s with these).  Searches read the whole pending list,
        so :meth:`analyze`, which an import ends with, empties it.

        With ``may_rebuild``, the search index is set aside once the archive
        has doubled (see :class:`SearchIndexSetAside`)."""
        self.restore_search_index()
        threshold = None
        with self.connection.cursor() as cursor:
            cursor.execute("SET gin_pending_list_limit = '16MB'")
            cursor.execute("SET work_mem = '64MB'")
            if may_rebuild and not self.connection.in_atomic_block:
                cursor.execute("SELECT count(*) FROM articles_article")
                threshold = max(REBUILD_FROM, cursor.fetchone()[0])
        bulk = SearchIndexSetAside(self, threshold)
        try:
            yield bulk
        finally:
            with suppress(DatabaseError), self.connection.cursor() as cursor:  # a lost connection
                cursor.execute("RESET gin_pending_list_limit")
                cursor.execute("RESET work_mem")
            if bulk.set_aside:
                self.restore_search_index()

    def set_search_index_aside(self):
        with self.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS articles_article_search_vector")

    def restore_search_index(self):
        """Build the search index where it is missing (set aside by a bulk
        write, or by one that was interrupted), as :func:`expected_search_index`
        says.  True when it was built."""
        with self.connection.cursor() as cursor:
            cursor.execute(SEARCH_INDEX_METHOD)
            if cursor.fetchone():
                return False
            statement = expected_search_index(cursor)
            with transaction.atomic(using=self.connection.alias):
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute(statement)
        forget_search_index_method(self.connection)
        return True

    def analyze(self):
        """After a bulk write: merge the GIN index's pending list (see
        :meth:`bulk_writing`) and gather the planner's statistics, rather than
        wait for autovacuum to notice: the first searches after a big import
        read a tidy index and plan with fresh statistics."""
        with self.connection.cursor() as cursor:
            if search_index_method(self.connection) == "gin":  # RUM has no pending list
                cursor.execute("SELECT gin_clean_pending_list('articles_article_search_vector')")
            cursor.execute(
                "ANALYZE articles_article, articles_actormention, articles_locationmention"
            )

    def settle(self):
        with self.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def size(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('articles_article_search_vector')")
            return cursor.fetchone()[0]

    def add_word_counts(self, table, counts):
        """One statement over two arrays: one a word was the database's
        biggest cost in an import of generated articles, whose batches touch
        25,000 words each (sampled pg_stat_activity during `benchmark import
        --count 20000 --once`)."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (word, initial, length, articles) "
                "SELECT w, left(w, 1), char_length(w), n "
                "FROM unnest(%s::text[], %s::integer[]) AS u(w, n) "
                f"ON CONFLICT (word) DO UPDATE SET articles = {table}.articles + excluded.articles",
                [[word for word, _ in counts], [n for _, n in counts]],
            )

    def insert_rows(self, table, columns, rows):
        """By COPY, which costs PostgreSQL and us a fraction of one INSERT a
        row (the mentions of 20,000 synthetic articles: 1.5 s of our time and
        0.8 s of the server's as INSERTs)."""
        if not rows:
            return
        quote = self.connection.ops.quote_name
        target = f"{quote(table)} ({', '.join(map(quote, columns))})"
        with (
            self.connection.wrap_database_errors,
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {target} FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def insert_articles(self, articles, vectors):
        """By COPY when every article brings its vector (see
        :meth:`search_vectors`), with ids drawn from the table's sequence
        beforehand, since COPY returns none."""
        if not all(vectors):
            return super().insert_articles(articles, vectors)
        fields = insertable_fields(Article)
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('articles_article', 'id')) "
                "FROM generate_series(1, %s)",
                [len(articles)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        rows = []
        for pk, article, vector in zip(ids, articles, vectors, strict=True):
            article.pk = pk
            values = [
                field.get_db_prep_save(getattr(article, field.attname), self.connection)
                for field in fields
            ]
            rows.append([pk, *values, vector])
        columns = ["id", *(field.column for field in fields), "search_vector"]
        self.insert_rows(Article._meta.db_table, columns, rows)
        return articles

    def repair(self):
        """After ``migrate``, which may have rebuilt the index with another
        method: the next search reads which.  An index that an interrupted
        import set aside is built again."""
        forget_search_index_method(self.connection)
        if not self.migrated(_RUM_MIGRATION):
            return False  # the migrations build it
        return self.restore_search_index()

    @contextmanager
    def consistent_reads(self):
        """A repeatable-read transaction (read only) when this is the
        outermost one; inside another, that one's view."""
        outermost = transaction.get_autocommit(using=self.connection.alias)
        with transaction.atomic(using=self.connection.alias):
            if outermost:
                with self.connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


# An import that doubles the archive (and writes at least REBUILD_FROM
# articles) drops the search index once it has, and builds it again at its
# end: keeping RUM up to date took 60 s of an import of 20,000 synthetic
# articles, building it afresh 4.3 s (`benchmark import --count 20000 --once`).
REBUILD_FROM = 2000


class SearchIndexSetAside(BulkWrite):
    """Drops the search index once a bulk write has created ``threshold``
    articles (None: never); :meth:`PostgresIndex.bulk_writing` builds it again
    at the end.  Meanwhile searches test every article's vector: slower, never
    wrong.  Should the process die first, ``migrate`` or the next import
    builds it."""

    def __init__(self, index, threshold):
        self.index, self.threshold = index, threshold
        self.set_aside = False

    def articles_created(self, count):
        if not self.set_aside and self.threshold is not None and count >= self.threshold:
            self.index.set_search_index_aside()
            self.set_aside = True


class PostgresSchema(SearchSchema):
    """The search's functions, trigger and indexes as PostgreSQL prints them
    (``pg_get_functiondef``, ``pg_get_triggerdef``, ``pg_get_indexdef``), the
    text search configurations, the compression of the long columns and the
    cost of ``@@``.  The search index is expected to be RUM where the ``rum``
    extension is in the database, unless ``ARCHIVE_SEARCH_INDEX`` says GIN
    (migration 0019's choice)."""

    def _objects(self, cursor):
        return {**SCHEMA_OBJECTS, SEARCH_INDEX: expected_search_index(cursor)}

    def expected(self):
        """Creates each object of ``SCHEMA_OBJECTS`` under a stand-in name, in
        a transaction it rolls back, to have PostgreSQL print it: run on an
        empty archive (the indexes are built)."""
        alias = self.connection.alias
        expected = {}
        with transaction.atomic(using=alias), self.connection.cursor() as cursor:
            cursor.execute(LZ4_AVAILABLE)
            compression = "l" if cursor.fetchone()[0] else ""
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            cost = MATCH_COST if cursor.fetchone()[0] else 1
            for (kind, name), statement in self._objects(cursor).items():
                stand_in = f"{name}_expected"
                cursor.execute(re.sub(rf"\b{name}\b", stand_in, statement, count=1))
                definition = _definition(cursor, kind, stand_in)
                expected[f"{kind} {name}"] = definition.replace(stand_in, name)
            transaction.set_rollback(True, using=alias)
        return {
            **expected,
            **{f"configuration {name}": name for name in ALL_CONFIGURATIONS},
            **{f"compression {column}": compression for column in LZ4_COLUMNS},
            "cost of @@": cost,
        }

    def installed(self):
        installed = {}
        with self.connection.cursor() as cursor:
            for kind, name in SCHEMA_OBJECTS:
                definition = _definition(cursor, kind, name)
                if definition is not None:
                    installed[f"{kind} {name}"] = definition
            cursor.execute(
                "SELECT cfgname FROM pg_ts_config WHERE cfgname = ANY(%s)",
                [list(ALL_CONFIGURATIONS)],
            )
            installed.update({f"configuration {name}": name for (name,) in cursor.fetchall()})
            cursor.execute(
                "SELECT attname, attcompression FROM pg_attribute "
                "WHERE attrelid = 'articles_article'::regclass AND attname = ANY(%s)",
                [list(LZ4_COLUMNS)],
            )
            installed.update({f"compression {name}": how for name, how in cursor.fetchall()})
            cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'ts_match_vq'")
            installed["cost of @@"] = cursor.fetchone()[0]
        return installed


DEFINITIONS = {
    "function": "SELECT pg_get_functiondef(oid) FROM pg_proc WHERE proname = %s",
    "trigger": "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = %s",
    "index": "SELECT pg_get_indexdef(oid) FROM pg_class WHERE relname = %s AND relkind = 'i'",
}


def _definition(cursor, kind, name):
    """How PostgreSQL prints the ``kind`` named ``name``, or None."""
    cursor.execute(DEFINITIONS[kind], [name])
    row = cursor.fetchone()
    return row and row[0]


class PostgresEngine(SearchEngine):
    name = "postgresql"
    index_class = PostgresIndex
    query_class = PostgresQueryCompiler
    schema_class = PostgresSchema


@dataclass(frozen=True)
class ReadingPlan:
    """Planner settings for reading a page's rows, and ``since``: a date from
    which the newest of them are probably all published, or None.

    Reading the newest of 67,189 matches (a medium word at 1,000,000
    synthetic articles) by their bitmap read and sorted every one, 594 ms;
    AND-ed with the bitmap of the articles published since a recent date,
    the index of publication dates reads only those, 68 ms.  The date is
    the one after which, were the matches spread evenly over time, there
    would be ``RECENT_MARGIN`` times the rows wanted; when fewer are found
    the rows are read again without it."""

    settings: dict
    since: datetime.date | None = None


RECENT_MARGIN = 4
WALK_FACTOR = 5
WALK_PLAN = {"enable_bitmapscan": "off", "enable_seqscan": "off"}
# work_mem: room to keep a big bitmap exact (see counting_matches).
BITMAP_PLAN = {"enable_seqscan": "off", "enable_indexscan": "off", "work_mem": "64MB"}


_READ_AND_SET = (
    "WITH wanted AS MATERIALIZED (SELECT name, value, current_setting(name) AS before "
    "FROM unnest(%s::text[], %s::text[]) AS wanted(name, value)) "
    "SELECT name, before, set_config(name, value, true) FROM wanted"
)


@contextmanager
def _local_settings(connection, values):
    """Planner settings for the statements run inside, local to a transaction
    (one of their own, unless one is open) and put back after them: the
    statements after these plan as usual, in the same transaction or not."""
    in_transaction = (
        nullcontext() if connection.in_atomic_block else transaction.atomic(using=connection.alias)
    )
    with in_transaction, connection.cursor() as cursor:
        # Each setting read before it is set, in the same statement, so that a
        # block inside another gives back the outer block's values.
        cursor.execute(_READ_AND_SET, [list(values), list(values.values())])
        before = {name: value for name, value, _ in cursor.fetchall()}
        try:
            yield
        finally:
            cursor.execute(_READ_AND_SET, [list(before), list(before.values())])


def _recent_enough(estimates, matches, limit):
    """The ``since`` of a :class:`ReadingPlan` for about ``matches`` matches,
    or None when it would leave out too few articles to be worth trying."""
    total = estimates.rows_of(*_published_statement())
    newer = int(RECENT_MARGIN * limit * total / max(matches, 1))
    if newer >= total // 2:
        return None
    dated = Article.objects.published().filter(published__isnull=False).order_by("-published")
    return dated.values_list("published", flat=True)[newer : newer + 1].first()


def _statement(queryset):
    """``(SQL, parameters)`` of the ids of ``queryset``, unordered."""
    return queryset.order_by().values("pk").query.sql_with_params()


@cache
def _published_statement():
    """``_statement`` of every published article, compiled once."""
    return _statement(Article.objects.published())


class _Estimates:
    """The planner's estimates of the rows of querysets, each statement asked
    once: a search without filters tests its matches on every published
    article, whose estimate ``_recent_enough`` wants too."""

    def __init__(self, connection):
        self.connection = connection
        self.known = {}  # (SQL, parameters): rows

    def rows(self, queryset):
        return self.rows_of(*_statement(queryset))

    def rows_of(self, sql, params):
        key = (sql, tuple(params))
        if key not in self.known:
            with self.connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
                (plan,) = cursor.fetchone()
            self.known[key] = plan[0]["Plan"]["Plan Rows"]
        return self.known[key]


def _phrases_only(node):
    return all(isinstance(leaf, Phrase) for leaf in leaves_of(node))


def _has_phrase(node):
    if isinstance(node, Phrase):
        return True
    return isinstance(node, AnyOf) and any(_has_phrase(option) for option in node.options)


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


def _restore(texts, alone):
    """Headlines back to the original punctuation.  ts_headline marks each word
    of a phrase wherever it occurs; stopwords ("the", "of") are unmarked, or a
    phrase search would light up half the text, and so is a word that only the
    query's phrases hold where it stands alone ("Air" of "air defence" in "Air
    strikes"; "offensive" of counteroffensive's "counter-offensive"): ``alone``,
    the query's :class:`_PhraseWords`."""
    return tuple(
        alone.unmarked(MARKED_WORD.sub(_unmark_stopword, text.translate(RESTORE_PUNCTUATION)))
        for text in texts
    )


class _PhraseWords:
    """The words of ``node``'s phrases, in their English inflections (see
    ``rescore.inflections``), and those of them that no word of ``node``
    searched alone is."""

    def __init__(self, node):
        self.forms, alone, prefixes = set(), set(), []
        for leaf in leaves_of(node):
            if isinstance(leaf, Phrase) and not leaf.prefix:
                for word in leaf.words:
                    self.forms.update(inflections(word))
            elif isinstance(leaf, Word) and leaf.prefix:
                prefixes.append(leaf.text)
            elif isinstance(leaf, Word):
                alone.update(inflections(leaf.text))
        self.only = {
            form
            for form in self.forms - alone
            if not any(form.startswith(prefix) for prefix in prefixes)
        }

    def unmarked(self, text):
        if not self.only:
            return text
        marks = list(MARKED_WORD.finditer(text))
        pieces, end = [], 0
        for i, mark in enumerate(marks):
            if mark.group(1).lower() in self.only and not any(
                self._beside(text, mark, marks[j]) for j in (i - 1, i + 1) if 0 <= j < len(marks)
            ):
                pieces += [text[end : mark.start()], mark.group(1)]
                end = mark.end()
        return "".join(pieces) + text[end:]

    def _beside(self, text, mark, other):
        """Whether ``other`` marks a phrase's word with only stopwords between."""
        first, second = sorted((mark, other), key=lambda m: m.start())
        between = re.findall(r"\w+", text[first.end() : second.start()])
        return other.group(1).lower() in self.forms and all(
            word.lower() in STOPWORDS for word in between
        )


def _unmark_stopword(match):
    word = match.group(1)
    return word if len(word) > 1 and word.lower() in STOPWORDS else match.group(0)
