"""The queries behind the browsing pages (home, article, actor, location and
source pages, and their indexes).  Each is a fixed number of SQL queries,
however many articles there are; only published articles count anywhere."""

from django.db import connections, router
from django.db.models import Count

from . import month_counts
from .models import (
    Actor,
    ActorMention,
    Article,
    IdList,
    Location,
    LocationMention,
    MonthCount,
    Source,
)

RELATED_LIMIT = 5
CO_MENTION_LIMIT = 10
CO_MENTION_SAMPLE = 2000
PUBLISHED = Article.Status.PUBLISHED


def published_articles():
    return Article.objects.published().select_related("source")


def articles_mentioning(entity):
    """Published articles that mention an actor or location, or come from a source."""
    if isinstance(entity, Source):
        return published_articles().filter(source=entity)
    mention_model = ActorMention if isinstance(entity, Actor) else LocationMention
    field = "actor" if isinstance(entity, Actor) else "location"
    mentioning = mention_model.objects.filter(**{field: entity}).values("article_id")
    return published_articles().filter(pk__in=mentioning)


def co_mentioned(article_ids, *, exclude=None, limit=CO_MENTION_LIMIT):
    """``(actors, locations)`` most often mentioned in the articles of
    ``article_ids``, each annotated with ``n``, the number of those articles
    that mention it (two queries).

    The entity pages pass the ids of their newest ``CO_MENTION_SAMPLE``
    articles, and say so: for the busiest actor at 1,000,000 synthetic
    articles on PostgreSQL these two took 265 ms over 10,000 of its
    articles, 32 ms over its newest 2,000; counting all 728,000 would take
    seconds."""
    found, ids = [], IdList(article_ids)  # written once for both statements
    for model in (Actor, Location):
        entities = model.objects.filter(mentions__article__in=ids)
        if isinstance(exclude, model):
            entities = entities.exclude(pk=exclude.pk)
        entities = entities.only("name", "slug").annotate(n=Count("mentions"))
        found.append(list(entities.order_by("-n", "name")[:limit]))
    return tuple(found)


def article_mentions(article):
    """The actors and places an article mentions, most mentioned first (two
    queries), each entity with its name and slug only."""
    actors = (
        article.actor_mentions.select_related("actor")
        .only("count", "article_id", "actor__name", "actor__slug")
        .order_by("-count", "actor__name")
    )
    locations = (
        article.location_mentions.select_related("location")
        .only("count", "article_id", "location__name", "location__slug")
        .order_by("-count", "location__name")
    )
    return list(actors), list(locations)


_ACTOR_MENTION = ActorMention._meta.db_table
_LOCATION_MENTION = LocationMention._meta.db_table
# Candidates for "related": the newest articles (by id, the mention indexes'
# order) of each actor and place the article mentions.  Counting every
# article that shares any of them took 1.25 s at 1,000,000 synthetic articles
# on PostgreSQL, where the busiest actor is in 728,000.
RELATED_CANDIDATES_PER_ENTITY = 200
_CANDIDATES = (
    "SELECT article_id FROM (SELECT article_id FROM {table} WHERE {column} = %s "
    "AND article_id <> %s ORDER BY article_id DESC LIMIT %s) AS entity_{n}"
)
_RELATED_SQL = f"""
    WITH candidates AS ({{candidates}})
    SELECT shared.article_id, COUNT(*) AS n
    FROM (
        SELECT article_id FROM {_ACTOR_MENTION}
        WHERE article_id IN (SELECT article_id FROM candidates) AND actor_id IN ({{actors}})
        UNION ALL
        SELECT article_id FROM {_LOCATION_MENTION}
        WHERE article_id IN (SELECT article_id FROM candidates) AND location_id IN ({{locations}})
    ) AS shared
    JOIN {Article._meta.db_table} AS a ON a.id = shared.article_id
    WHERE a.status = %s
    GROUP BY shared.article_id, a.published
    ORDER BY n DESC, a.published DESC NULLS LAST, shared.article_id DESC
    LIMIT %s
"""


def related_articles(article, actor_ids, location_ids, limit=RELATED_LIMIT):
    """Published articles sharing the most of ``actor_ids`` and ``location_ids``
    (the article's) among the newest that mention each, newest first among
    equals, each with ``shared`` set (two queries; none without entities)."""
    entities = [(_ACTOR_MENTION, "actor_id", pk) for pk in actor_ids]
    entities += [(_LOCATION_MENTION, "location_id", pk) for pk in location_ids]
    if not entities:
        return []
    sql = _RELATED_SQL.format(
        candidates=" UNION ALL ".join(
            _CANDIDATES.format(table=table, column=column, n=n)
            for n, (table, column, _) in enumerate(entities)
        ),
        actors=", ".join(["%s"] * len(actor_ids)) or "NULL",
        locations=", ".join(["%s"] * len(location_ids)) or "NULL",
    )
    params = []
    for _, _, pk in entities:
        params += [pk, article.pk, RELATED_CANDIDATES_PER_ENTITY]
    params += [*actor_ids, *location_ids, PUBLISHED, limit]
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(sql, params)
        shared = dict(cursor.fetchall())
    articles = published_articles().for_lists().in_bulk(list(shared))
    related = [articles[pk] for pk in shared if pk in articles]
    for item in related:
        item.shared = shared[item.pk]
    return related


COUNT_KINDS = {
    Actor: MonthCount.Kind.ACTOR,
    Location: MonthCount.Kind.LOCATION,
    Source: MonthCount.Kind.SOURCE,
}


def count_kind(entity):
    """The kind of an actor's, place's or source's month counts."""
    return COUNT_KINDS[type(entity)]


def with_article_counts(queryset):
    """Entities annotated with ``n``, the number of published articles for
    each, from the kept month counts (``articles.month_counts``): counting
    the mentions took 602 ms for the 30 places in Ukraine at 1,000,000
    synthetic articles on PostgreSQL."""
    return month_counts.with_totals(queryset, COUNT_KINDS[queryset.model])


def most_mentioned(model, limit):
    return list(
        with_article_counts(model.objects.all()).filter(n__gt=0).order_by("-n", "name")[:limit]
    )


def kind_counts(model):
    """[(kind, label, number of entities)] for the index's kind filter."""
    labels = dict(model.Kind.choices)
    rows = model.objects.order_by().values("kind").annotate(n=Count("pk")).order_by("kind")
    return [(row["kind"], labels.get(row["kind"], row["kind"]), row["n"]) for row in rows]
