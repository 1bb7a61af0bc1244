"""Hostile input, generated: every public URL with random and hostile path
values and query parameters answers 200, 400 or 404, never a server error.

The URLs are discovered from the URL configuration (everything but the admin),
so pages added later are covered without a change here.  Values mix the seed
archive's real slugs (so that filters really apply) with unbalanced quotes, FTS
and SQL operators, markup, NUL and control characters, mixed scripts, huge
strings, absurd numbers and dates, unknown names and repeated parameters.
"""

import re
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.conf import settings as django_settings
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Actor, Article, Location, Source

PARAMETERS = [
    "q",
    "exact",
    "source",
    "actor",
    "location",
    "exclude_source",
    "exclude_actor",
    "exclude_location",
    "language",
    "date_from",
    "date_to",
    "dated",
    "sort",
    "page",
    "kind",
    "format",
    "share",
    "compare",
]

HOSTILE = [
    '"',
    '"unbalanced',
    "'",
    "''",
    "(",
    ")))",
    "*",
    "-",
    "-*",
    "^",
    ":",
    "\\",
    "%",
    "_",
    "OR",
    "AND NOT",
    "NEAR(a b, 3)",
    "a <-> b",
    "kyiv & !pokrovsk | x",
    "title:kyiv",
    "' OR '1'='1",
    "'; DROP TABLE articles_article; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "\u202ekyiv",
    "\ufeff",
    "Київ",
    "Киев OR 基辅 OR كييف",
    "🙂",
    "x" * 5000,
    "kyiv " * 500,
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "-0001-01-01",
    "../../etc/passwd",
    "en",
    "uk",
    "yes",
    "newest",
    "oldest",
    "relevance",
]


def public_routes(resolver=None, prefix=""):
    """``(route, pattern)`` for every URL outside the admin."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from public_routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


ROUTES = sorted({route for route, _ in public_routes()})
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def path_values(kind, slugs):
    if kind == "slug":
        return st.one_of(
            st.sampled_from(slugs), st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True)
        )
    if kind == "int":
        return st.integers(min_value=0, max_value=10**30).map(str)
    return st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=40)).map(
        lambda text: quote(text, safe="")
    )


def paths(route, slugs):
    parts = CONVERTER.split(route)
    # split gives: text, kind, name, text, kind, name, ..., text
    pieces = [st.just(parts[0])]
    for index in range(1, len(parts), 3):
        pieces.append(path_values(parts[index] or "str", slugs))
        pieces.append(st.just(parts[index + 2]))
    return st.tuples(*pieces).map(lambda items: "/" + "".join(items))


def query_strings(slugs):
    values = st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(slugs),
        st.text(max_size=30),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.lists(st.sampled_from(HOSTILE) | st.sampled_from(slugs), max_size=5).map(" ".join),
    )
    names = st.sampled_from(PARAMETERS) | st.text(min_size=1, max_size=10)
    pairs = st.lists(st.tuples(names, values), max_size=8).map(urlencode)
    raw = st.binary(max_size=60).map(lambda data: quote_from_bytes(data, safe="=&"))
    return st.one_of(pairs, raw)


@pytest.fixture
def slugs(seed_archive):
    source = Source.objects.create(name="Institute for the Study of War")
    Article.objects.update(source=source)
    found = [source.slug]
    for model in (Article, Actor, Location):
        found += list(model.objects.filter(slug__isnull=False).values_list("slug", flat=True)[:20])
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_every_public_url_survives_hostile_input(client, slugs, route):
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(path=paths(route, slugs), query=query_strings(slugs))
    def check(path, query):
        response = client.get(f"{path}?{query}")
        if response.streaming:
            b"".join(response.streaming_content)
        # Too long an address is refused with the page that says so (archive/request_limits.py).
        too_long = len(query) > django_settings.ARCHIVE_MAX_QUERY_STRING
        expected = (414,) if too_long else (200, 400, 404)
        assert response.status_code in expected, (path, query, response.status_code)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("route", [route for route in ROUTES if CONVERTER.search(route)])
@pytest.mark.parametrize("value", ["a%00b", "%00", "%0A", "%C0%AE", "%E2%80%AE", "x" * 3000])
def test_hostile_path_segments_are_not_found_not_errors(client, route, value):
    """Slug positions receive what the hypothesis strategies above never make:
    NUL, control and overlong bytes in the path itself."""
    path = "/" + CONVERTER.sub(value, route)
    response = client.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)


def test_routes_were_found():
    """The discovery above must see the pages, or every case would be vacuous."""
    assert {"", "search/", "articles/<slug:slug>/", "healthz"} <= set(ROUTES)
