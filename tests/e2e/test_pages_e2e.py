"""What a person sees, in a real browser at desktop and phone width: the facet
"exclude" control without hovering, the month chart above the pagination, the
index filter without JavaScript, the 404 page and a generated article's
notice."""

import datetime

import pytest

from articles.models import Article, LocationMention

from ..search_corpus import build_corpus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def archive(transactional_db, settings):
    settings.ARCHIVE_PAGE_SIZE = 3
    corpus = build_corpus()
    for n in range(6):
        article = Article.objects.create(
            title=f"Kyiv under drone attack, night {n + 1}",
            body=f"Shahed-136 drones approached Kyiv from the south. Report {n + 1}.",
            source=corpus.sources["times"],
            published=datetime.date(2025, 1, 1) + datetime.timedelta(days=40 * n),
            generated=n == 0,
        )
        LocationMention.objects.create(article=article, location=corpus.locations["kyiv"])
    return corpus


def open_filters(page):
    filters = page.locator("details#filters")
    if filters.get_attribute("open") is None:
        filters.locator("summary").first.click()


def test_the_exclude_control_is_visible_without_hover(live_server, page, archive, screenshot):
    page.goto(live_server.url + "/search/?q=kyiv")
    open_filters(page)
    exclude = page.locator(".facet-value .exclude").first
    assert exclude.is_visible()
    assert exclude.evaluate("el => getComputedStyle(el).opacity") == "1"
    box = exclude.bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20  # big enough to tap
    screenshot(page, "search-facets")
    exclude.click()
    page.wait_for_url("**exclude_*")
    assert page.locator(".active-filters").is_visible()


def test_the_month_chart_sits_above_the_pagination(live_server, page, archive):
    page.goto(live_server.url + "/search/?q=kyiv")
    chart = page.locator("figure.timeline")
    pagination = page.locator("nav.pagination")
    assert chart.is_visible() and pagination.is_visible()
    assert chart.bounding_box()["y"] < pagination.bounding_box()["y"]


def test_the_index_filter_works_without_javascript(live_server, browser, archive, screenshot):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.width = 390
    try:
        page.goto(live_server.url + "/locations/")
        page.get_by_label("Filter places by name").fill("kharkov")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url("**q=kharkov*")
        rows = page.locator(".entity-table tbody th")
        assert rows.all_inner_texts() == ["Kharkiv"]
        screenshot(page, "places-filtered")
    finally:
        context.close()


def test_the_404_page_offers_the_search_and_navigation(live_server, page, archive, screenshot):
    response = page.goto(live_server.url + "/no/such/page/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    screenshot(page, "not-found")
    page.get_by_label("Search the archive instead").fill("kyiv")
    page.get_by_label("Search the archive instead").press("Enter")
    page.wait_for_url("**/search/?q=kyiv")


def test_a_generated_article_says_so_at_the_top(live_server, page, archive, screenshot):
    article = Article.objects.get(generated=True)
    page.goto(live_server.url + article.get_absolute_url())
    notice = page.locator(".generated-notice")
    assert notice.is_visible()
    assert notice.bounding_box()["y"] < page.locator(".body").bounding_box()["y"]
    assert page.get_by_role("heading", name="Provenance").is_visible()
    screenshot(page, "generated-article")
