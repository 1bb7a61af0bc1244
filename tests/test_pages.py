"""The browsing pages: home, article, actor, location and source pages and their
indexes.  Only published articles appear or count anywhere."""

import datetime
import re
from collections import Counter
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import browsing, month_counts
from articles.models import Actor, ActorMention, Article, Location, LocationMention, Source

from .search_corpus import build_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    return build_corpus()


def html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:1500]
    return response.content.decode()


def test_home_has_search_newest_articles_and_most_mentioned(client, corpus):
    page = html(client, "/")
    assert 'role="search"' in page and 'name="q"' in page
    assert corpus.articles["pokrovsk_body"].title in page
    assert corpus.articles["draft"].title not in page
    assert corpus.actors["putin"].get_absolute_url() in page
    assert corpus.locations["kyiv"].get_absolute_url() in page
    response = client.get("/")
    kyiv = next(loc for loc in response.context["top_locations"] if loc.slug == "kyiv")
    assert kyiv.n == 4  # the draft's mention is not counted


def test_article_page(client, corpus):
    article = corpus.articles["retreat"]
    article.authors = ["Jane Analyst", "Omar Field"]
    article.url = "https://example.org/retreat"
    article.captions = [{"text": "Підрозділ на марші", "credit": "Photo: A. Author"}]
    article.save()
    page = html(client, article.get_absolute_url())
    assert f'<h1 lang="en">{article.title}</h1>' in page
    assert "Jane Analyst, Omar Field" in page
    assert "12 September 2022" in page
    assert 'href="https://example.org/retreat"' in page
    assert corpus.sources["isw"].get_absolute_url() in page
    assert '<p id="p1">Ukrainian units advanced quickly.' in page
    assert '<p id="p2">HIMARS strikes' in page
    captions = page.index("Photo captions")
    assert page.index("Підрозділ на марші") > captions > page.index("HIMARS strikes")
    # Mentions, most mentioned first.
    aside = page[page.index("Actors mentioned") :]
    assert aside.index(corpus.actors["isw"].name + "</a>") < aside.index("Vladimir Putin</a>")
    assert corpus.locations["kharkiv"].get_absolute_url() in page


def test_related_articles_share_the_most_actors_and_places(client, corpus):
    response = client.get(corpus.articles["pokrovsk_headline"].get_absolute_url())
    related = [a.slug for a in response.context["related"]]
    assert related[0] == corpus.articles["pokrovsk_body"].slug  # Putin and Pokrovsk
    assert corpus.articles["draft"].slug not in related


def test_related_articles_are_drawn_from_each_entitys_newest(client, corpus, monkeypatch):
    """With one candidate an entity, only the newest other article mentioning
    each of the article's actors and places can be related."""
    monkeypatch.setattr(browsing, "RELATED_CANDIDATES_PER_ENTITY", 1)
    article = corpus.articles["pokrovsk_headline"]
    expected = set()
    for model, field in ((ActorMention, "actor"), (LocationMention, "location")):
        for mention in model.objects.filter(article=article):
            newest = (
                model.objects.filter(**{field: getattr(mention, field)})
                .exclude(article=article)
                .order_by("-article_id")
                .first()
            )
            if newest and newest.article.status == Article.Status.PUBLISHED:
                expected.add(newest.article.slug)
    related = {a.slug for a in client.get(article.get_absolute_url()).context["related"]}
    assert related == expected and related


def test_article_highlights_the_search_and_links_to_the_first_match(client, corpus):
    article = corpus.articles["retreat"]
    page = html(client, article.get_absolute_url() + "?q=himars")
    assert '<p id="p2" class="has-match"><mark>HIMARS</mark> strikes' in page
    assert 'href="#p2"' in page
    assert "Hide highlighting" in page
    # Expanded names are highlighted too: Kharkov for a search on Kharkiv.
    page = html(client, article.get_absolute_url() + "?q=kharkiv")
    assert "<mark>Kharkiv</mark> region" in page and "<mark>Kharkov</mark>" in page
    page = html(client, article.get_absolute_url() + "?q=kharkiv&exact=1")
    assert "<mark>Kharkov</mark>" not in page


def test_article_highlight_escapes_the_text(client, corpus):
    article = Article.objects.create(
        title="Drones <img src=x onerror=alert(1)>",
        body="First <b>bold</b> claim about drones.\n\nSecond paragraph & more drones.",
    )
    page = html(client, article.get_absolute_url() + "?q=drones")
    assert "<img src=x" not in page and "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; claim about <mark>drones</mark>" in page
    assert "Second paragraph &amp; more <mark>drones</mark>" in page


