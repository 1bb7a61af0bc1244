"""Month counts: how many published articles of each month and language every
actor and place is mentioned in, every source published and the archive
holds (``models.MonthCount``), for the entity pages, their totals and the
month charts.

Every change of articles keeps them, in the same transaction, by taking the
changed articles' counts away before the change and adding them back after
(:func:`recounted`), one statement each way for any number of articles:

- the import (``importing.writer``): the new and changed articles of a batch;
- re-linking (``linking``) and cleaning again (``importing.learning``);
- the admin: an article saved (date, source, language, status, mentions),
  deleted, published or unpublished in bulk (``curation.admin.articles``);
- merges and their undoing (``curation.merging``), by :func:`recount_entities`.

``manage.py rebuild_month_counts`` counts them all again from the articles;
:func:`fresh_counts` is what they must equal.
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, router, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import ActorMention, Article, LocationMention, MonthCount

PUBLISHED = Article.Status.PUBLISHED
ARCHIVE, ACTOR, LOCATION, SOURCE = (
    MonthCount.Kind.ARCHIVE,
    MonthCount.Kind.ACTOR,
    MonthCount.Kind.LOCATION,
    MonthCount.Kind.SOURCE,
)
UNDATED = 0

_TABLE = MonthCount._meta.db_table
_ARTICLE = Article._meta.db_table
# The month of ``a.published`` as year × 100 + month, 0 when undated.
_MONTH = {
    "postgresql": "COALESCE(CAST(EXTRACT(YEAR FROM a.published) * 100 "
    "+ EXTRACT(MONTH FROM a.published) AS integer), 0)",
    "sqlite": "COALESCE(CAST(strftime('%%Y%%m', a.published) AS integer), 0)",
}
# Ids as one parameter: an array on PostgreSQL, a JSON list on SQLite.
_IDS = {
    "postgresql": "(SELECT unnest(%s::bigint[]))",
    "sqlite": "(SELECT value FROM json_each(%s))",
}
# For each kind: its (kind, entity id, month, language) rows, one per article
# and entity; ``{where}`` narrows them.
_ROWS = {
    ARCHIVE: "SELECT 'archive' AS kind, 0 AS entity_id, {month} AS month, "
    "a.language AS language FROM {article} a "
    "WHERE a.status = %s AND {where}",
    SOURCE: "SELECT 'source' AS kind, a.source_id AS entity_id, {month} AS month, "
    "a.language AS language FROM {article} a "
    "WHERE a.status = %s AND a.source_id IS NOT NULL AND {where}",
    ACTOR: "SELECT 'actor' AS kind, m.actor_id AS entity_id, {month} AS month, "
    "a.language AS language FROM {actor_mention} m "
    "JOIN {article} a ON a.id = m.article_id WHERE a.status = %s AND {where}",
    LOCATION: "SELECT 'location' AS kind, m.location_id AS entity_id, {month} AS month, "
    "a.language AS language FROM {location_mention} m "
    "JOIN {article} a ON a.id = m.article_id WHERE a.status = %s AND {where}",
}
# What narrows a kind's rows to some entities (see recount_entities).
_ENTITY_COLUMN = {SOURCE: "a.source_id", ACTOR: "m.actor_id", LOCATION: "m.location_id"}
_ADD = (
    "INSERT INTO {table} (kind, entity_id, month, language, articles) "
    "SELECT kind, entity_id, month, language, %s * COUNT(*) FROM ({rows}) "
    "AS counted WHERE true "
    "GROUP BY kind, entity_id, month, language "
    "ON CONFLICT (kind, entity_id, month, language) "
    "DO UPDATE SET articles = {table}.articles + excluded.articles"
)


def _connection():
    return connections[router.db_for_write(MonthCount)]


def _rows_sql(vendor, kinds, where):
    return " UNION ALL ".join(
        _ROWS[kind].format(
            month=_MONTH[vendor],
            article=_ARTICLE,
            actor_mention=ActorMention._meta.db_table,
            location_mention=LocationMention._meta.db_table,
            where=where(kind),
        )
        for kind in kinds
    )


def _id_param(vendor, ids):
    ids = [int(pk) for pk in ids]
    if vendor == "sqlite":
        return "[" + ",".join(map(str, ids)) + "]"
    return ids


def _add_counts(article_ids, sign):
    """Add (``sign`` 1) or take away (-1) the counts of these articles as they are now."""
    article_ids = list(article_ids)
    if not article_ids:
        return
    connection = _connection()
    vendor = connection.vendor
    kinds = list(_ROWS)
    rows = _rows_sql(vendor, kinds, lambda kind: f"a.id IN {_IDS[vendor]}")
    params = [sign]
    for _ in kinds:
        params += [PUBLISHED, _id_param(vendor, article_ids)]
    with connection.cursor() as cursor:
        cursor.execute(_ADD.format(table=_TABLE, rows=rows), params)


def add_articles(article_ids):
    """Count these articles (just written) in."""
    _add_counts(article_ids, 1)


def take_away_articles(article_ids):
    """Count these articles (about to change or go) out."""
    _add_counts(article_ids, -1)


# The articles whose counts an enclosing ``recounted`` block keeps: a block
# inside it (the admin's re-link of the article it saves) leaves them to it.
_being_recounted = ContextVar("being_recounted", default=frozenset())


@contextmanager
def recounted(article_ids):
    """Keep the counts right while the articles of ``article_ids`` (ids, or a
    queryset of articles, read once) change inside the block: their counts
    are taken away before it and added back after, in one transaction."""
    if hasattr(article_ids, "values_list"):
        article_ids = article_ids.values_list("pk", flat=True)
    enclosing = _being_recounted.get()
    article_ids = [pk for pk in map(int, article_ids) if pk not in enclosing]
    token = _being_recounted.set(enclosing | set(article_ids))
    try:
        with transaction.atomic(using=router.db_for_write(MonthCount)):
            take_away_articles(article_ids)
            yield
            add_articles(article_ids)
    finally:
        _being_recounted.reset(token)


def recount_entities(kind, entity_ids):
    """Count the articles of these actors, places or sources again from
    scratch (after a merge moved their mentions or articles)."""
    entity_ids = list(entity_ids)
    if not entity_ids:
        return
    connection = _connection()
    vendor = connection.vendor
    ids = _id_param(vendor, entity_ids)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_TABLE} WHERE kind = %s AND entity_id IN {_IDS[vendor]}", [kind, ids]
        )
        rows = _rows_sql(vendor, [kind], lambda k: f"{_ENTITY_COLUMN[k]} IN {_IDS[vendor]}")
        cursor.execute(_ADD.format(table=_TABLE, rows=rows), [1, PUBLISHED, ids])


def rebuild():
    """Count every published article again; returns the number of rows kept."""
    connection = _connection()
    kinds = list(_ROWS)
    rows = _rows_sql(connection.vendor, kinds, lambda kind: "true")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_TABLE}")
        cursor.execute(_ADD.format(table=_TABLE, rows=rows), [1, *[PUBLISHED] * len(kinds)])
    return MonthCount.objects.using(connection.alias).count()


def fresh_counts():
    """``{(kind, entity id, month, language): articles}`` counted from the
    articles now: what the kept counts must be."""
    connection = _connection()
    rows = _rows_sql(connection.vendor, list(_ROWS), lambda kind: "true")
    sql = (
        f"SELECT kind, entity_id, month, language, COUNT(*) FROM ({rows}) "
        "AS counted GROUP BY kind, entity_id, month, language"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [PUBLISHED] * len(_ROWS))
        return {tuple(row[:4]): row[4] for row in cursor.fetchall()}


def kept_counts():
    """The kept counts in the shape of :func:`fresh_counts` (rows of 0 left out)."""
    rows = MonthCount.objects.exclude(articles=0).values_list(
        "kind", "entity_id", "month", "language", "articles"
    )
    return {tuple(row[:4]): row[4] for row in rows}


# Reading ---------------------------------------------------------------------


def _counts(kind, entity_id, languages=()):
    counts = MonthCount.objects.filter(kind=kind, entity_id=entity_id)
    if languages:
        counts = counts.filter(language__in=list(languages))
    return counts


def months(kind, entity_id=0, languages=()):
    """``[(first day of month, articles), ...]``, oldest first, as
    ``ArticleQuerySet.counts_by_month()`` gives them (one indexed query)."""
    rows = (
        _counts(kind, entity_id, languages)
        .exclude(month=UNDATED)
        .order_by()
        .values("month")
        .annotate(n=Sum("articles"))
        .filter(n__gt=0)
        .order_by("month")
        .values_list("month", "n")
    )
    return [(datetime.date(month // 100, month % 100, 1), n) for month, n in rows]


def total_and_months(kind, entity_id=0):
    """(published articles, their ``months()``) of an entity, by one query."""
    rows = list(
        _counts(kind, entity_id)
        .order_by()
        .values("month")
        .annotate(n=Sum("articles"))
        .order_by("month")
        .values_list("month", "n")
    )
    dated = [
        (datetime.date(month // 100, month % 100, 1), n) for month, n in rows if month and n > 0
    ]
    return sum(n for _, n in rows), dated


def total(kind, entity_id=0, languages=(), *, dated_only=False):
    """The published articles of an entity (of ``languages``; with a date)."""
    counts = _counts(kind, entity_id, languages)
    if dated_only:
        counts = counts.exclude(month=UNDATED)
    return counts.aggregate(n=Coalesce(Sum("articles"), 0))["n"]


def with_totals(queryset, kind, name="n"):
    """The entities of ``queryset`` annotated with ``name``, their published articles."""
    totals = (
        MonthCount.objects.filter(kind=kind, entity_id=OuterRef("pk"))
        .order_by()
        .values("entity_id")
        .annotate(n=Sum("articles"))
        .values("n")
    )
    return queryset.annotate(**{name: Coalesce(Subquery(totals), 0)})
