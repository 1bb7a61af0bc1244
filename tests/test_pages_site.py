"""What every page shares and the pages around the archive: the favicon, the
production 404 and 500 pages, the API's front page and the footer's link to
it, and an article's provenance."""

import datetime
import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.views.defaults import server_error

from articles.models import Article

from .research_data import make_article

pytestmark = pytest.mark.django_db


def test_every_page_links_the_favicon_and_the_api(client):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert 'href="/api/"' in page and 'href="/api/docs/"' in page
    icon = finders.find("img/favicon.svg")
    assert icon and "<svg" in Path(icon).read_text(encoding="utf-8")
    response = client.get("/favicon.ico")
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == Path(icon).read_bytes()


def test_the_content_security_policy_lets_the_favicon_load_from_this_site(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self'" in policy


def test_a_missing_page_answers_404_with_the_sites_header_search_and_navigation(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'class="site-header"' in page and 'class="site-nav"' in page
    assert 'href="/actors/"' in page and 'href="/sources/"' in page
    assert page.count('role="search"') == 2  # the header's box and the page's own
    assert 'href="/static/css/archive.css"' in page


def test_a_missing_article_answers_the_same_404_page(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_500_page_renders_without_a_request_context_or_the_database(
    django_assert_num_queries,
):
    request = RequestFactory().get("/search/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'class="site-header"' in page and 'role="search"' in page
    assert 'href="/locations/"' in page


@pytest.mark.urls("tests.broken_urls")
def test_an_unhandled_error_answers_the_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page and 'class="site-nav"' in page


def test_api_front_page_links_the_interactive_docs_and_the_schema(client):
    response = client.get("/api/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/api/docs/"' in page and 'href="/api/schema/"' in page
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").json()["openapi"].startswith("3.")


def test_api_front_page_answers_json_to_a_client_that_asks_for_json(client):
    response = client.get("/api/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["docs"] == "/api/docs/" and body["schema"] == "/api/schema/"
    assert "/api/articles/" in body["endpoints"]


def test_article_page_shows_where_and_when_it_was_imported_and_last_changed(seed_archive, client):
    article = Article.objects.order_by("pk").first()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Provenance" in page
    assert f"imported from <code>{article.provenance}</code>" in page
    assert article.provenance.endswith(".txt") or article.provenance.endswith(".md")
    assert f'datetime="{article.created.isoformat()}"' in page
    Article.objects.filter(pk=article.pk).update(
        updated=article.created + datetime.timedelta(days=3)
    )
    page = client.get(article.get_absolute_url()).content.decode()
    changed = (article.created + datetime.timedelta(days=3)).strftime("%-d %B %Y")
    assert "Last changed</dt><dd><time" in page and changed in page


def test_an_article_entered_in_the_admin_says_so_instead_of_a_file(client):
    article = make_article("Written by an editor")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "in the admin" in page and "imported from" not in page