def test_article_without_a_match_says_so(client, corpus):
    page = html(client, corpus.articles["retreat"].get_absolute_url() + "?q=zzzqqq")
    assert "does not occur" in page and "<mark>" not in page


def test_drafts_and_unknown_slugs_are_not_found(client, corpus):
    html(client, corpus.articles["draft"].get_absolute_url(), status=404)
    html(client, "/articles/no-such-article/", status=404)
    html(client, "/actors/no-such-actor/", status=404)
    html(client, "/locations/no-such-place/", status=404)
    html(client, "/sources/no-such-source/", status=404)


def test_actor_page(client, corpus):
    putin = corpus.actors["putin"]
    response = client.get(putin.get_absolute_url())
    page = response.content.decode()
    assert "<h1>Vladimir Putin</h1>" in page
    assert "Путин" in page and "Путін" in page
    assert "1 inflected form" in page  # Путина, folded away
    slugs = [a.slug for a in response.context["page"].items]
    # Newest first; the draft is not listed.
    assert slugs == [
        corpus.articles[key].slug
        for key in ["pokrovsk_body", "pokrovsk_headline", "russian", "retreat"]
    ]
    assert response.context["months"] == [
        (datetime.date(2022, 9, 1), 2),
        (datetime.date(2024, 11, 1), 2),
    ]
    co_places = {loc.slug: loc.n for loc in response.context["co_locations"]}
    assert co_places == {"pokrovsk": 2, "kharkiv": 2, "kupiansk": 1}
    assert "putin" not in {actor.slug for actor in response.context["co_actors"]}
    assert "?actor=putin" in page


def test_an_entity_with_many_articles_counts_its_co_mentions_in_its_newest(
    client, corpus, monkeypatch
):
    """Putin has four published articles; counting the newest two, the places
    beside him are those of his two newest articles, and the page says so."""
    monkeypatch.setattr(browsing, "CO_MENTION_SAMPLE", 2)
    response = client.get(corpus.actors["putin"].get_absolute_url())
    newest = [a.pk for a in response.context["page"].items[:2]]
    expected = Counter(
        LocationMention.objects.filter(article__in=newest).values_list("location__slug", flat=True)
    )
    co_places = {loc.slug: loc.n for loc in response.context["co_locations"]}
    assert co_places == dict(expected)
    assert "in the newest 2 articles" in response.content.decode()
    assert len(response.context["page"].items) == 4  # the list itself is whole
    monkeypatch.setattr(browsing, "CO_MENTION_SAMPLE", 4)
    assert (
        "in the newest"
        not in client.get(corpus.actors["putin"].get_absolute_url()).content.decode()
    )


def test_entity_page_whose_articles_have_no_date_says_so(client, corpus):
    undated = corpus.articles["scattered"]
    assert undated.published is None
    institute = Actor.objects.create(slug="institute", name="The Institute", kind="organisation")
    with month_counts.recounted([undated.pk]):  # as the admin adds a mention
        ActorMention.objects.create(article=undated, actor=institute, count=1)
    page = html(client, institute.get_absolute_url())
    assert "None of these articles has a known date" in page
    assert "timeline-chart" not in page
    assert "known date" not in html(client, corpus.actors["putin"].get_absolute_url())


def test_location_page_shows_parent_and_coordinates(client, corpus):
    oblast = Location.objects.create(slug="kharkiv-oblast", name="Kharkiv Oblast", kind="region")
    kharkiv = corpus.locations["kharkiv"]
    kharkiv.parent = oblast
    kharkiv.latitude, kharkiv.longitude = 49.99350, 36.23040
    kharkiv.save()
    page = html(client, kharkiv.get_absolute_url())
    assert oblast.get_absolute_url() in page
    assert "49.9935, 36.2304" in page
    assert "Kharkov" in page
    page = html(client, oblast.get_absolute_url())
    assert "Places in Kharkiv Oblast" in page and kharkiv.get_absolute_url() in page


def test_source_page(client, corpus):
    response = client.get(corpus.sources["isw"].get_absolute_url())
    assert response.status_code == 200
    assert {a.slug for a in response.context["page"].items} == corpus.slugs(
        "retreat", "weapons", "pokrovsk_headline"
    )
    assert "United States" in response.content.decode()


