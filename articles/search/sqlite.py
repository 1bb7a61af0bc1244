"""Search on SQLite: an FTS5 index of headline, lede and body.

The index is an external-content FTS5 table over ``articles_article`` (it keeps
only the index; snippets read the text from the article row), kept in step by
triggers, so every way of writing an article (ORM, bulk_create, admin, raw SQL)
updates it.  The tokenizer folds case and Latin diacritics, stems English with
Porter and leaves Cyrillic words whole.  Ranking is bm25 with the headline
weighing most, then the lede, then the body, scaled down for very short texts.
"""

import json
import math
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import BooleanField, F, Lookup, Q
from django.db.models.expressions import RawSQL

from ..models import Article, ArticleSearchIndex, IdList
from .base import (
    SHORT_TEXT_WORDS,
    BulkWrite,
    OnArticleTable,
    QueryCompiler,
    SearchEngine,
    SearchIndex,
    SearchSchema,
    scaled_for_length,
)
from .highlight import MARK_END, MARK_START
from .name_ranks import mention_counts, mentions_sql, named_groups, score_sql, unnamed_nodes
from .query import AnyOf, Phrase, Word, leaves_of, without_longer_names

TABLE = ArticleSearchIndex._meta.db_table
TOKENIZER = "porter unicode61 remove_diacritics 2"
# bm25 weights of headline, lede and body: a word in the headline counts as ten in the body.
COLUMN_WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_TOKENS = 32
BULK_CACHE_KIB = 64 * 1024  # an import's page cache (see bulk_writing)
BULK_CHECKPOINT_PAGES = 16384
# A bulk write that created at least this share of the archive's articles
# ends by merging the index into one segment (see SQLiteIndex.optimize).
OPTIMIZE_SHARE = 0.1
OPTIMIZE = f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')"

# FTS5 answers a prefix by merging the matches of every word it begins,
# again in each statement of a page; a prefix index holds them merged for
# the prefixes of one length: it answers a prefix of that many characters
# (as stemmed), and one a character shorter from fewer, merged, entries.
# At 100,000 synthetic articles, a page's CPU time (best of 5): supp* 94-99
# -> 64 ms, drone* 81 -> 65-75, dro* 272 -> 71-80, co* 272-286 -> 182-200;
# the index 218 -> 644 MB (about 140 MB a length), its rebuild 65 s of CPU
# (migration 0024); importing 5,000 generated articles 5.9-6.1 -> 6.8-7.4
# ms of CPU an article.
PREFIX_LENGTHS = "3 4 5"
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, lede, body, "
    f"content='articles_article', content_rowid='id', tokenize='{TOKENIZER}', "
    f"prefix='{PREFIX_LENGTHS}')"
)
_INSERT_NEW = (
    f"INSERT INTO {TABLE}(rowid, title, lede, body) VALUES (new.id, new.title, new.lede, new.body);"
)
_DELETE_OLD = (
    f"INSERT INTO {TABLE}({TABLE}, rowid, title, lede, body) "
    "VALUES ('delete', old.id, old.title, old.lede, old.body);"
)
TRIGGERS = {
    f"{TABLE}_insert": f"AFTER INSERT ON articles_article BEGIN {_INSERT_NEW} END",
    f"{TABLE}_delete": f"AFTER DELETE ON articles_article BEGIN {_DELETE_OLD} END",
    f"{TABLE}_update": (
        "AFTER UPDATE OF title, lede, body ON articles_article "
        f"BEGIN {_DELETE_OLD} {_INSERT_NEW} END"
    ),
}
REBUILD = f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"
# The table's rank function, kept in its configuration (the ``rank`` option).
RANK_FUNCTION = f"bm25({', '.join(map(str, COLUMN_WEIGHTS))})"

# Ranking, month counts and facets read a few columns of every matching
# article, and an article's row holds its whole text, so each match costs a
# page read.  This index holds just those columns in id order; with statistics
# (ANALYZE: see SearchIndex.analyze, which every import ends with) the planner reads it
# instead of the rows.  At 100,000 synthetic articles, "forces" (57,304
# matches): the top 20 by rank 147 -> 49 ms, its months 113 -> 30 ms, the
# source facet 20 -> 9 ms.  Created by migration 0007.  The migrations carry
# their own copies of these statements: changing one here needs a new
# migration, or tests/test_migrations_from_zero.py fails.
MATCH_COLUMNS_INDEX = "articles_article_match_columns"
CREATE_MATCH_COLUMNS_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {MATCH_COLUMNS_INDEX} ON articles_article "
    "(id, status, published, created, language, source_id)"
)
_MATCH_COLUMNS_MIGRATION = "0007_sqlite_match_columns_index"

