"""Bad input never causes a server error: every public page answers 200 or 400
(404 for an unknown slug) to malformed, hostile or absurd parameters, and says
what was wrong."""

import pytest
from django.db.models import F

from articles.models import Article

from .search_corpus import build_corpus

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    '"unbalanced',
    "-",
    "--",
    "OR OR",
    "OR",
    "*",
    '"',
    '""',
    'a" OR "b',
    "NOT",
    "AND AND NOT OR",
    "NEAR(kyiv pokrovsk, 3)",
    "title:kyiv",
    "^kyiv",
    "kyiv:*",
    "kyiv & !pokrovsk | (a <-> b)",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    "((((",
    "))))",
    "{}[]\\",
    "x" * 3_000,  # longer than a query keeps; a longer address is refused (414)
    "kyiv " * 600,
    "a" * 300,
    "\x00",
    "kyiv\x00pokrovsk",
    "\x01\x02\x1f\x7f",
    "\ue000kyiv\ue001",
    "\u202ekyiv",
    "كييف OR 基辅",
    "🙂 🚀",
    "Київ-Kyiv—Kiev",
    "s-*",
    "-*",
    '-"',
    "kyiv -",
    "* * *",
    "%",
    "_",
    "''",
    "\\'",
]

BAD_PARAMS = [
    {"page": "-1"},
    {"page": "0"},
    {"page": "99999999999999999999999"},
    {"page": "abc"},
    {"page": "1.5"},
    {"page": " 2"},
    {"page": "\x00"},
    {"page": ["1", "2"]},
    {"source": "no-such-source"},
    {"source": "\x00"},
    {"source": "../../etc/passwd"},
    {"source": "x" * 5000},
    {"actor": ["putin", "ghost", "nobody"]},
    {"location": "kyiv\x00"},
    {"exclude_source": "'; DROP TABLE x; --"},
    {"exclude_actor": ["putin"] * 100},
    {"exclude_location": ""},
    {"language": "xx"},
    {"language": ["en", "\x00"]},
    {"date_from": "2024-13-45"},
    {"date_to": "99999-01-01"},
    {"date_from": "yesterday"},
    {"date_from": "2024-05-01", "date_to": "2023-01-01"},
    {"date_from": "\x00"},
    {"dated": "maybe"},
    {"sort": "drop table"},
    {"sort": "\x00"},
    {"exact": "banana"},
    {"unknown": "value"},
]


@pytest.fixture
def corpus(db):
    return build_corpus()


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_search_survives_any_query(client, corpus, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400)
    assert response.context["page"] is not None


@pytest.mark.parametrize("params", BAD_PARAMS)
def test_search_survives_bad_parameters(client, corpus, params):
    response = client.get("/search/", {"q": "kyiv", **params})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "could not be used" in response.content.decode()


@pytest.mark.parametrize("query", BAD_QUERIES[::3])
def test_article_page_survives_any_query(client, corpus, query):
    url = corpus.articles["retreat"].get_absolute_url()
    assert client.get(url, {"q": query, "exact": query}).status_code == 200


@pytest.mark.parametrize("page", ["-1", "abc", "0", "99999999999999999999999", "\x00"])
@pytest.mark.parametrize("url", ["/actors/putin/", "/locations/kyiv/", "/sources/isw/", "/actors/"])
def test_browsing_pages_survive_bad_page_numbers(client, corpus, url, page):
    response = client.get(url, {"page": page, "kind": page, "sort": page})
    assert response.status_code in (200, 400)


def test_unknown_filter_value_is_reported_and_the_rest_still_applies(client, corpus):
    response = client.get("/search/", {"q": "kyiv", "source": ["the-times", "ghost"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "there is no source “ghost”" in page
    assert {a.slug for a in response.context["page"].items} == corpus.slugs("s300", "kiev_spelling")
    # Links from this page do not repeat the mistake.
    assert "ghost" not in response.context["results"].url(sort="newest")


def test_bad_page_number_shows_the_first_page(client, corpus):
    response = client.get("/search/", {"q": "kyiv", "page": "abc"})
    assert response.status_code == 400
    assert response.context["page"].number == 1
    assert "is not a page number" in response.content.decode()


def test_page_past_the_end_shows_the_last(client, corpus):
    response = client.get("/search/", {"q": "kyiv", "page": "999999999"})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert "There is only one page of results; this is the last." in response.content.decode()


def test_long_query_is_cut_and_says_so(client, corpus):
    response = client.get("/search/", {"q": "kyiv " * 1000})
    assert response.status_code == 200
    assert "was cut" in response.content.decode()
    assert len(response.context["results"].parsed.text) <= 500


def test_date_range_the_wrong_way_round_is_reported(client, corpus):
    response = client.get("/search/", {"date_from": "2024-05-01", "date_to": "2023-01-01"})
    assert response.status_code == 400
    assert "after" in response.content.decode()


def test_counting_stops_at_the_limit_and_says_so(client, corpus, settings):
    settings.ARCHIVE_SEARCH_COUNT_LIMIT = 3
    settings.ARCHIVE_SEARCH_WINDOW = 2
    settings.ARCHIVE_PAGE_SIZE = 2
    response = client.get("/search/", {"q": "kyiv", "sort": "newest"})  # four matches
    page = response.content.decode()
    assert "3+ articles" in page and "more than 3 match" in page
    assert response.context["page"].num_pages == 2
    response = client.get("/search/", {"q": "kyiv", "sort": "newest", "page": "3"})
    assert response.status_code == 200 and response.context["page"].number == 2
    assert len(response.context["page"].items) == 1  # the third, read past the window
    assert "Only the first 3 results can be paged through" in response.content.decode()
    # The interface still gives every match.
    assert response.context["results"].queryset.count() == 4


def test_a_search_past_its_window_ranks_its_newest_matches(client, corpus, settings):
    """Past its window the page ranks only the matches it has read, the
    newest, and says so; the interface (exports) still ranks every match."""
    settings.ARCHIVE_SEARCH_WINDOW = 3
    response = client.get("/search/", {"q": "kyiv"})  # four matches, one undated
    results = response.context["results"]
    every = list(results.queryset)
    assert len(every) == 4
    newest = set(
        Article.objects.filter(pk__in=[a.pk for a in every])
        .order_by(F("published").desc(nulls_last=True), "-created", "-pk")
        .values_list("pk", flat=True)[:3]
    )
    shown = [a.pk for a in response.context["page"].items]
    assert shown == [a.pk for a in every if a.pk in newest]
    assert "best matches among the newest 3" in response.content.decode()
    newest_first = client.get("/search/", {"q": "kyiv", "sort": "newest"})
    assert "best matches" not in newest_first.content.decode()