def test_entity_page_paginates(client, corpus, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    url = corpus.actors["putin"].get_absolute_url()
    first = client.get(url).context["page"]
    assert first.num_pages == 2 and first.next_url == "?page=2"
    second = client.get(url + first.next_url).context["page"]
    assert [a.slug for a in second.items] == [
        corpus.articles["russian"].slug,
        corpus.articles["retreat"].slug,
    ]
    last = client.get(url + "?page=99").context["page"]
    assert last.number == 2


@pytest.mark.parametrize(
    "url, names",
    [
        ("/actors/", ["Vladimir Putin", "Institute for the Study of War", "United States"]),
        ("/locations/", ["Kyiv", "Kharkiv", "Pokrovsk"]),
        ("/sources/", ["The Times", "Meduza"]),
    ],
)
def test_indexes_list_entities_with_article_counts(client, corpus, url, names):
    page = html(client, url)
    for name in names:
        assert name in page
    response = client.get(url, {"sort": "articles"})
    counts = [entity.n for entity in response.context["page"].items]
    assert counts == sorted(counts, reverse=True)


def test_index_counts_only_published_articles(client, corpus):
    response = client.get("/locations/", {"sort": "articles"})
    kyiv = next(e for e in response.context["page"].items if e.slug == "kyiv")
    assert kyiv.n == 4


def test_index_filters_by_kind(client, corpus):
    response = client.get("/actors/", {"kind": "person"})
    assert [a.slug for a in response.context["page"].items] == ["putin"]
    response = client.get("/sources/", {"kind": "think_tank"})
    assert [s.slug for s in response.context["page"].items] == ["isw"]
    response = client.get("/actors/", {"kind": "nonsense"})
    assert response.status_code == 400
    assert "is not a kind" in response.content.decode()


def queries_for(client, url):
    client.get(url)  # what a connection looks up once (its search index's kind) is not the page's
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def add_articles(corpus, n):
    """``n`` more published articles on Kyiv and Putin from The Times."""
    start = Article.objects.count()
    for i in range(start, start + n):
        article = Article.objects.create(
            title=f"Kyiv report {i}",
            body=f"Putin and Kyiv, report number {i}.",
            source=corpus.sources["times"],
            published=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
        )
        ActorMention.objects.create(article=article, actor=corpus.actors["putin"])
        LocationMention.objects.create(article=article, location=corpus.locations["kyiv"])
        month_counts.add_articles([article.pk])


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search/",
        "/search/?q=kyiv",
        "/search/?q=kyiv+putin&source=the-times&actor=putin&language=en&sort=newest",
        "/search/?q=-pokrovsk&exclude_actor=usa",
        "/actors/putin/",
        "/locations/kyiv/",
        "/sources/the-times/",
        "/search/months/?q=kyiv",
        "/search/months/?actor=putin&language=en",
        "/actors/?sort=articles",
        "/locations/",
        "/sources/",
        "ARTICLE",
        "ARTICLE?q=kyiv",
    ],
)
def test_queries_per_page_do_not_grow_with_the_results(client, corpus, url):
    article_url = corpus.articles["s300"].get_absolute_url()
    url = url.replace("ARTICLE", article_url)
    add_articles(corpus, 2)  # every page has something to show
    few = queries_for(client, url)
    add_articles(corpus, 30)
    many = queries_for(client, url)
    assert many == few, url
    assert few <= 22, url  # the busiest: words, names, a source, an actor, a language


def test_search_result_rows_are_decorated_without_extra_queries(client, corpus):
    """Snippets, sources and main actors of a page cost one query each, not one per row."""
    add_articles(corpus, 25)
    response = client.get("/search/", {"q": "kyiv"})
    page = response.content.decode()
    assert response.context["page"].count == 29
    assert len(re.findall(r'class="result"', page)) == 20
    assert page.count("<mark>") >= 20


def test_search_offers_the_sources_named_as_the_query_whatever_the_case(client, corpus):
    """The name is compared as a whole: an underscore or a percent sign in
    it is no wildcard (SQLite compares by LIKE)."""
    named = [
        Source.objects.create(name="War_Notes", slug="war-notes"),
        Source.objects.create(name="WarXNotes", slug="warx-notes"),
        Source.objects.create(name="War%Notes", slug="war-percent-notes"),
    ]
    for typed, expected in (
        ("war_notes", named[0]),
        ("WARXNOTES", named[1]),
        ("war%notes", named[2]),
    ):
        page = html(client, f"/search/?q={quote(typed)}")
        offered = re.findall(r'class="named-page" href="([^"]+)"', page)
        assert offered == [expected.get_absolute_url()], typed
