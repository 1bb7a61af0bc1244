"""Facet counts: the number beside every choice is the number of articles a
click on it gives, with every other filter in force."""

from datetime import date
from urllib.parse import urlencode

import pytest

from articles import month_counts
from articles.filters import ArticleFilter
from articles.models import Actor, ActorMention, Article, Location, LocationMention
from articles.search.facets import FACET_LIMIT

from .search_corpus import build_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    return build_corpus()


def get(client, url):
    response = client.get("/search/" + url if url.startswith("?") else url)
    assert response.status_code == 200, response.content.decode()[:1000]
    return response


def facets_by_name(response):
    return {facet.name: facet for facet in response.context["facets"]}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "kyiv"},
        {"q": "kyiv", "language": "en"},
        {"actor": "putin"},
        {"source": "the-times"},
        {"q": "-pokrovsk", "exclude_source": "meduza"},
        {"location": "kharkiv", "dated": "yes"},
        {"date_from": "2023-01-01", "date_to": "2023-12-31"},
    ],
)
def test_each_count_is_what_a_click_gives(client, corpus, params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    total = response.context["page"].count
    checked = 0
    for facet in response.context["facets"]:
        selected = [v for v in facet.values if v.selected]
        for value in facet.values:
            assert value.count > 0, (facet.name, value.label)  # zero counts are hidden
            if value.selected:
                continue
            clicked = get(client, value.url).context["page"].count
            if facet.mode == "any" and selected and facet.name in ("source", "language"):
                # Another source or language widens the search by exactly its own count.
                assert clicked == total + value.count, (facet.name, value.label)
            else:
                assert clicked == value.count, (facet.name, value.label)
            checked += 1
    assert checked > 0


def test_picking_a_second_source_shows_true_numbers(client, corpus):
    response = client.get("/search/", {"source": "isw"})
    sources = facets_by_name(response)["source"]
    counts = {v.value: v.count for v in sources.values}
    # The source facet ignores its own filter: every source keeps its count.
    assert counts["isw"] == 3 and counts["the-times"] == 5
    both = client.get("/search/", {"source": ["isw", "the-times"]})
    assert both.context["page"].count == 8


def test_actor_and_place_are_all_of(client, corpus):
    response = client.get("/search/", {"actor": "putin", "location": "pokrovsk"})
    slugs = {a.slug for a in response.context["page"].items}
    assert slugs == corpus.slugs("pokrovsk_headline", "pokrovsk_body")
    places = {v.value: v for v in facets_by_name(response)["location"].values}
    assert places["pokrovsk"].selected and places["pokrovsk"].count == 2
    assert places["kupiansk"].count == 1  # only pokrovsk_body also mentions Kupiansk


def test_exclusions(client, corpus):
    everything = client.get("/search/").context["page"].count
    response = client.get("/search/", {"exclude_source": "the-times"})
    assert response.context["page"].count == everything - 5
    assert "the-times" not in {v.value for v in facets_by_name(response)["source"].values}
    response = client.get("/search/", {"exclude_actor": "putin", "exclude_location": "kyiv"})
    slugs = {a.slug for a in response.context["page"].items}
    assert not slugs & corpus.slugs("retreat", "russian", "pokrovsk_body", "s300", "scattered")
    assert corpus.articles["weapons"].slug in slugs
    page = response.content.decode()
    assert "Not mentioning" in page and "Vladimir Putin" in page


def test_filters_work_without_a_query(client, corpus):
    response = client.get("/search/", {"language": "uk"})
    assert [a.slug for a in response.context["page"].items] == [corpus.articles["ukrainian"].slug]


def test_date_range_and_date_known(client, corpus):
    response = client.get("/search/", {"date_from": "2024-01-01"})
    assert {a.slug for a in response.context["page"].items} == corpus.slugs(
        "weapons", "pokrovsk_headline", "pokrovsk_body", "united_states"
    )
    response = client.get("/search/", {"dated": "no"})
    assert {a.slug for a in response.context["page"].items} == corpus.slugs("scattered")
    years = facets_by_name(client.get("/search/", {"q": "kyiv"}))["year"]
    assert {(v.label, v.count) for v in years.values} == {("2023", 3)}


def test_drafts_are_not_counted(client, corpus):
    response = client.get("/search/", {"q": "kyiv"})
    places = {v.value: v.count for v in facets_by_name(response)["location"].values}
    assert places["kyiv"] == 4  # the draft mentions Kyiv too, and is not counted


def test_facet_links_keep_the_query_and_reset_the_page(client, corpus, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    response = client.get("/search/", {"q": "kyiv", "page": "2"})
    for facet in response.context["facets"]:
        for value in facet.values:
            assert "q=kyiv" in value.url and "page=" not in value.url


def test_facets_count_the_newest_when_the_matches_pass_the_window(client, corpus, settings):
    exact = facets_by_name(get(client, "?q=kyiv"))
    matches = get(client, "?q=kyiv").context["page"].count
    assert matches > 2
    settings.ARCHIVE_SEARCH_WINDOW = 2

    response = get(client, "?q=kyiv")
    sampled = facets_by_name(response)
    assert "Counts are from the newest 2 matching articles" in response.content.decode()
    assert sum(value.count for value in sampled["language"].values) == 2
    for name in ("source", "actor", "location", "language"):
        for value in sampled[name].values:
            assert value.count <= 2
            exact_count = {v.value: v.count for v in exact[name].values}[value.value]
            assert value.count <= exact_count, (name, value.value)


def test_facets_are_sampled_when_a_filter_hides_how_many_the_query_matches(
    client, corpus, settings
):
    """A source filter leaves few results, but the source facet counts the
    query's matches without it: those are what decide the sampling."""
    unfiltered = get(client, "?q=kyiv").context["page"].count
    settings.ARCHIVE_SEARCH_WINDOW = unfiltered - 1
    response = get(client, "?q=kyiv&source=the-times")
    assert response.context["page"].count < unfiltered - 1
    assert "Counts are from the newest" in response.content.decode()
    settings.ARCHIVE_SEARCH_WINDOW = unfiltered
    assert (
        "Counts are from the newest" not in get(client, "?q=kyiv&source=the-times").content.decode()
    )


@pytest.mark.parametrize(
    "params",
    [
        {"actor": "putin", "location": "pokrovsk"},
        {"actor": "putin", "location": ["pokrovsk", "kupiansk"]},
        {"q": "kyiv", "location": "kharkiv", "exclude_actor": "putin"},
    ],
)
def test_the_rarest_entity_driving_a_search_changes_no_count(client, corpus, params, monkeypatch):
    """The least mentioned actor or place a search must mention selects its
    articles by their ids (see ArticleFilter._rarest_mentioned); results and
    facet counts are those of testing every entity by EXISTS."""

    def seen():
        response = get(client, "/search/?" + urlencode(params, doseq=True))
        counts = {
            facet.name: {value.value: value.count for value in facet.values}
            for facet in response.context["facets"]
        }
        return [a.slug for a in response.context["page"].items], counts

    driven = seen()
    monkeypatch.setattr(ArticleFilter, "DRIVING_MENTIONS", 0)
    assert seen() == driven


def _article_mentioning(corpus, title, actors=(), places=()):
    """A published article from The Times mentioning ``actors`` and ``places``
    (``(entity, times)`` pairs)."""
    article = Article.objects.create(
        title=title, body=f"{title}.", source=corpus.sources["times"], published=date(2024, 5, 1)
    )
    for actor, times in actors:
        ActorMention.objects.create(article=article, actor=actor, count=times)
    for place, times in places:
        LocationMention.objects.create(article=article, location=place, count=times)
    month_counts.add_articles([article.pk])
    return article


def test_a_chosen_actor_stays_in_its_facet_among_more_than_it_shows(client, corpus):
    crowd = [
        Actor.objects.create(slug=f"crowd-{n:02}", name=f"Crowd {n:02}", kind="organisation")
        for n in range(FACET_LIMIT + 1)
    ]
    rare = Actor.objects.create(slug="zz-rare", name="Zz Rare", kind="person")
    _article_mentioning(corpus, "Crowded report", [(actor, 1) for actor in crowd + [rare]])
    response = client.get("/search/", {"actor": "zz-rare"})
    actors = facets_by_name(response)["actor"].values
    assert len(actors) == FACET_LIMIT
    assert (actors[0].value, actors[0].selected, actors[0].count) == ("zz-rare", True, 1)
    # The others by count, then name: the last of the crowd is left out.
    assert [value.value for value in actors[1:]] == [actor.slug for actor in crowd[:-2]]


def test_each_result_shows_its_most_mentioned_actors_and_places(client, corpus):
    actors = [
        Actor.objects.create(slug=slug, name=name, kind="person")
        for slug, name in [("bravo", "Bravo"), ("alpha", "Alpha"), ("delta", "Delta")]
    ]
    georgia = Actor.objects.create(slug="georgia-state", name="Georgia", kind="state")
    place = Location.objects.create(slug="georgia", name="Georgia", kind="country")
    _article_mentioning(
        corpus,
        "Quadrilateral report",
        [(actors[0], 3), (actors[1], 3), (actors[2], 1), (georgia, 5)],
        [(place, 9), (corpus.locations["kyiv"], 2)],
    )
    response = client.get("/search/", {"q": "quadrilateral"})
    (result,) = response.context["page"].items
    # Most mentioned first, ties by name; three at most.
    assert [actor.name for actor in result.main_actors] == ["Georgia", "Alpha", "Bravo"]
    assert result.main_actors[0].url == "/actors/georgia-state/"
    # The place that an actor names already is left out.
    assert [(p.name, p.url) for p in result.main_locations] == [("Kyiv", "/locations/kyiv/")]
    page = response.content.decode()
    assert '<a class="entity entity-actor" href="/actors/alpha/">Alpha</a>' in page
