"""Facet counts: the number of matching articles beside every filter choice.

Sources, languages, years and "date known" are either-or choices: picking a
second source widens the search.  Their counts are computed with every other
filter in force but not their own, so each number is what that choice alone
would give.  Actors and places are all-of choices ("mentions Putin and
Pokrovsk"): picking one narrows the search, so their counts include every
filter, their own too, and are again exactly what a click gives.

Each facet is one GROUP BY over the matching articles, limited to its top
values (language, year and date known share one); choices with no articles
never appear.

A facet never counts more than ``ARCHIVE_SEARCH_COUNT_LIMIT`` articles: past
that many matches it counts a sample of that size (the first the database
finds) and the page says so, as it says "10,000+" of the total.  Exact counts
grow with the archive: "forces" matches 57,000 of 100,000 synthetic articles,
and with six mentions an article each of its mention facets grouped some
350,000 rows; the sample bounds that at about 60,000 whatever the size.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Value, When

from ..models import ActorMention, Article, Language, LocationMention, Year

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


def counted_articles(results, skip=frozenset()):
    """The articles a facet counts: the matches under every filter but those
    in ``skip``, sampled when there are too many (see above)."""
    articles = results.filterset.filter_queryset(results.matched, skip=skip).order_by()
    if results.facets_are_sampled:
        sample = articles.values("pk")[: settings.ARCHIVE_SEARCH_COUNT_LIMIT]
        return Article.objects.filter(pk__in=sample).order_by()
    return articles


def _selected_first(slug_field, selected):
    """Order key that keeps the chosen values in the top ``FACET_LIMIT``."""
    if not selected:
        return Value(0, output_field=IntegerField())
    return Case(
        When(**{f"{slug_field}__in": selected}, then=1), default=0, output_field=IntegerField()
    )


def _toggle(results, name, value, selected):
    return results.url(remove=(name, value)) if selected else results.url(add=(name, value))


def source_facet(results):
    selected = [obj.slug for obj in results.filterset.selected("source")]
    rows = (
        counted_articles(results, skip={"source"})
        .exclude(source=None)
        .values("source__slug", "source__name")
        .annotate(n=Count("pk"), chosen=_selected_first("source__slug", selected))
        .order_by("-chosen", "-n", "source__name")[:FACET_LIMIT]
    )
    facet = Facet("source", "Source")
    for row in rows:
        slug, is_selected = row["source__slug"], row["source__slug"] in selected
        facet.values.append(
            FacetValue(
                slug,
                row["source__name"],
                row["n"],
                is_selected,
                _toggle(results, "source", slug, is_selected),
                results.url(add=("exclude_source", slug), remove=("source", slug)),
            )
        )
    return facet


def mention_facet(results, name, label, mention_model, entity_field):
    selected = [obj.slug for obj in results.filterset.selected(name)]
    articles = counted_articles(results).values("pk")
    slug_field, name_field = f"{entity_field}__slug", f"{entity_field}__name"
    rows = (
        mention_model.objects.filter(article__in=articles)
        .values(slug_field, name_field)
        .annotate(n=Count("article_id"), chosen=_selected_first(slug_field, selected))
        .order_by("-chosen", "-n", name_field)[:FACET_LIMIT]
    )
    facet = Facet(name, label, mode="all")
    for row in rows:
        slug, is_selected = row[slug_field], row[slug_field] in selected
        facet.values.append(
            FacetValue(
                slug,
                row[name_field],
                row["n"],
                is_selected,
                _toggle(results, name, slug, is_selected),
                results.url(add=(f"exclude_{name}", slug), remove=(name, slug)),
            )
        )
    return facet


# Facets counted from the articles' own columns, each with the filters it ignores.
OWN_COLUMN_FACETS = {
    "language": {"language"},
    "year": {"date_from", "date_to"},
    "dated": {"dated"},
}


def own_column_counts(results):
    """``{facet name: {value: count}}`` for language, year and date known.

    All three come from one GROUP BY language, year over their base: one scan
    of the matches when none of their filters is in force (the common case),
    one per distinct base otherwise."""
    filterset = results.filterset
    active = filterset.active_names()
    by_base = {}
    for name, ignores in OWN_COLUMN_FACETS.items():
        by_base.setdefault(frozenset(ignores & active), []).append(name)
    counts = {}
    for skip, names in by_base.items():
        rows = (
            counted_articles(results, skip=skip)
            .annotate(year=Year("published"))
            .values("language", "year")
            .annotate(n=Count("pk"))
        )
        tallies = {"language": Counter(), "year": Counter(), "dated": Counter()}
        for row in rows:
            tallies["language"][row["language"]] += row["n"]
            if row["year"] is not None:
                tallies["year"][row["year"]] += row["n"]
            tallies["dated"]["no" if row["year"] is None else "yes"] += row["n"]
        for name in names:
            counts[name] = tallies[name]
    return counts


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
