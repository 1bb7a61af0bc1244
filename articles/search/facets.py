"""Facet counts: the number of matching articles beside every filter choice.

Sources, languages, years and "date known" are either-or choices: picking a
second source widens the search.  Their counts are computed with every other
filter in force but not their own, so each number is what that choice alone
would give.  Actors and places are all-of choices ("mentions Putin and
Pokrovsk"): picking one narrows the search, so their counts include every
filter, their own too, and are again exactly what a click gives.

Every facet counts the rows ``SearchResults.rows()`` has read for the page
(the matches' ids, dates, sources and languages, under the facet's filters):
sources, languages, years and "date known" in Python, actors and places in
one GROUP BY of their mentions of those ids each; choices with no articles
never appear.

Past ``ARCHIVE_SEARCH_WINDOW`` matches, a facet counts the newest that many
and the page says so.  Exact counts grow with the archive: "forces" matches
57,000 of 100,000 synthetic articles, and with six mentions an article each
of its mention facets grouped some 350,000 rows; the window bounds that at
about 12,000 whatever the size.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter

from django.conf import settings

from ..models import ActorMention, Language, LocationMention, Source
from ..statements import placeholders, read_connection, read_rows

FACET_LIMIT = 30  # values fetched per facet
FACET_SHOWN = 8  # shown before "more"


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str
    exclude_url: str = ""


@dataclass
class Facet:
    name: str
    label: str
    values: list = field(default_factory=list)
    mode: str = "any"  # "any": either-or; "all": every one

    @property
    def shown(self):
        return self.values[:FACET_SHOWN]

    @property
    def more(self):
        return self.values[FACET_SHOWN:]


def counted_rows(results, skip=frozenset()):
    """The rows a facet counts: the newest matches under every filter but
    those in ``skip`` (see above)."""
    return results.rows(skip)[: settings.ARCHIVE_SEARCH_WINDOW]


def _toggle(results, name, value, selected):
    return results.url(remove=(name, value)) if selected else results.url(add=(name, value))


# ``(id, name, slug)`` of the sources of some ids, by name.
_SOURCES_SQL = (
    'SELECT "id", "name", "slug" FROM "articles_source" WHERE "id" IN ({}) ORDER BY 2 ASC'
)


def source_facet(results):
    selected = {obj.slug for obj in results.filterset.selected("source")}
    counts = Counter(map(itemgetter(2), counted_rows(results, skip={"source"})))
    counts.pop(None, None)
    # Names and slugs only: the sources as models cost a page 1 ms.
    sources = (
        read_rows(Source, _SOURCES_SQL.format(placeholders(len(counts))), list(counts))
        if counts
        else []
    )
    ranked = sorted(
        ((name, slug, counts[pk]) for pk, name, slug in sources),
        key=lambda item: (item[1] not in selected, -item[2], item[0]),
    )
    facet = Facet("source", "Source")
    for name, slug, n in ranked[:FACET_LIMIT]:
        is_selected = slug in selected
        facet.values.append(
            FacetValue(
                slug,
                name,
                n,
                is_selected,
                _toggle(results, "source", slug, is_selected),
                results.url(add=("exclude_source", slug), remove=("source", slug)),
            )
        )
    return facet


def mention_facet(results, name, label, mention_model, entity_field):
    """The mentions of the rows' articles counted by entity id, each
    entity's slug and name then read once: grouped by slug and name, every
    mention was joined to its entity and sorted by text before it was
    counted.  "forces" at 100,000 synthetic articles (some 5,000 mentions of
    actors, 4,000 of places), on SQLite: actors 6.3 -> 3.4 ms, places 5.7 to
    6.3 -> 3.1 (the page's statements timed on the benchmark's archive, CPU
    time, best of 5, two runs); on PostgreSQL 14 to 17 ms either way.  The
    statement is written once a shape (``_mention_counts_sql``): built and
    compiled by the ORM, it took 1 to 2 ms of the page's Python each time."""
    selected = results.filterset.selected(name)
    selected_slugs = {obj.slug for obj in selected}
    ids_sql, ids_params = results.window_ids.sql_for(read_connection(mention_model))
    chosen = [obj.pk for obj in selected]
    sql = _mention_counts_sql(mention_model, entity_field, len(chosen), ids_sql)
    rows = read_rows(mention_model, sql, [*chosen, *ids_params])
    facet = Facet(name, label, mode="all")
    for _, n, slug, entity_name, _ in rows:
        is_selected = slug in selected_slugs
        facet.values.append(
            FacetValue(
                slug,
                entity_name,
                n,
                is_selected,
                _toggle(results, name, slug, is_selected),
                results.url(add=(f"exclude_{name}", slug), remove=(name, slug)),
            )
        )
    return facet


