"""The per-month chart: server-rendered SVG, its data table, links and share mode."""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from articles.models import Actor, Location
from research.charts import Series, month_range, timeline_chart

from .research_data import make_article, make_source, mention

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def chart_svg(html):
    """The chart's <svg> element, parsed as the XML it must be."""
    match = re.search(r'<svg class="timeline-chart".*?</svg>', html, re.S)
    assert match, "no chart on the page"
    return ET.fromstring(match.group(0).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def table_rows(html):
    table = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [
        (row[0], row[1:])
        for row in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)
            for tr in re.findall(r"<tr>(.*?)</tr>", table)
        )
    ]


@pytest.fixture
def pokrovsk_articles():
    pokrovsk = Location.objects.create(name="Pokrovsk", kind="city")
    for day in (datetime.date(2024, 1, 5), datetime.date(2024, 1, 20), datetime.date(2024, 3, 2)):
        mention(make_article(f"Pokrovsk on {day}", published=day), pokrovsk)
    mention(make_article("Undated Pokrovsk report"), pokrovsk)
    mention(
        make_article("Draft on Pokrovsk", published=datetime.date(2024, 2, 1), status="draft"),
        pokrovsk,
    )
    make_article("Elsewhere in February", published=datetime.date(2024, 2, 10))
    make_article("Elsewhere in March", published=datetime.date(2024, 3, 10))
    return pokrovsk


def test_entity_page_shows_an_accessible_chart_of_its_articles_per_month(client, pokrovsk_articles):
    html = client.get("/locations/pokrovsk/").content.decode()
    svg = chart_svg(html)
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby").split()
    assert [el.get("id") for el in svg if el.tag in (f"{SVG}title", f"{SVG}desc")] == labelled_by
    assert "Articles per month" in html and "Month of publication" in html
    assert table_rows(html) == [
        ("January 2024", ["2"]),
        ("February 2024", ["0"]),
        ("March 2024", ["1"]),
    ]
    links = svg.findall(f"{SVG}a")
    assert [link.get("aria-label") for link in links] == [
        "Pokrovsk: January 2024, 2 articles",
        "Pokrovsk: March 2024, 1 article",
    ]
    heights = [float(link.find(f"{SVG}rect").get("height")) for link in links]
    assert heights[0] == pytest.approx(2 * heights[1])


def test_a_bar_links_to_the_search_narrowed_to_its_month(client, pokrovsk_articles):
    svg = chart_svg(client.get("/locations/pokrovsk/", {"chart": "share"}).content.decode())
    url = urlsplit(svg.find(f"{SVG}a").get("href"))
    assert url.path == "/search/"
    assert parse_qs(url.query) == {
        "location": ["pokrovsk"],
        "date_from": ["2024-01-01"],
        "date_to": ["2024-01-31"],
    }


def test_share_mode_shows_each_month_as_a_share_of_all_published_articles(
    client, pokrovsk_articles
):
    html = client.get("/locations/pokrovsk/", {"chart": "share"}).content.decode()
    assert "Share of all articles that month" in html
    assert table_rows(html) == [
        ("January 2024", ["2 (100%)"]),
        ("February 2024", ["0 (0%)"]),
        ("March 2024", ["1 (50%)"]),
    ]
    assert (
        'href="/locations/pokrovsk/#timeline"' in html
    )  # the switch back keeps the rest of the query


def test_source_and_actor_pages_have_charts_and_an_undated_entity_has_none(client):
    source = make_source()
    actor = Actor.objects.create(name="Valerii Zaluzhnyi", kind="person")
    article = make_article("Dated", source=source, published=datetime.date(2023, 11, 1))
    mention(article, actor)
    for entity in (source, actor):
        assert table_rows(client.get(entity.get_absolute_url()).content.decode()) == [
            ("November 2023", ["1"])
        ]
    undated = Actor.objects.create(name="Nobody dated", kind="person")
    mention(make_article("Undated"), undated)
    response = client.get(undated.get_absolute_url())
    assert response.status_code == 200 and b"timeline-chart" not in response.content


