"""What every export and feed records about the search that produced it.

A figure in a paper should be reproducible: each CSV, JSON Lines file, feed and
result-set citation carries the query string, the filters, the time of export
and the archive version (see :func:`export_metadata`).
"""

import csv
import json
from collections import defaultdict
from itertools import islice

from django.urls import reverse
from django.utils import timezone

from articles.models import ActorMention, LocationMention
from articles.version import archive_version

from .charts import SHARE_PARAM
from .citations import one_line


def search_params(request, **overrides):
    """``request``'s search parameters for all of its results: no page number and no
    chart switch, with ``overrides`` (e.g. ``sort="newest"``) applied."""
    params = request.GET.copy()
    for name in ("page", SHARE_PARAM):
        params.pop(name, None)
    for name, value in overrides.items():
        params.setlist(name, [value])
    return params


def export_metadata(request, params):
    """The query, filters, time and version behind an export of the search ``params``."""
    filters = {
        name: params.getlist(name)
        for name in sorted(params)
        if name != "q" and any(params.getlist(name))
    }
    query_string = params.urlencode()
    search_page = request.build_absolute_uri(reverse("articles:search"))
    return {
        "query": params.get("q", ""),
        "filters": filters,
        "query_string": query_string,
        "search_url": f"{search_page}?{query_string}" if query_string else search_page,
        "exported_at": timezone.now().replace(microsecond=0).isoformat(),
        "archive_version": archive_version(),
    }


def export_header_lines(meta):
    """The metadata as ``key: value`` lines for a file's comment header.

    Values are single lines; ``%``, ``,`` and ``"`` are percent-encoded so that a
    spreadsheet reading the comment as CSV cannot split it into cells (and a
    cell beginning with ``=`` cannot appear).
    """
    filters = "; ".join(f"{name}={' | '.join(values)}" for name, values in meta["filters"].items())
    lines = [
        ("search", meta["search_url"]),
        ("query", meta["query"]),
        ("filters", filters or "none"),
        ("exported at", meta["exported_at"]),
        ("archive version", meta["archive_version"]),
    ]
    return [f"{key}: {_comment_safe(value)}" for key, value in lines]


def _comment_safe(value):
    text = one_line(value)
    return text.replace("%", "%25").replace(",", "%2C").replace('"', "%22")


# The export's columns, in order.
COLUMNS = [
    "slug",
    "headline",
    "source",
    "authors",
    "date",
    "language",
    "url",
    "actors",
    "locations",
    "archive_link",
    "generated",
]
# Rows are read from the database this many at a time (with their mentions).
CHUNK_SIZE = 1000
# What a spreadsheet would read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_records(queryset, request):
    """One dict per article of ``queryset``, in its order, read in chunks so memory
    stays flat however many there are.

    Plain values and one query per chunk for each kind of mention, rather than
    model instances and prefetch_related: the export is several times faster.
    """
    # Every archive link has the same shape; reverse() once rather than per row.
    before, after = reverse("articles:article_detail", args=["SLUG"]).split("SLUG")
    before = request.build_absolute_uri(before)
    rows = queryset.values_list(*RECORD_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        actors = _names_by_article(ActorMention, "actor__name", ids)
        locations = _names_by_article(LocationMention, "location__name", ids)
        for pk, slug, title, source, authors, published, language, url, generated in chunk:
            yield {
                "slug": slug,
                "headline": title,
                "source": source,
                "authors": list(authors or []),
                "date": published.isoformat() if published else None,
                "language": language,
                "url": url or None,
                "actors": actors.get(pk, []),
                "locations": locations.get(pk, []),
                "archive_link": before + slug + after,
                "generated": generated,
            }


RECORD_FIELDS = (
    "pk",
    "slug",
    "title",
    "source__name",
    "authors",
    "published",
    "language",
    "url",
    "generated",
)


def _names_by_article(mention_model, name_field, article_ids):
    """{article id: [entity names, most-mentioned first]} for ``article_ids``."""
    names = defaultdict(list)
    pairs = (
        mention_model.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "-count", name_field)
        .values_list("article_id", name_field)
    )
    for article_id, name in pairs:
        names[article_id].append(name)
    return names


def csv_lines(records, meta):
    """The export as CSV text, line by line: a ``#`` comment header, the column
    names, then one spreadsheet-safe row per record (lists joined with "; ")."""
    buffer = _LineBuffer()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in export_header_lines(meta):
        yield f"# {line}\r\n"
    yield writer.writerow(COLUMNS)
    for record in records:
        yield writer.writerow([spreadsheet_safe(_cell(record[name])) for name in COLUMNS])


def jsonl_lines(records, meta):
    """The export as JSON Lines: a first line ``{"_export": metadata}``, then one
    object per record."""
    yield json.dumps({"_export": meta}, ensure_ascii=False) + "\n"
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def spreadsheet_safe(value):
    """``value`` with a leading apostrophe if a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


class _LineBuffer:
    """A file-like object whose write() hands the line back to csv.writer's caller."""

    def write(self, value):
        return value
