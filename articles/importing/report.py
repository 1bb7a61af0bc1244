"""What an import made of each source, for an editor to check at a glance
(``manage.py corpus_report``)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from ..models import ActorMention, Article, LocationMention, Source, SourceFurniture
from .structure import BYLINE, DATELINE, FOOTNOTE

TOP_ENTITIES = 8


@dataclass
class SourceReport:
    source: Source
    articles: int = 0
    furniture: list = field(default_factory=list)  # SourceFurniture rows
    bylines: int = 0  # articles with a byline taken out
    authors_filled: int = 0  # of those, articles whose authors came from it
    datelines: int = 0
    dates_filled: int = 0
    footnoted: int = 0  # articles with footnote marks
    top_actors: list = field(default_factory=list)  # (name, articles)
    top_locations: list = field(default_factory=list)

    def furniture_counts(self):
        """``{(kind, status): rows}``."""
        return Counter((row.kind, row.status) for row in self.furniture)


def corpus_report(sources=None):
    """A :class:`SourceReport` for each source (all by default), biggest first."""
    sources = list(Source.objects.all() if sources is None else sources)
    counts = dict(
        Article.objects.filter(source__in=sources)
        .order_by()
        .values("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
    )
    reports = {source.pk: SourceReport(source, counts.get(source.pk, 0)) for source in sources}
    for row in SourceFurniture.objects.filter(source__in=sources).order_by(
        "source", "kind", "-article_count", "pk"
    ):
        reports[row.source_id].furniture.append(row)
    rows = Article.objects.filter(source__in=sources).exclude(furniture=[]).order_by()
    for source_id, items in rows.values_list("source_id", "furniture").iterator(chunk_size=2000):
        report = reports[source_id]
        kinds = {item.get("kind"): item for item in items if item.get("kind") != FOOTNOTE}
        report.footnoted += any(item.get("kind") == FOOTNOTE for item in items)
        if BYLINE in kinds:
            report.bylines += 1
            report.authors_filled += bool(kinds[BYLINE].get("filled"))
        if DATELINE in kinds:
            report.datelines += 1
            report.dates_filled += any(
                item.get("kind") == DATELINE and item.get("filled") for item in items
            )
    for model, entity, target in (
        (ActorMention, "actor", "top_actors"),
        (LocationMention, "location", "top_locations"),
    ):
        for report in reports.values():
            if not report.articles:
                continue
            top = (
                model.objects.filter(article__source=report.source)
                .order_by()
                .values(f"{entity}__name")
                .annotate(n=Count("article"))
                .order_by("-n", f"{entity}__name")[:TOP_ENTITIES]
            )
            setattr(report, target, [(row[f"{entity}__name"], row["n"]) for row in top])
    return sorted(reports.values(), key=lambda report: (-report.articles, report.source.name))