# The published articles newest first, with the columns a page's rows read.
# Walking it and testing each article against the set of matches (read once
# from FTS5) finds the newest rows of a common word without looking up every
# match's date: at 100,000 synthetic articles, "defence" or "defense" (70,185
# matches) 206 -> 50 ms, "counteroffensive" (29,942) 108 -> 31 ms; a rare
# word's walk reads the whole index (69 ms), so rare words are read the other
# way (see SQLiteQueryCompiler.reading_plan).  Created by migration 0017.
NEWEST_INDEX = "articles_article_newest_first"
CREATE_NEWEST_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {NEWEST_INDEX} ON articles_article "
    "(status, published DESC, created DESC, id DESC, source_id, language)"
)
_NEWEST_MIGRATION = "0017_sqlite_newest_first_index"
# Each source's published articles newest first, with the columns a page's
# rows read: a search within a source walks it against the set of matches,
# as NEWEST_INDEX is walked, where the planner read the source's articles by
# (source_id, published), each row looked up for its status and creation
# time, and sorted them all.  At 100,000 synthetic articles, the newest
# 2,001 of "counteroffensive" from the biggest source 27.7 -> 6.7 ms (the
# statement timed on the benchmark's archive, best of 7).  Created by
# migration 0022.
SOURCE_NEWEST_INDEX = "articles_article_source_newest_first"
CREATE_SOURCE_NEWEST_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {SOURCE_NEWEST_INDEX} ON articles_article "
    "(source_id, status, published DESC, created DESC, id DESC, language)"
)
_SOURCE_NEWEST_MIGRATION = "0022_sqlite_source_newest_first_index"

# The articles' word counts by id, which rank_window scales the rank by.  The
# count sits after the text in an article's row, so reading it by primary key
# walked the row's overflow pages: at 100,000 synthetic articles, ranking the
# 2,000 newest of "forces" 19.6 -> 12.8 ms, of "оборони" or "оборона" 13.5 ->
# 7.8 ms (the statement timed on the benchmark's archive, best of 21).
# Created by migration 0021.
WORD_COUNT_INDEX = "articles_article_word_counts"
CREATE_WORD_COUNT_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {WORD_COUNT_INDEX} ON articles_article (id, word_count)"
)
_WORD_COUNT_MIGRATION = "0021_sqlite_word_count_index"
# Walk when the matches, squared, pass the articles times the rows wanted over
# this: the walk tests about rows * articles / matches articles, each test a
# fifth of the cost of looking up a match (measured as above).
WALK_FACTOR = 4
# The filters whose articles NEWEST_INDEX reads in a range (see filter_for_counting).
DATE_FILTERS = {"date_from", "date_to", "dated"}
# The window's matches only: FTS5 reads the matches between the window's
# lowest and highest id, each tested against its ids (``+rowid``: not an FTS5
# lookup an id).
_IN_WINDOW = "AND rowid BETWEEN %s AND %s AND +rowid IN (SELECT value FROM json_each(%s))"


class Match(Lookup):
    """``<fts table column> MATCH <expression>``."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


# On the field instance only: ``search_index__document__match`` (an inner join,
# which FTS5 needs: MATCH cannot filter the outer side of a LEFT JOIN).
ArticleSearchIndex._meta.get_field("document").register_lookup(Match)


def _quoted(text):
    return '"' + text.replace('"', '""') + '"'


def compile_node(node):
    """FTS5 query syntax for a node; every token is a quoted string."""
    if isinstance(node, Word):
        return _quoted(node.text) + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return _quoted(" ".join(node.words)) + ("*" if node.prefix else "")
    if isinstance(node, AnyOf):
        return "(" + " OR ".join(compile_node(option) for option in node.options) + ")"
    raise TypeError(node)


def match_expression(positive_nodes, negative_node=None):
    """The FTS5 expression of every positive node and none of the negative
    one, which loses the names holding another of its names (see
    ``query.without_longer_names``): they exclude no other article, and
    each phrase costs FTS5 a test of its words' positions."""
    expression = " AND ".join(compile_node(node) for node in positive_nodes)
    if negative_node is not None:
        expression = f"({expression}) NOT {compile_node(without_longer_names(negative_node))}"
    return expression