@cache
def _mention_counts_sql(mention_model, entity_field, chosen, ids_sql):
    """The ``FACET_LIMIT`` entities most mentioned by the articles of
    ``ids_sql`` (``IdList.sql_for``), the ``chosen`` ones (as many ids, the
    statement's first parameters) first: ``(id, count, slug, name)``.  Each
    entity's slug and name are read once a group by subqueries, which are
    not grouped by."""
    entity = mention_model._meta.get_field(entity_field)
    entities = entity.related_model._meta.db_table
    entity_id = entity.column
    article_id = mention_model._meta.get_field("article").column
    chosen_first = f'CASE WHEN m."{entity_id}" IN ({placeholders(chosen)}) THEN 1 ELSE 0 END'
    return (
        f'SELECT m."{entity_id}", COUNT(m."{article_id}") AS n, '
        f'(SELECT e."slug" FROM "{entities}" e WHERE e."id" = m."{entity_id}") AS slug, '
        f'(SELECT e."name" FROM "{entities}" e WHERE e."id" = m."{entity_id}") AS label, '
        f"{chosen_first if chosen else '0'} AS chosen "
        f'FROM "{mention_model._meta.db_table}" m WHERE m."{article_id}" IN ({ids_sql}) '
        f"GROUP BY 1 ORDER BY 5 DESC, 2 DESC, 4 ASC LIMIT {FACET_LIMIT}"
    )


# Facets counted from the articles' own columns, and the filters each ignores.
OWN_COLUMN_FACETS = {
    "language": {"language"},
    "year": {"date_from", "date_to"},
    "dated": {"dated"},
}
# The filters each facet ignores (actors and places ignore none).
FACET_BASES = [
    frozenset({"source"}),
    *(frozenset(ignores) for ignores in OWN_COLUMN_FACETS.values()),
]


def own_column_counts(results):
    """``{facet name: {value: count}}`` for language, year and date known.
    Counted by ``Counter`` over a column of the rows, then folded: counting
    through a Python function a row took a search page 8 of its 36 ms of
    Python (cProfile, 20,000 generated articles)."""
    languages = Counter(
        map(itemgetter(3), counted_rows(results, skip=OWN_COLUMN_FACETS["language"]))
    )
    years, dated = Counter(), Counter()
    for published, n in Counter(
        map(itemgetter(1), counted_rows(results, skip=OWN_COLUMN_FACETS["year"]))
    ).items():
        if published is not None:
            years[published.year] += n
    for published, n in Counter(
        map(itemgetter(1), counted_rows(results, skip=OWN_COLUMN_FACETS["dated"]))
    ).items():
        dated["no" if published is None else "yes"] += n
    languages.pop(None, None)
    return {"language": languages, "year": years, "dated": dated}


def language_facet(results, counts):
    selected = {str(code) for code in results.filterset.selected("language")}
    labels = dict(Language.choices)
    facet = Facet("language", "Language")
    for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        is_selected = code in selected
        url = _toggle(results, "language", code, is_selected)
        facet.values.append(FacetValue(code, labels.get(code, code), n, is_selected, url))
    return facet


def year_facet(results, counts):
    """Published years: a click sets the date range to that year."""
    current = (results.clean_params.get("date_from"), results.clean_params.get("date_to"))
    facet = Facet("year", "Year published")
    for year, n in sorted(counts.items(), reverse=True):
        bounds = ([f"{year}-01-01"], [f"{year}-12-31"])
        is_selected = current == bounds
        url = (
            results.url(date_from=None, date_to=None)
            if is_selected
            else results.url(date_from=bounds[0][0], date_to=bounds[1][0])
        )
        facet.values.append(FacetValue(str(year), str(year), n, is_selected, url))
    return facet


def dated_facet(results, counts):
    current = results.clean_params.get("dated", [""])[0]
    facet = Facet("dated", "Date")
    for value, label in (("yes", "Date known"), ("no", "Date unknown")):
        if counts[value]:
            is_selected = current == value
            url = results.url(dated=None if is_selected else value)
            facet.values.append(FacetValue(value, label, counts[value], is_selected, url))
    return facet


def compute_facets(results):
    own = own_column_counts(results)
    return [
        source_facet(results),
        mention_facet(results, "actor", "Actors", ActorMention, "actor"),
        mention_facet(results, "location", "Places", LocationMention, "location"),
        language_facet(results, own["language"]),
        year_facet(results, own["year"]),
        dated_facet(results, own["dated"]),
    ]
