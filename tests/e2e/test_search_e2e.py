"""Search, filter, paginate and open an article in a real browser, at desktop
and phone width, on whichever database the suite runs on."""

import datetime
import re

import pytest

from articles.models import Article, LocationMention

from ..search_corpus import build_corpus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def archive(transactional_db, settings):
    settings.ARCHIVE_PAGE_SIZE = 5
    corpus = build_corpus()
    for n in range(8):
        article = Article.objects.create(
            title=f"Kyiv under drone attack, night {n + 1}",
            lede="Air defence was active over the capital.",
            body=f"Shahed-136 drones approached Kyiv from the south. Report {n + 1}.",
            source=corpus.sources["times"],
            published=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
        )
        LocationMention.objects.create(article=article, location=corpus.locations["kyiv"])
    return corpus


def open_filters(page):
    """On a phone the filters start folded; unfold them."""
    filters = page.locator("details#filters")
    if filters.get_attribute("open") is None:
        filters.locator("summary").first.click()


def test_search_filter_paginate_and_open_an_article(live_server, page, archive, screenshot):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Search the archive").fill("Kiev")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Kiev"))

    count = page.locator("#results-title")
    assert count.inner_text().startswith("12 articles")
    assert "also searched" in page.locator(".expansions").inner_text()
    assert page.locator(".result mark").count() >= 5
    screenshot(page, "search")

    # Filter by a source: the count beside it is the count we get.
    open_filters(page)
    times = page.locator("#facet-source + ul .facet-value", has_text="The Times")
    expected = int(times.locator(".count").inner_text())
    times.locator("a.toggle").click()
    page.wait_for_url(re.compile(r"source=the-times"))
    assert count.inner_text().startswith(f"{expected} articles")
    assert page.locator(".active-filters").inner_text().count("The Times") == 1

    # Page 2 keeps the query and the filter.
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert "q=Kiev" in page.url and "source=the-times" in page.url
    assert page.locator('.pagination [aria-current="page"]').inner_text() == "2"
    titles = page.locator(".result-title a").all_inner_texts()
    assert titles

    # Open an article: the search is highlighted, and the jump link works.
    page.locator(".result-title a").first.click()
    page.wait_for_url(re.compile(r"/articles/.+\?q=Kiev"))
    assert page.locator("article mark").count() >= 1
    page.get_by_role("link", name="Jump to the first match").click()
    assert re.search(r"#p\d+$", page.url)
    screenshot(page, "article")


def test_back_button_restores_the_search(live_server, page, archive):
    page.goto(live_server.url + "/search/?q=pokrovsk")
    first = page.locator("#results-title").inner_text()
    open_filters(page)
    page.locator("#facet-language + ul a.toggle").first.click()
    page.wait_for_url(re.compile(r"language="))
    page.go_back()
    page.wait_for_url(re.compile(r"/search/\?q=pokrovsk$"))
    assert page.locator("#results-title").inner_text() == first


def test_keyboard_only_search(live_server, page, archive):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # site name
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    page.keyboard.type("HIMARS")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=HIMARS"))
    assert page.locator(".result").count() == 1


def test_empty_result_explains_itself(live_server, page, archive, screenshot):
    page.goto(live_server.url + "/search/?q=himars&source=meduza")
    text = page.locator(".empty").inner_text()
    assert "No published article matches" in text and "Remove a filter" in text
    screenshot(page, "no-results")


def test_entity_page(live_server, page, archive, screenshot):
    page.goto(live_server.url + "/locations/kyiv/")
    assert page.locator("h1").inner_text() == "Kyiv"
    assert "Kiev" in page.locator(".aliases").inner_text()
    assert page.locator(".timeline-data tbody tr").count() >= 2
    # Whether the chart fits or scrolls (phone), its newest month is in view.
    newest_bar = page.locator(".timeline-chart a rect").last
    assert newest_bar.evaluate(
        "bar => { const box = bar.getBoundingClientRect();"
        " return box.left >= 0 && box.right <= innerWidth; }"
    )
    screenshot(page, "location")


def test_a_search_past_its_window_loads_its_chart_after_the_page(
    live_server, page, archive, settings, screenshot
):
    settings.ARCHIVE_SEARCH_WINDOW = 3
    page.goto(live_server.url + "/search/?q=Kyiv")
    assert page.locator("#results-title").inner_text().startswith("12 articles")
    chart = page.locator("figure.timeline svg.timeline-chart")
    chart.wait_for()
    assert page.locator("[data-chart-url]").count() == 0  # the link gave way to the chart
    counts = page.locator("figure.timeline tbody td").all_text_contents()
    assert sum(map(int, counts)) > 3  # every match, not the 3 the page read
    screenshot(page, "search-chart-loaded")