class CountingBulkWrite(BulkWrite):
    """Keeps the number of articles a bulk write created."""

    created = 0

    def articles_created(self, count):
        self.created = count


class SQLiteIndex(SearchIndex):
    @contextmanager
    def bulk_writing(self, *, may_rebuild=False):
        """Settings for a connection that writes many articles (an import): a
        page cache that holds the indexes an import writes into at random
        (content hash, slug, FTS5 segments) instead of SQLite's 2 MB, and
        fewer, bigger WAL checkpoints.  A write that created a good share of
        the archive ends by optimizing the index (see :meth:`optimize`)."""
        with self.connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (cache_size,) = cursor.fetchone()
            cursor.execute("PRAGMA wal_autocheckpoint")
            (checkpoint,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        bulk = CountingBulkWrite()
        try:
            yield bulk
            if bulk.created:
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM articles_article")
                    if bulk.created >= OPTIMIZE_SHARE * cursor.fetchone()[0]:
                        self.optimize()
        finally:
            with suppress(DatabaseError), self.connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
                cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")

    def optimize(self):
        """Merge the index's segments into one.  Articles written one
        transaction at a time leave a dozen segments (11 at 100,000 synthetic
        articles), and every term of every query is then read from each and
        merged.  Merging takes 6 to 12 s at 100,000 synthetic articles; writes
        after it add small segments, which FTS5 merges with each other as
        they come (its automerge).  On the benchmark's archive (CPU time, best
        of 11, two runs), the snippets of a page of "air defence" or "air
        defense" read by id 7.2-8.3 -> 2.8-3.8 ms, of "forces" 3.1-3.3 ->
        2.0-2.5; reading the rows, ranking and counting moved within the
        noise of a shared machine."""
        with self.connection.cursor() as cursor:
            cursor.execute(OPTIMIZE)

    def size(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE %s", [f"{TABLE}%"])
            return cursor.fetchone()[0]

    def starting_with(self, field, prefix):
        """SQLite cannot read a ``LIKE … ESCAPE`` off an index and scans every
        value; the values from ``prefix`` up to the prefix with its last
        character's successor are the same, in its binary order, read from
        the index."""
        successor = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": successor})

    @contextmanager
    def consistent_reads(self):
        """WAL gives a transaction the database as it was at its first read.
        The settings begin transactions IMMEDIATE, taking the write lock; a
        reader needs only a plain (deferred) one."""
        connection, mode = self.connection, None
        if transaction.get_autocommit(using=connection.alias):
            connection.ensure_connection()
            mode, connection.transaction_mode = connection.transaction_mode, None
        try:
            with transaction.atomic(using=connection.alias):
                yield
        finally:
            if mode is not None:
                connection.transaction_mode = mode

    def repair(self):
        """Recreate lost triggers and rebuild the index.  SQLite drops a
        table's triggers and the indexes Django does not know of when a
        migration rebuilds the table (as Django does to alter a column), so
        this runs after every ``migrate``."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [TABLE])
            if cursor.fetchone() is None:
                return False  # the search migration has not run yet
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'articles_article'"
            )
            missing = set(TRIGGERS) - {name for (name,) in cursor.fetchall()}
            for name in sorted(missing):
                cursor.execute(f"CREATE TRIGGER {name} {TRIGGERS[name]}")
            if missing:
                cursor.execute(REBUILD)
                if self.migrated(_MATCH_COLUMNS_MIGRATION):
                    cursor.execute(CREATE_MATCH_COLUMNS_INDEX)
                if self.migrated(_NEWEST_MIGRATION):
                    cursor.execute(CREATE_NEWEST_INDEX)
                if self.migrated(_WORD_COUNT_MIGRATION):
                    cursor.execute(CREATE_WORD_COUNT_INDEX)
                if self.migrated(_SOURCE_NEWEST_MIGRATION):
                    cursor.execute(CREATE_SOURCE_NEWEST_INDEX)
        return bool(missing)


class MatchedBySet(OnArticleTable):
    """``+<article>.id IN (SELECT rowid FROM <fts> WHERE <fts> MATCH …)``: the
    matches read once into a set, each article tested against it; the unary
    plus keeps the planner from reading the articles by that set's ids."""

    output_field = BooleanField()

    def __init__(self, expression):
        super().__init__()
        self.expression = expression

    def as_sql(self, compiler, connection):
        table = self.table(compiler)
        sql = f"+{table}.id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"
        return sql, [self.expression]


@dataclass(frozen=True)
class WalkingPlan:
    """Read the rows from ``matched`` (the matches as a :class:`MatchedBySet`)
    walking the newest-first index: see ``NEWEST_INDEX``."""

    matched: object
    settings: None = None
    since: None = None


def _phrase_in(node):
    if isinstance(node, Phrase):
        return True
    return isinstance(node, AnyOf) and any(_phrase_in(option) for option in node.options)


class SQLiteQueryCompiler(QueryCompiler):
    def reading_plan(self, matches, candidates, parsed, limit, *, newest=True):
        """Newest first, a query of many matches walks the newest-first index
        (a :class:`WalkingPlan`); anything else the planner's plan, which
        looks up each match's date.  The matches are counted by FTS5 alone, no
        further than the count that decides; a phrase is never walked (its
        matches are few and counting them tests every candidate's positions).
        The query is read as it is ranked, without the names that hold
        another of their group's (see ``query.without_longer_names``): the
        same matches, and a name such as Budanov, whose other names include
        "Kyrylo Budanov", is walked like a word.  At 100,000 synthetic
        articles, "Budanov -Syrskyi" (9,698 matches), its exclusion trimmed
        too (see match_expression): its rows 23.1 -> 13.4 ms, its ranking
        27.7 -> 17.9 (the page's statements timed on the benchmark's archive,
        CPU time, best of 5)."""
        positive = parsed.ranking_nodes()
        if not newest or not positive or any(_phrase_in(node) for node in positive):
            return None
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE idx = %s AND tbl = 'articles_article'",
                [NEWEST_INDEX],
            )
            row = cursor.fetchone()
            if row is None:
                return None  # no index or no statistics yet
            articles = int(row[0].split()[0])
            enough = math.ceil(math.sqrt(limit * articles / WALK_FACTOR))
            expression = match_expression(positive, parsed.negative_node())
            cursor.execute(
                f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s)",
                [expression, enough],
            )
            if cursor.fetchone()[0] < enough:
                return None
        published = candidates.model.objects.published()
        return WalkingPlan(published.filter(MatchedBySet(expression)))

    def filter(self, queryset, parsed):
        # The ranking's nodes match the same articles, and bm25 ranks by this match.
        positive = parsed.ranking_nodes()
        negative = parsed.negative_node()
        if positive:
            return queryset.filter(
                search_index__document__match=match_expression(positive, negative)
            )
        if negative is not None:
            excluded = ArticleSearchIndex.objects.filter(
                document__match=compile_node(without_longer_names(negative))
            ).values("article_id")
            return queryset.exclude(pk__in=excluded)
        return queryset

    def count_published_matches(self, parsed, limit):
        """Counted in the index alone, the matches that are not published
        (read through the status index: drafts and withdrawn articles are
        few) left out, where the search's count looked up each match's
        status.  At 100,000 synthetic articles, the first 10,001 of "forces"
        2.7 -> 0.8 ms, of "оборони" or "оборона" 4.3 -> 0.8, of drone* 5.7 ->
        3.8 (the statements timed on the benchmark's archive, CPU time, best
        of 11)."""
        positive = parsed.ranking_nodes()
        if not positive:
            return None
        published = Article.Status.PUBLISHED
        unpublished = [status for status in Article.Status.values if status != published]
        # status IN (…), which the status index reads, not status <> …, which scans it.
        unpublished_ids = Article.objects.filter(status__in=unpublished).values("pk")
        matches = ArticleSearchIndex.objects.using(self.connection.alias).filter(
            document__match=match_expression(positive, parsed.negative_node())
        )
        return matches.exclude(article_id__in=unpublished_ids)[:limit].count()

    def filter_for_counting(self, queryset, parsed, filters):
        """Under date filters only, the articles they leave read by date (see
        NEWEST_INDEX), each tested against the set of matches
        (:class:`MatchedBySet`), where the planner read every match and
        looked up its article's date.  At 100,000 synthetic articles,
        counting "ceasefire" (41,268 matches) in the first half of 2023
        21.2 -> 8.8 ms, undated 17.0 -> 7.4 (the statements timed on the
        benchmark's archive, best of 7).  Not under a source: the biggest
        holds a third of the articles, and its matches counted no faster
        either way; nor actors and places, whose plan reads a rare one's
        articles first (see ArticleFilter)."""
        positive = parsed.ranking_nodes()
        if not positive or not filters or not filters <= DATE_FILTERS:
            return self.filter(queryset, parsed)
        return queryset.filter(MatchedBySet(match_expression(positive, parsed.negative_node())))

    def rank_order(self, parsed):
        """bm25, negative, the best lowest (k1 1.2 and b 0.75, fixed in
        FTS5); with groups that name actors or places, those ranked apart
        (see ``name_ranks``) and the rest by bm25, as ``rank_window`` ranks
        them, so that the page and the exports order two articles alike."""
        groups = named_groups(parsed, self.connection.alias)
        if not groups:
            return [scaled_for_length(F("search_index__rank")).asc()]
        article = Article._meta.db_table
        words_count = f"{article}.word_count"
        words = unnamed_nodes(parsed, groups)
        rank, params = "0.0", []
        if words:
            rank = f"(SELECT rank FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid = {article}.id)"
            params.append(match_expression(words))
        positive = parsed.ranking_nodes()
        for group in groups:
            headlined = f"{article}.id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"
            params.append(self._headline_expression(positive[group.index]))
            mentions = mentions_sql(group, f"{article}.id")
            rank = f"{rank} - {score_sql(group, mentions, headlined, words_count, 'max')}"
        scaled = f"({rank}) * {words_count} / ({words_count} + {SHORT_TEXT_WORDS!r})"
        return [RawSQL(scaled, params).asc()]

    def for_ranking(self, queryset, parsed):
        """FTS5 ranks only in a statement that matches."""
        return self.filter(queryset, parsed)

    def rank_window(self, article_ids, parsed):
        """The window ranked by one read of the matches between its lowest
        and highest id, each tested against the window (``+rowid``: not an
        FTS5 lookup an id) before its rank is computed: only the window's
        matches are ranked, and only their ids sorted.  Ranked in the page's
        statement, every match was joined to its article and the sort carried
        the window's whole texts ("forces" at 100,000 synthetic articles:
        861 -> 109 ms, both statements timed on the benchmark's archive,
        var/bench/search_100000.sqlite3).  The query's groups that name
        actors or places are ranked apart, each as one term (see
        ``name_ranks``), and the rest by bm25."""
        positive = parsed.ranking_nodes()
        if not positive:
            return None
        if not article_ids:
            return []  # ordered by the page's statement, it still ranked every match
        window = [min(article_ids), max(article_ids), json.dumps(article_ids)]
        groups = named_groups(parsed, self.connection.alias)
        word_nodes = unnamed_nodes(parsed, groups)
        expression = match_expression(word_nodes) if word_nodes else None
        ranks = self._window_ranks(expression, window)
        ids = IdList(article_ids)
        for group in groups:
            headline = self._headline_expression(positive[group.index])
            headlined = self._window_matches(headline, window)
            mentions = mention_counts(self.connection.alias, group, ids)
            ranks = {
                pk: (
                    rank - group.score(mentions.get(pk, 0), pk in headlined, length),
                    length,
                )
                for pk, (rank, length) in ranks.items()
            }
        # Scaled as in rank_order (the same floating-point steps).
        scaled = {
            pk: rank * words / (words + SHORT_TEXT_WORDS) for pk, (rank, words) in ranks.items()
        }
        newest_first = {pk: position for position, pk in enumerate(article_ids)}
        return sorted(scaled, key=lambda pk: (scaled[pk], newest_first[pk]))

    @staticmethod
    def _headline_expression(node):
        return f"{{title}} : {compile_node(node)}"

    def _window_ranks(self, expression, window):
        """``{id: (bm25 of expression, words)}`` of the window's articles
        (``[lowest id, highest id, JSON ids]``); with no expression, a rank
        of 0.  The word count is read from its index (see WORD_COUNT_INDEX)."""
        articles = f"articles_article INDEXED BY {WORD_COUNT_INDEX}"
        if expression is None:
            # Each id sought in the index: its range between the window's
            # lowest and highest id, read whole, took 14-20 ms for a name
            # rarer than its window (100,000 synthetic articles).
            sql = (
                f"SELECT id, 0.0, word_count FROM {articles} "
                "WHERE id IN (SELECT value FROM json_each(%s))"
            )
            params = window[2:]
        else:
            words = f"(SELECT word_count FROM {articles} WHERE id = {TABLE}.rowid)"
            sql = f"SELECT rowid, rank, {words} FROM {TABLE} WHERE {TABLE} MATCH %s {_IN_WINDOW}"
            params = [expression, *window]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {pk: (rank, length) for pk, rank, length in cursor.fetchall()}

    def _window_matches(self, expression, window):
        """The ids of the window's articles that match ``expression``."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s {_IN_WINDOW}",
                [expression, *window],
            )
            return {pk for (pk,) in cursor.fetchall()}

    def snippets(self, article_ids, parsed):
        """Read id by id (``rowid IN (…)``: FTS5 runs the query once an id,
        seeking each word's matches), unless the query holds a prefix, whose
        words' matches are gathered again on each run: then in one pass over
        the matches between the page's lowest and highest id, each tested
        against the page as in rank_window.  Seeking costs a lookup in each
        segment of the index, which an import of a good share of the
        archive merges into one (see SQLiteIndex.optimize).  The 20 best of
        the window at 100,000 synthetic articles, the index in one segment,
        by id against one pass: forces 2.7 against 5.9 ms, the 10 names of
        Kiev 4.1 against 6.8, the 32 names and words of "United Kingdom of
        Great Britain and Northern Ireland" 10.3 against 21.8, drone* 58
        against 9.5; in the 11 segments the benchmark's import had left,
        Kiev took 17.3 against 8.8 (CPU time, best of 5)."""
        node = parsed.any_positive_node()
        if node is None or not article_ids:
            return {}
        marks = [MARK_START, MARK_END]
        sql = (
            f"SELECT rowid, highlight({TABLE}, 0, %s, %s), "
            f"snippet({TABLE}, 1, %s, %s, '…', {SNIPPET_TOKENS}), "
            f"snippet({TABLE}, 2, %s, %s, '…', {SNIPPET_TOKENS}) "
            f"FROM {TABLE} WHERE {TABLE} MATCH %s AND "
        )
        if not any(term.prefix for term in leaves_of(node)):
            sql += f"rowid IN ({', '.join(['%s'] * len(article_ids))})"
            restriction = list(article_ids)
        else:
            sql += "rowid BETWEEN %s AND %s AND +rowid IN (SELECT value FROM json_each(%s))"
            restriction = [min(article_ids), max(article_ids), json.dumps(article_ids)]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*marks * 3, compile_node(node), *restriction])
            return {row[0]: row[1:] for row in cursor.fetchall()}

    def highlight(self, article, parsed):
        node = parsed.any_positive_node()
        if node is None:
            return None
        marks = [MARK_START, MARK_END]
        sql = (
            f"SELECT highlight({TABLE}, 0, %s, %s), highlight({TABLE}, 1, %s, %s), "
            f"highlight({TABLE}, 2, %s, %s) FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid = %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*marks * 3, compile_node(node), article.pk])
            return cursor.fetchone()


class SQLiteSchema(SearchSchema):
    """The FTS5 table, its triggers and the match columns index, as
    ``sqlite_master`` keeps them (the text of their CREATE statements), and
    the table's rank function."""

    def expected(self):
        return {
            TABLE: CREATE_TABLE,
            **{name: f"CREATE TRIGGER {name} {body}" for name, body in TRIGGERS.items()},
            MATCH_COLUMNS_INDEX: CREATE_MATCH_COLUMNS_INDEX.replace(" IF NOT EXISTS", ""),
            NEWEST_INDEX: CREATE_NEWEST_INDEX.replace(" IF NOT EXISTS", ""),
            WORD_COUNT_INDEX: CREATE_WORD_COUNT_INDEX.replace(" IF NOT EXISTS", ""),
            SOURCE_NEWEST_INDEX: CREATE_SOURCE_NEWEST_INDEX.replace(" IF NOT EXISTS", ""),
            "rank": RANK_FUNCTION,
        }

    def installed(self):
        names = [TABLE, *TRIGGERS, MATCH_COLUMNS_INDEX, NEWEST_INDEX]
        names += [WORD_COUNT_INDEX, SOURCE_NEWEST_INDEX]
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                f"WHERE name IN ({', '.join(['%s'] * len(names))})",
                names,
            )
            installed = dict(cursor.fetchall())
            if TABLE in installed:
                cursor.execute(f"SELECT v FROM {TABLE}_config WHERE k = 'rank'")
                (installed["rank"],) = cursor.fetchone()
        return installed


class SQLiteEngine(SearchEngine):
    name = "sqlite"
    index_class = SQLiteIndex
    query_class = SQLiteQueryCompiler
    schema_class = SQLiteSchema
