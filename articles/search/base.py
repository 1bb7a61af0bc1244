"""The contract of a search engine: what every engine implements.

An engine is the database's own full-text search (PostgreSQL's tsvector and
RUM or GIN, SQLite's FTS5), in three parts, each a class the engine names:

- ``index_class`` (:class:`SearchIndex`): what writes and reads the archive in
  bulk calls: the import (search vectors, a bulk-writing context, inserts,
  statistics afterwards), ``migrate`` (repair) and the backup (a consistent
  read of the whole archive).
- ``query_class`` (:class:`QueryCompiler`): what a search calls: the match
  filter, the order by relevance, snippets and highlights, and planner
  settings for reading and counting matches.
- ``schema_class`` (:class:`SearchSchema`): the database objects the engine
  expects (functions, triggers, indexes), described as the database describes
  them, so a test can compare them with what the migrations built.

The base classes do what a database with nothing special needs; an engine
overrides what its database does differently.  Engines are chosen by
``connection.vendor`` in ``articles.search.ENGINES``: a new engine is a module
with a :class:`SearchEngine` subclass and one line there.
"""

from contextlib import nullcontext

from django.db import transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Expression, F, Q, Value

from ..models import Article

# Both engines' length normalisation (bm25's; ts_rank_cd's division by
# 1 + log(length)) put a three-line text naming the query once, or a readout
# naming it in its headline, above long analyses naming it often; each engine
# scales its rank by words / (words + SHORT_TEXT_WORDS): a text of 50 words
# counts half, one of 500 nine tenths.  nDCG@10 of fixtures/judgements/
# generated.yaml (manage.py evaluate_search): SQLite unscaled 0.790, 25 words
# 0.934, 50 0.941, 100 0.908, 200 0.879; PostgreSQL unscaled 0.980, 25 to 100
# words 1.000 (its readout trap, Kirvan, 0.862 to 1.000); the seed corpus's
# set (bundled.yaml) the same either way.
SHORT_TEXT_WORDS = 50.0


def scaled_for_length(rank):
    """``rank`` scaled down for a text of a few lines (see SHORT_TEXT_WORDS)."""
    words = F("word_count")
    return rank * words / (words + Value(SHORT_TEXT_WORDS))


def insertable_fields(model):
    """The fields an INSERT of ``model`` names: all but the generated id."""
    return [field for field in model._meta.concrete_fields if not field.primary_key]


class BulkWrite:
    """What a bulk write tells the index as it goes.  The base ignores it; an
    index that costs more to keep up to date than to build again may set
    itself aside while the archive grows (see the PostgreSQL engine)."""

    def articles_created(self, count):
        """``count`` articles created so far by this bulk write."""


class SearchIndex:
    """The index part: what the import, ``migrate`` and the backup call, on
    the engine's connection."""

    def __init__(self, connection):
        self.connection = connection

    def search_vectors(self, documents):
        """The search index entries of ``documents``, ``(language, title, lede,
        body)`` tuples, computed ahead of their insert (by an import's
        preparing workers), in the order given; or None when the database
        indexes an article as it is inserted.  What it returns is handed back
        to :meth:`insert_articles`."""
        return None

    def bulk_writing(self, *, may_rebuild=False):
        """A context for a connection that writes many articles (an import),
        yielding the :class:`BulkWrite` it tells as it goes.  With
        ``may_rebuild``, and outside a transaction, the index may be set aside
        and built again at the end."""
        return nullcontext(BulkWrite())

    def analyze(self):
        """After a bulk write: bring the planner's statistics up to date."""
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def settle(self):
        """Before measuring: every statistic and visibility map up to date, as a
        database that has been serving for a while would have them."""
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def size(self):
        """Bytes the search index takes on disk, or None when unknown."""
        return None

    def insert_rows(self, table, columns, rows):
        """Insert plain rows (lists of values in ``columns``' order) into
        ``table``: the import's mentions and ledger digests, tens of thousands
        a batch, for which model instances would cost more than the
        database's work."""
        if not rows:
            return
        quote = self.connection.ops.quote_name
        target = f"{quote(table)} ({', '.join(map(quote, columns))})"
        with self.connection.wrap_database_errors, self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(columns))})", rows
            )

    def add_word_counts(self, table, counts):
        """Add ``counts``, ``(word, articles)`` pairs sorted by word, to the
        vocabulary ``table`` (see :mod:`articles.search.vocabulary`): one
        statement a word, run by the driver's executemany (model instances and
        a read of their counts made 44 % of an import's time, cProfile of
        `import_articles` on 5,000 articles)."""
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (word, initial, length, articles) VALUES (%s, %s, %s, %s) "
                f"ON CONFLICT (word) DO UPDATE SET articles = {table}.articles + excluded.articles",
                [(word, word[0], len(word), n) for word, n in counts],
            )

    def insert_objects(self, objects):
        """Insert new (unsaved) model instances of one model as plain rows
        (:meth:`insert_rows`), without reading their ids back: the ORM's
        ``bulk_create`` compiled every value of every row into its statement,
        half the cost of writing an article (cProfile of `import_articles`
        on 10,000 generated articles).  Returns the columns and the rows."""
        if not objects:
            return [], []
        fields = insertable_fields(type(objects[0]))
        rows = [
            [
                field.get_db_prep_save(field.pre_save(obj, add=True), self.connection)
                for field in fields
            ]
            for obj in objects
        ]
        columns = [field.column for field in fields]
        self.insert_rows(type(objects[0])._meta.db_table, columns, rows)
        return columns, rows

    def insert_articles(self, articles, vectors):
        """Insert new (unsaved) ``articles``, ``vectors`` being what
        :meth:`search_vectors` returned for each, or None; sets each article's
        pk (read back by slug, which is unique) and returns the articles."""
        if not articles:
            return articles
        self.insert_objects(articles)
        ids = dict(
            Article.objects.filter(slug__in=[article.slug for article in articles]).values_list(
                "slug", "pk"
            )
        )
        for article in articles:
            article.pk = ids[article.slug]
            article._state.adding = False
            article._state.db = self.connection.alias
        return articles

    def starting_with(self, field, prefix):
        """A filter for the values of ``field`` that start with ``prefix``,
        read off the field's index."""
        return Q(**{f"{field}__startswith": prefix})

    def consistent_reads(self):
        """A transaction in which every query sees the database as it was at
        the first one, while other processes go on writing (a backup)."""
        return transaction.atomic(using=self.connection.alias)

    def repair(self):
        """After ``migrate``: put back what a migration may have dropped of
        the index.  True when something was."""
        return False

    def migrated(self, name):
        """Whether this app's migration ``name`` is applied: what of the
        index :meth:`repair` may put back depends on it."""
        recorder = MigrationRecorder(self.connection)
        return recorder.migration_qs.filter(app="articles", name=name).exists()


