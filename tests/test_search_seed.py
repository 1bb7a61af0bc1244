"""Search over the seed archive (the gazetteer and the five seed texts, imported
as `make demo` does).  The expected articles come from reading the texts with a
regular expression, not from a list written down: the search must agree with a
plain reading of the words."""

import re

import pytest
from django.db import connection

from articles.models import Article, Location

pytestmark = pytest.mark.django_db


def text_of(article):
    return "\n".join([article.title, article.lede, article.body])


def expected(pattern):
    regex = re.compile(pattern, re.IGNORECASE)
    return {a.slug for a in Article.objects.published() if regex.search(text_of(a))}


def names_pattern(entity):
    names = sorted({alias.name for alias in entity.aliases.all()}, key=len, reverse=True)
    return r"(?<!\w)(" + "|".join(re.escape(name) for name in names) + r")(?!\w)"


def found(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return {a.slug for a in response.context["page"].items}


# The seed archive takes a second or two to import: one test per group of queries.
SEARCHES = [
    ({"q": "Kremlin", "exact": "1"}, r"\bkremlin"),
    ({"q": "retreat"}, r"\bretreat"),
    ({"q": "negotiat*"}, r"\bnegotiat"),
    ({"q": '"Institute for the Study of War"', "exact": "1"}, r"institute for the study of war"),
    ({"q": "drones OR Donbas", "exact": "1"}, r"\bdrones?\b|\bdonbas\b"),
    ({"q": "Kremlin -Putin", "exact": "1"}, r"^(?![\s\S]*\bputin)[\s\S]*\bkremlin"),
    ({"q": "Snake Island", "exact": "1"}, r"snake[\s\S]*island|island[\s\S]*snake"),
]


def test_seed_searches_agree_with_the_text(client, seed_archive):
    for params, pattern in SEARCHES:
        assert found(client, **params) == expected(pattern), params


def test_every_spelling_of_kyiv_finds_every_article_naming_it(client, seed_archive):
    kyiv = Location.objects.get(slug="kyiv")
    articles = expected(names_pattern(kyiv))
    assert len(articles) >= 4  # Kyiv in English and Києва in a Ukrainian caption
    for typed in ["Kiev", "Kyiv", "Київ", "Киев"]:
        assert found(client, q=typed) == articles, typed


def test_kharkov_finds_kharkiv(client, seed_archive):
    kharkiv = Location.objects.get(slug="kharkiv")
    assert found(client, q="Kharkov") == expected(names_pattern(kharkiv))
    assert found(client, q="Kharkov", exact="1") == set()


def test_seed_result_pages_render_with_highlights(client, seed_archive):
    response = client.get("/search/", {"q": "Kiev"})
    page = response.content.decode()
    assert page.count('class="result"') == len(response.context["page"].items)
    assert "<mark>Kyiv</mark>" in page
    for article in response.context["page"].items:
        opened = client.get(article.search_url)
        assert opened.status_code == 200
        assert "<mark>" in opened.content.decode(), article.slug


def test_seed_index_is_complete(seed_archive):
    """Every published article is in the full-text index (import went through the triggers)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM articles_article WHERE search_vector IS NULL")
            assert cursor.fetchone()[0] == 0
        else:
            cursor.execute(
                "INSERT INTO articles_article_fts(articles_article_fts, rank) "
                "VALUES ('integrity-check', 1)"
            )
