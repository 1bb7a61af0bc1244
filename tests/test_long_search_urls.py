"""A long search address is served by gunicorn as the README starts it (its
settings from gunicorn.conf.py), and one too long to serve gets the archive's
page saying what to shorten, not gunicorn's bare 400 or a 500."""

import re
import sqlite3
import urllib.parse

import pytest
from django.conf import settings

from articles.search.query import MAX_QUERY_LENGTH

from .subprocess_archive import fetch, manage, running_site

GUNICORN_DEFAULT_REQUEST_LINE = 4094
WORDS = ["Київ", "Харків", "Запоріжжя", "Херсон", "Покровськ", "Бахмут", "Одеса", "Суми"]


@pytest.fixture(scope="module")
def site_database(tmp_path_factory):
    """A migrated SQLite archive with the gazetteer, and its collected static files."""
    root = tmp_path_factory.mktemp("long-urls")
    url = f"sqlite:///{root / 'archive.sqlite3'}"
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "load_gazetteer")
    manage(url, "collectstatic", "--noinput", "-v0", STATIC_ROOT=str(root / "static"))
    with sqlite3.connect(root / "archive.sqlite3") as db:
        actors = [slug for (slug,) in db.execute("SELECT slug FROM articles_actor LIMIT 40")]
        places = [slug for (slug,) in db.execute("SELECT slug FROM articles_location LIMIT 40")]
    return url, root / "static", actors, places


def search_path(query, actors, places):
    """A search of ``query`` with as many actors and places as the filters take
    (20 each), as many left out, in most languages."""
    params = [("q", query)]
    params += [("actor", slug) for slug in actors[:20]]
    params += [("location", slug) for slug in places[:20]]
    params += [("exclude_actor", slug) for slug in actors[20:40]]
    params += [("exclude_location", slug) for slug in places[20:40]]
    params += [("language", code) for code in ("en", "uk", "ru", "de", "fr", "pl", "und")]
    params += [("date_from", "2022-02-24"), ("date_to", "2025-12-31"), ("sort", "newest")]
    return "/search/?" + urllib.parse.urlencode(params)


def or_query(characters):
    """Place names joined by OR, up to ``characters`` long."""
    terms, n = [], 0
    while len(" OR ".join([*terms, WORDS[n % len(WORDS)]])) <= characters:
        terms.append(WORDS[n % len(WORDS)])
        n += 1
    return " OR ".join(terms)


def test_a_long_search_is_served_and_a_longer_one_refused_clearly(site_database, tmp_path):
    url, static_root, actors, places = site_database
    # The longest query the search box takes, in Cyrillic, with filters the page's facets add.
    allowed = search_path(or_query(500), actors, places)
    assert GUNICORN_DEFAULT_REQUEST_LINE < len(allowed) < settings.ARCHIVE_MAX_QUERY_STRING
    too_long = search_path(or_query(1500), actors, places)
    query_string = len(too_long.split("?", 1)[1])
    assert settings.ARCHIVE_MAX_QUERY_STRING < query_string < 8190 - len("GET /search/? HTTP/1.1")

    with running_site(url, static_root, tmp_path) as base:
        status, _, body = fetch(base + allowed)
        assert status == 200, body[:500]
        assert "Only the first 16 terms were searched" in body

        status, _, body = fetch(base + too_long)
        assert status == 414
        assert "This search is too long" in body
        assert "up to 500 characters of query and up to 20 values for each filter" in body


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/search/?q=kyiv", "/no-such-page/"])
def test_every_search_box_takes_as_much_as_the_query_keeps(client, path):
    boxes = re.findall(
        r'<input [^>]*type="search" name="q"[^>]*>', client.get(path).content.decode()
    )
    assert boxes and all(f'maxlength="{MAX_QUERY_LENGTH}"' in box for box in boxes)