def test_headings_and_labels_are_escaped(client):
    actor = Actor.objects.create(name="<script>alert(1)</script>", kind="person")
    mention(make_article("Dated", published=datetime.date(2024, 5, 5)), actor)
    html = client.get(actor.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    chart_svg(html)  # still well-formed


def test_compare_lays_out_up_to_four_series_side_by_side():
    months = [datetime.date(2024, m, 1) for m in (1, 2, 3)]
    series = [
        Series(f"S{i}", [(month, i + 1) for month in months], QueryDict(f"q=s{i}"))
        for i in range(5)
    ]
    chart = timeline_chart(series)
    assert [s.label for s in chart.series] == ["S0", "S1", "S2", "S3"]
    assert len(chart.bars) == 12
    january = sorted(chart.bars, key=lambda bar: bar.x)[:4]
    assert [bar.label.split(":")[0] for bar in january] == ["S0", "S1", "S2", "S3"]
    assert len({bar.colour for bar in january}) == 4
    assert chart.rows[0].cells == ["1", "2", "3", "4"]
    assert parse_qs(urlsplit(january[2].url).query)["q"] == ["s2"]
    # The tallest bar reaches the top gridline, which is labelled with a round number.
    assert chart.y_ticks[-1].label == "4"
    assert min(bar.y for bar in chart.bars) == chart.y_ticks[-1].position


def test_month_range_crosses_years_and_fills_gaps():
    assert month_range(datetime.date(2023, 11, 1), datetime.date(2024, 2, 1)) == [
        datetime.date(2023, 11, 1),
        datetime.date(2023, 12, 1),
        datetime.date(2024, 1, 1),
        datetime.date(2024, 2, 1),
    ]


def test_no_chart_without_dated_articles():
    assert timeline_chart([Series("Empty", [])]) is None
    assert timeline_chart([]) is None


def test_search_page_charts_its_matches_in_place_when_it_read_them_all(client, pokrovsk_articles):
    html = client.get("/search/", {"q": "pokrovsk"}).content.decode()
    assert table_rows(html) == [
        ("January 2024", ["2"]),
        ("February 2024", ["0"]),
        ("March 2024", ["1"]),
    ]
    assert "data-chart-url" not in html


def test_past_its_window_the_search_links_to_its_chart_of_every_match(
    client, pokrovsk_articles, settings
):
    settings.ARCHIVE_SEARCH_WINDOW = 2
    html = client.get("/search/", {"q": "pokrovsk", "page": "2"}).content.decode()
    assert "<svg" not in html
    link = re.search(r'data-chart-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    url = urlsplit(link)
    assert url.path == "/search/months/" and parse_qs(url.query) == {"q": ["pokrovsk"]}
    assert f'<a href="{link.replace("&", "&amp;")}">' in html  # works without the script

    chart = client.get(link)
    assert chart.status_code == 200
    assert table_rows(chart.content.decode()) == [  # every match, not the 2 the page read
        ("January 2024", ["2"]),
        ("February 2024", ["0"]),
        ("March 2024", ["1"]),
    ]


def test_the_chart_page_of_a_bad_search_says_what_was_wrong(client, pokrovsk_articles):
    response = client.get("/search/months/", {"q": "pokrovsk", "date_from": "someday"})
    assert response.status_code == 400
    assert "date_from" in response.content.decode()


def test_a_busy_entity_page_counts_every_article_and_charts_them_in_place(
    client, pokrovsk_articles, settings
):
    """The total and the chart come from the kept month counts, so a busy
    entity's page has both however many articles it has read; the search
    months page of the entity's search answers from them too."""
    settings.ARCHIVE_SEARCH_WINDOW = 2
    settings.ARCHIVE_SEARCH_COUNT_LIMIT = 2
    settings.ARCHIVE_PAGE_SIZE = 1
    response = client.get("/locations/pokrovsk/")
    html = response.content.decode()
    assert "4 articles" in html and "<svg" in html
    assert response.context["page"].num_pages == 2
    expected = [  # all four published articles, three of them dated
        ("January 2024", ["2"]),
        ("February 2024", ["0"]),
        ("March 2024", ["1"]),
    ]
    assert table_rows(html) == expected
    chart = client.get("/search/months/", {"location": "pokrovsk"}).content.decode()
    assert table_rows(chart) == expected
    assert "Mentions: Pokrovsk" in chart

    past_the_end = client.get("/locations/pokrovsk/", {"page": "9"})
    assert past_the_end.status_code == 200
    assert "Only the newest 2 articles can be paged through" in past_the_end.content.decode()