# The pages' order newest first, and oldest first: total, ties by creation and id.
NEWEST = [F("published").desc(nulls_last=True), "-created", "-pk"]
OLDEST = [F("published").asc(nulls_last=True), "created", "pk"]


class QueryCompiler:
    """The query part: what a search calls.  ``parsed`` is always a
    :class:`articles.search.query.ParsedQuery`; the engine compiles its
    nodes into its own syntax, quoted, never the user's text."""

    # Whether ``rank_order`` counts the query's words nearer each other as a
    # better match; if not, the search's rescoring does (see ``rescore``).
    ranks_nearness = False

    def __init__(self, connection):
        self.connection = connection

    def filter(self, queryset, parsed):
        """``queryset`` (of articles) narrowed to those matching ``parsed``:
        every positive term, none of the excluded ones."""
        raise NotImplementedError

    def rank_order(self, parsed):
        """Order-by terms, best match first, for a queryset that ``filter``
        or ``for_ranking`` returned."""
        raise NotImplementedError

    def for_ranking(self, queryset, parsed):
        """``queryset``, matches already, made ready for ``rank_order``: as it
        is, unless the engine ranks only in a statement that matches."""
        return queryset

    def best_of_window(self, window_ids, parsed, limit):
        """The ids of the first ``limit`` articles of ``window_ids`` (an
        ``IdList``) by ``rank_order``, ties ``NEWEST`` first, as the page's
        statement reads them; or None to have the page build that statement."""
        return None

    def rank_window(self, article_ids, parsed):
        """``article_ids`` (the page's window of matches, newest first) best
        match first, ties newest first, ranked by the engine itself; or None
        to have the database order them (``for_ranking`` and ``rank_order``)
        in the statement that reads the page."""
        return None

    def snippets(self, article_ids, parsed):
        """``{id: (marked headline, marked lede, marked body snippet)}`` for the
        articles on a page, matches between ``highlight.MARK_START`` and
        ``MARK_END``; an article left out, or a part without a mark, is shown
        plain."""
        raise NotImplementedError

    def highlight(self, article, parsed):
        """The article's headline, lede and body with every match of the
        query's positive terms marked, or None when none of them occurs."""
        raise NotImplementedError

    def reading_plan(self, matches, candidates, parsed, limit, *, newest=True):
        """How to read the newest ``limit`` of ``matches`` (the oldest, unless
        ``newest``), ``candidates`` being the articles under the same filters:
        an object with ``settings`` (for :meth:`planned`), ``since`` (a date
        from which the rows wanted are probably all published, or None) and
        optionally ``matched`` (the published matches written another way,
        to read the rows from instead), or None for the planner's own plan."""
        return None

    def planned(self, settings):
        """A context in which statements are planned with ``settings`` (a
        reading plan's, or None for the planner's own choice)."""
        return nullcontext()

    def count_published_matches(self, parsed, limit):
        """The published articles matching ``parsed``, under no other filter,
        counted no further than ``limit`` by the engine's own means; or None
        for the search to count them by its statement."""
        return None

    def filter_for_counting(self, queryset, parsed, filters):
        """``filter``, written for counting the matches under ``filters``
        (the names of the other filters in force)."""
        return self.filter(queryset, parsed)

    def counting_matches(self, parsed):
        """A context for a statement that counts matches (the capped count,
        the month counts)."""
        return self.planned(None)


class SearchSchema:
    """The database objects the engine's code expects, for a test to compare
    with what the migrations built: both as ``{name: definition}``, in the
    database's own words."""

    def __init__(self, connection):
        self.connection = connection

    def expected(self):
        """The objects as this code would create them."""
        return {}

    def installed(self):
        """The objects as the database holds them."""
        return {}


class SearchEngine:
    """A search engine: its name and its three parts, on one connection."""

    name = None  # the database, as ``connection.vendor`` and a backup's header name it
    index_class = SearchIndex
    query_class = QueryCompiler
    schema_class = SearchSchema

    def __init__(self, connection):
        self.connection = connection
        self.index = self.index_class(connection)
        self.query = self.query_class(connection)
        self.schema = self.schema_class(connection)


class OnArticleTable(Expression):
    """An expression on the article table's own columns, bound to that table's
    alias in the query (so that it stays right inside subqueries); ``as_sql``
    writes it with ``self.table(compiler)``."""

    alias = None

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def table(self, compiler):
        return compiler.quote_name_unless_alias(self.alias)
