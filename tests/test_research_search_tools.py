"""Exports, feed, result-set citations, chart and compare view of a search,
through real requests, checked against the search page for the same URL."""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET

import bibtexparser
import feedparser
import pytest
import rispy
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Location
from research import exports

from .research_data import front_articles, make_article, mention, search_slugs
from .test_research_charts import chart_svg, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def front():
    return front_articles()


def page_slugs(client, query_string):
    """The article slugs the search page lists, page after page, in order."""
    slugs, page = [], 1
    while True:
        response = client.get(f"/search/?{query_string}&page={page}")
        if response.status_code == 404 or page > 50:
            break
        listing = re.search(r'<ol class="results-list".*?</ol>', response.content.decode(), re.S)
        found = (
            list(dict.fromkeys(re.findall(r'href="/articles/([\w-]+)/', listing[0])))
            if listing
            else []
        )
        if not found or (slugs and found[0] in slugs):
            break
        slugs += found
        page += 1
    return slugs


def streamed_text(response):
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def read_csv(text):
    lines = text.splitlines(keepends=True)
    comments = [line for line in lines if line.startswith("#")]
    body = "".join(line for line in lines if not line.startswith("#"))
    return comments, list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize(
    "query_string",
    [
        "q=Pokrovsk",
        "q=Pokrovsk&sort=oldest",
        "source=institute-for-the-study-of-war&sort=newest",
        "",
    ],
)
def test_csv_rows_match_the_search_page_for_the_same_url(client, front, query_string):
    comments, rows = read_csv(streamed_text(client.get(f"/search/export.csv?{query_string}")))
    exported = [row["slug"] for row in rows]
    assert exported == search_slugs(query_string)
    assert exported == page_slugs(client, query_string)
    assert exported and all(slug in front for slug in exported)
    assert any(line.startswith("# archive version: ") for line in comments)


def test_jsonl_rows_match_the_csv_and_record_the_query(client, front):
    text = streamed_text(client.get("/search/export.jsonl?q=Pokrovsk&source=kyiv-independent"))
    first, *lines = text.splitlines()
    meta = json.loads(first)["_export"]
    assert meta["query"] == "Pokrovsk"
    assert meta["filters"] == {"source": ["kyiv-independent"]}
    records = [json.loads(line) for line in lines]
    assert [r["slug"] for r in records] == search_slugs("q=Pokrovsk&source=kyiv-independent")
    assert {r["source"] for r in records} == {"Kyiv Independent"}
    assert all(r["locations"] == ["Pokrovsk"] for r in records)


def test_exports_of_a_rejected_search_are_400_with_the_reason(client, front):
    for url in (
        "/search/export.csv",
        "/search/export.jsonl",
        "/search/feed.atom",
        "/search/cite.bib",
    ):
        response = client.get(url, {"date_from": "not-a-date"})
        if response.status_code == 200:  # the search read the value leniently
            continue
        assert response.status_code == 400
        assert response.content


ATOM = "{http://www.w3.org/2005/Atom}"


def assert_valid_atom(feed):
    """The elements RFC 4287 requires of a feed and its entries, once each."""
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)


def test_atom_feed_parses_newest_first_and_records_its_search(client, front):
    response = client.get("/search/feed.atom", {"q": "Pokrovsk", "sort": "oldest"})
    assert response["Content-Type"].startswith("application/atom+xml")
    assert_valid_atom(ET.fromstring(response.content))
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles == [front[s].title for s in search_slugs("q=Pokrovsk&sort=newest")]
    assert titles[0] == "Fighting near Pokrovsk, report 2"
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/articles/{entry.link.split('/')[-2]}/"
    assert entry.author == "Analyst 2"
    assert entry.published.startswith("2024-02-20")
    assert "Pokrovsk" in feed.feed.title
    assert "q=Pokrovsk" in feed.feed.subtitle and "archive version" in feed.feed.subtitle
    assert feed.feed.generator_detail["version"]


def test_atom_feed_shows_html_in_headlines_as_text(client, db):
    make_article(
        "<script>alert('x')</script> Pokrovsk\x0b",
        body="<img src=x onerror=alert(1)> Pokrovsk.",
        published=datetime.date(2024, 5, 1),
    )
    response = client.get("/search/feed.atom", {"q": "Pokrovsk"})
    assert b"<script>" not in response.content and b"<img" not in response.content
    [entry] = feedparser.parse(response.content).entries
    assert entry.title == "<script>alert('x')</script> Pokrovsk"
    assert "<img" not in entry.summary and "onerror" in entry.summary


def test_search_page_advertises_its_feed_and_exports(client, front):
    html = client.get("/search/", {"q": "Pokrovsk", "page": "1"}).content.decode()
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*'
        r'href="/search/feed.atom\?q=Pokrovsk"',
        html,
    )
    for url in (
        "/search/export.csv?q=Pokrovsk",
        "/search/export.jsonl?q=Pokrovsk",
        "/search/cite.bib?q=Pokrovsk",
    ):
        assert f'href="{url}"' in html


