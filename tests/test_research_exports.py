"""Exports of a search: CSV and JSON Lines, streamed, spreadsheet-safe, and
carrying the query that produced them."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from articles.models import Actor, Article, Location
from research import exports

from .research_data import make_article, make_source, mention

pytestmark = pytest.mark.django_db


def read_csv(text):
    """The comment header and the rows, as a researcher's script reads them."""
    lines = text.splitlines(keepends=True)
    comments = [line.rstrip("\r\n") for line in lines if line.startswith("#")]
    rows = list(
        csv.DictReader(io.StringIO("".join(line for line in lines if not line.startswith("#"))))
    )
    return comments, rows


@pytest.fixture
def request_for():
    def build(query_string=""):
        return RequestFactory().get(f"/search/export.csv?{query_string}")

    return build


def test_records_carry_every_column_with_mentions_most_frequent_first(request_for):
    source = make_source()
    article = make_article(
        "Assessment",
        source=source,
        published=datetime.date(2024, 3, 5),
        authors=["A. Author", "B. Author"],
        url="https://example.org/a",
        language="en",
    )
    mention(article, Actor.objects.create(name="Minor", kind="person"), count=1)
    mention(article, Actor.objects.create(name="Major", kind="person"), count=4)
    mention(article, Location.objects.create(name="Pokrovsk", kind="city"), count=2)
    bare = make_article("Bare", language="und")
    records = list(
        exports.export_records(
            Article.objects.filter(pk__in=[article.pk, bare.pk]).order_by("pk"), request_for()
        )
    )
    assert records == [
        {
            "slug": article.slug,
            "headline": "Assessment",
            "source": source.name,
            "authors": ["A. Author", "B. Author"],
            "date": "2024-03-05",
            "language": "en",
            "url": "https://example.org/a",
            "actors": ["Major", "Minor"],
            "locations": ["Pokrovsk"],
            "archive_link": f"http://testserver/articles/{article.slug}/",
            "generated": False,
        },
        {
            "slug": bare.slug,
            "headline": "Bare",
            "source": None,
            "authors": [],
            "date": None,
            "language": "und",
            "url": None,
            "actors": [],
            "locations": [],
            "archive_link": f"http://testserver/articles/{bare.slug}/",
            "generated": False,
        },
    ]


@pytest.mark.parametrize(
    "headline",
    ['=HYPERLINK("http://evil","x")', "+1+2", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn"],
)
def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(request_for, headline):
    article = make_article(headline, authors=["=cmd|' /C calc'!A0"])
    hostile = request_for("q=%3D1%2B1%2C%3DSUM(A1)&source=%40x")
    meta = exports.export_metadata(hostile, exports.search_params(hostile))
    text = "".join(
        exports.csv_lines(exports.export_records(Article.objects.all(), request_for()), meta)
    )
    comments, [row] = read_csv(text)
    assert row["headline"] == "'" + headline
    assert row["authors"] == "'=cmd|' /C calc'!A0"
    assert row["slug"] == article.slug
    # The comment header stays one cell per line, so it cannot smuggle a formula either.
    for line in comments:
        [cell] = next(csv.reader([line]))
        assert cell.startswith("# ")


def test_csv_and_jsonl_record_the_query_filters_time_and_version(request_for):
    make_article("One", published=datetime.date(2024, 1, 1))
    request = request_for("q=%22Wagner+Group%22+Bakhmut&source=isw&source=rusi&page=3")
    meta = exports.export_metadata(request, exports.search_params(request))
    assert meta["query"] == '"Wagner Group" Bakhmut'
    assert meta["filters"] == {"source": ["isw", "rusi"]}
    assert meta["archive_version"] == exports.archive_version() != "unknown"
    assert datetime.datetime.fromisoformat(meta["exported_at"]).tzinfo is not None

    records = list(exports.export_records(Article.objects.all(), request))
    comments, rows = read_csv("".join(exports.csv_lines(iter(records), meta)))
    assert comments == [
        "# search: http://testserver/search/?q=%2522Wagner+Group%2522+Bakhmut&source=isw&source=rusi",
        "# query: %22Wagner Group%22 Bakhmut",
        "# filters: source=isw | rusi",
        f"# exported at: {meta['exported_at']}",
        f"# archive version: {meta['archive_version']}",
    ]
    assert [row["headline"] for row in rows] == ["One"]

    first, *lines = "".join(exports.jsonl_lines(iter(records), meta)).splitlines()
    assert json.loads(first) == {"_export": meta}
    assert [json.loads(line) for line in lines] == records


def test_export_reads_the_database_chunk_by_chunk(request_for, monkeypatch):
    """The first lines are out before most rows have been read: memory stays flat."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    pokrovsk = Location.objects.create(name="Pokrovsk", kind="city")
    for n in range(60):
        mention(make_article(f"Article {n}"), pokrovsk)
    meta = exports.export_metadata(request_for(), QueryDict())
    lines = exports.csv_lines(
        exports.export_records(Article.objects.order_by("pk"), request_for()), meta
    )
    with CaptureQueriesContext(connection) as queries:
        head = [next(lines) for _ in range(len(exports.export_header_lines(meta)) + 2)]
        after_first_row = len(queries)
        rest = list(lines)
    assert head[-1].startswith(Article.objects.order_by("pk").first().slug)
    assert len(rest) == 59
    # One chunk (its rows and their mentions) before the first row, all six by the end.
    assert after_first_row < len(queries)
    mention_queries = [q for q in queries.captured_queries if "locationmention" in q["sql"]]
    assert len(mention_queries) == 6
