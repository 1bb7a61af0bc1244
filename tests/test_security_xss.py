"""Stored XSS: an imported article whose headline, lede, body, authors, tags and
source carry markup and script, and a gazetteer alias that does, is shown as
text everywhere: public pages, search snippets and highlights, and the admin.

Each page is parsed: it must contain no script element without a src, no
event-handler attribute and no javascript: URL; and the article's page must show
the markup as text, so that the check is not passing on a page that left it out.
"""

import json

import pytest
from django.core.management import call_command

from articles.models import Actor, ActorAlias, Article, Location, Suggestion

from .test_security import inline_code

PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


@pytest.fixture
def hostile_article(gazetteer, tmp_path):
    record = {
        "title": f"Kyiv under fire {PAYLOAD}",
        "lede": f"A lede {PAYLOAD}",
        "body": (
            f"Kyiv was struck again overnight. {PAYLOAD} Vladimir Putin spoke of more strikes."
            f"\n\nA second paragraph about Kharkiv and the script {PAYLOAD} that alerts."
        ),
        "source": f"Hostile Institute {PAYLOAD}",
        "authors": [f"A. Writer {PAYLOAD}"],
        "tags": [PAYLOAD],
        "url": 'https://example.org/articles/1?a=<b>&c="d"',
        "published": "2024-05-01",
        "language": "en",
    }
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    call_command("import_articles", path, "--no-progress", verbosity=0)
    putin = Actor.objects.get(slug="vladimir-putin")
    ActorAlias.objects.create(entity=putin, name=f"Putin {PAYLOAD}")
    article = Article.objects.get()
    assert PAYLOAD in article.title and PAYLOAD in article.body
    assert article.source is not None and PAYLOAD in article.source.name
    return article


def public_pages(article):
    putin = Actor.objects.get(slug="vladimir-putin")
    kyiv = Location.objects.get(slug="kyiv")
    return [
        "/",
        article.get_absolute_url(),
        "/search/?q=Kyiv",
        "/search/?q=script",
        "/search/?q=alert+xss",
        '/search/?q="<script>"',
        "/search/?q=" + PAYLOAD,
        f"/search/?q=Kyiv&actor={putin.slug}&source={article.source.slug}",
        article.source.get_absolute_url(),
        "/sources/",
        putin.get_absolute_url(),
        "/actors/?q=Putin",
        kyiv.get_absolute_url(),
    ]


def admin_pages(article):
    putin = Actor.objects.get(slug="vladimir-putin")
    pages = [
        "/admin/articles/article/",
        "/admin/articles/article/?q=script",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/articles/source/",
        f"/admin/articles/source/{article.source.pk}/change/",
        f"/admin/articles/actor/{putin.pk}/change/",
        "/admin/articles/actor/?q=Putin",
        "/admin/articles/suggestion/",
    ]
    suggestion = Suggestion.objects.first()
    if suggestion is not None:
        pages.append(f"/admin/articles/suggestion/{suggestion.pk}/change/")
    return pages


@pytest.mark.django_db
def test_hostile_text_is_shown_as_text_on_public_pages(client, hostile_article):
    page = client.get(hostile_article.get_absolute_url()).content.decode()
    assert ESCAPED in page
    for url in public_pages(hostile_article):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert inline_code(response) == [], url
        assert "<img src=x" not in response.content.decode(), url


@pytest.mark.django_db
def test_hostile_text_is_shown_as_text_in_the_admin(admin_client, hostile_article):
    for url in admin_pages(hostile_article):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response) == [], url
        assert "<img src=x" not in response.content.decode(), url


@pytest.mark.django_db
def test_highlighted_snippets_escape_before_marking(client, hostile_article):
    """The search page marks the words found; the text around them stays text."""
    page = client.get("/search/?q=script").content.decode()
    assert "&lt;<mark>script</mark>&gt;alert(&#x27;xss&#x27;)&lt;/<mark>script</mark>&gt;" in page
    assert "<script>" not in page