def test_search_page_chart_counts_the_matching_articles(client, front):
    html = client.get("/search/", {"q": "Pokrovsk"}).content.decode()
    assert table_rows(html) == [
        ("January 2024", ["1"]),
        ("February 2024", ["2"]),
    ]
    link = chart_svg(html).find("{http://www.w3.org/2000/svg}a").get("href")
    assert link == "/search/?q=Pokrovsk&date_from=2024-01-01&date_to=2024-01-31"
    # The bar's link narrows the search to its month.
    assert search_slugs(link.split("?", 1)[1]) == search_slugs(
        "q=Pokrovsk&date_from=2024-01-01&date_to=2024-01-31"
    )


def test_result_set_citations_parse_and_record_their_search(client, front):
    expected = search_slugs("q=Pokrovsk")
    bib = streamed_text(client.get("/search/cite.bib", {"q": "Pokrovsk"}))
    library = bibtexparser.parse_string(bib)
    assert not library.failed_blocks
    assert [entry.key for entry in library.entries] == expected
    assert "% query: Pokrovsk" in bib
    ris = rispy.loads(streamed_text(client.get("/search/cite.ris", {"q": "Pokrovsk"})))
    assert [record["id"] for record in ris] == expected
    items = json.loads(streamed_text(client.get("/search/cite.json", {"q": "Pokrovsk"})))
    assert [item["id"] for item in items] == expected
    assert "q=Pokrovsk" in items[0]["note"]


def test_compare_puts_up_to_four_searches_on_one_chart(client, front):
    response = client.get("/search/compare/", {"q": ["Pokrovsk", "Kupiansk", ""]})
    assert response.status_code == 200
    html = response.content.decode()
    assert table_rows(html) == [
        ("January 2024", ["1", "0"]),
        ("February 2024", ["2", "1"]),
        ("March 2024", ["0", "0"]),
        ("April 2024", ["0", "1"]),
    ]
    assert "“Pokrovsk” against “Kupiansk”" in html
    share = client.get("/search/compare/", {"q": ["Pokrovsk", "Kupiansk"], "chart": "share"})
    assert table_rows(share.content.decode())[1] == ("February 2024", ["2 (67%)", "1 (33%)"])
    empty = client.get("/search/compare/")
    assert empty.status_code == 200 and b"timeline-chart" not in empty.content


HOSTILE = [
    {"q": '"unbalanced'},
    {"q": "OR OR -"},
    {"q": "*"},
    {"q": "NEAR(a b) AND ' OR 1=1 --"},
    {"q": "x" * 5_000},
    {"q": "nul\x00byte\x07"},
    {"q": "Київ Pokrovsk =HYPERLINK()"},
    {"page": "-3"},
    {"page": "9" * 40},
    {"source": "no-such-source", "actor": "<script>"},
    {"date_from": "2024-13-45", "date_to": "yesterday"},
    {"sort": "'; DROP TABLE articles_article; --"},
    {"chart": "share", "q": ["a", "b", "c", "d", "e", "f"]},
]
RESEARCH_URLS = [
    "/search/export.csv",
    "/search/export.jsonl",
    "/search/feed.atom",
    "/search/cite.bib",
    "/search/cite.ris",
    "/search/cite.json",
    "/search/compare/",
    "/search/",
    "/api/articles/",
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_parameters_get_an_answer_not_a_server_error(client, front, params):
    for url in RESEARCH_URLS:
        response = client.get(url, params)
        # The API answers a filter naming nothing the archive has with a JSON 404.
        allowed = (200, 400, 404) if url.startswith("/api/") else (200, 400)
        assert response.status_code in allowed, (url, params, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)


def test_a_large_export_response_starts_before_all_rows_are_read(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    pokrovsk = Location.objects.create(name="Pokrovsk", kind="city")
    for n in range(60):
        mention(
            make_article(f"Report {n} from Pokrovsk", published=datetime.date(2024, 1, 1)), pokrovsk
        )
    response = client.get("/search/export.csv", {"q": "Pokrovsk"})
    assert response.status_code == 200 and response.streaming
    body = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(body)
        read_before_first_line = [q for q in queries.captured_queries if "mention" in q["sql"]]
        rest = b"".join(body)
    mention_queries = [q for q in queries.captured_queries if "mention" in q["sql"]]
    assert first.startswith(b"# search: ")
    assert read_before_first_line == []  # nothing but the search had run when it was sent
    assert len(mention_queries) == 2 * 6  # actors and places, chunk by chunk
    assert rest.count(b"\r\n") == 60 + 1 + 4
