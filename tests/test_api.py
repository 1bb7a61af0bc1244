"""The read-only JSON API: every response is validated against the API's own
OpenAPI document, as a client generated from it would read them."""

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from articles.models import Actor, ActorAlias, Location

from .research_data import (
    front_articles,
    full_article,
    make_article,
    make_source,
    mention,
    search_slugs,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(client):
    """A client whose every response must match the OpenAPI schema at /api/schema/."""
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    openapi = OpenAPI.from_dict(schema.json())

    class Validating:
        def get(self, url, data=None, status=200):
            response = client.get(url, data)
            assert response.status_code == status, response.content
            openapi.validate_response(
                DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
            )
            return response.json()

    return Validating()


@pytest.fixture
def mentioned_article():
    article = full_article()
    syrskyi = Actor.objects.create(name="Oleksandr Syrskyi", kind="person")
    ActorAlias.objects.create(entity=syrskyi, name="Oleksandr Syrskyi", kind="name")
    ActorAlias.objects.create(entity=syrskyi, name="Олександр Сирський")
    donetsk = Location.objects.create(name="Donetsk Oblast", kind="region")
    pokrovsk = Location.objects.create(
        name="Pokrovsk", kind="city", parent=donetsk, latitude=48.282, longitude=37.176
    )
    mention(article, syrskyi, count=2)
    mention(article, pokrovsk, count=5)
    mention(article, donetsk, count=1)
    return article


def test_schema_is_openapi_and_documents_every_endpoint(client):
    document = client.get("/api/schema/").json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {
        "/api/articles/{slug}",
        "/api/actors/",
        "/api/actors/{slug}",
        "/api/locations/",
        "/api/locations/{slug}",
        "/api/sources/",
        "/api/sources/{slug}",
    }
    methods = {method for path in document["paths"].values() for method in path}
    assert methods == {"get"}


def test_article_detail(api_client, mentioned_article):
    article = mentioned_article
    data = api_client.get(f"/api/articles/{article.slug}")
    assert data["title"] == article.title
    assert data["url"] == f"http://testserver/articles/{article.slug}/"
    assert data["original_url"] == article.url
    assert data["published"] == "2024-03-05"
    assert data["authors"] == ["Kateryna Stepanenko", "George Barros"]
    assert data["source"]["slug"] == article.source.slug
    assert data["paragraphs"] == article.paragraphs
    assert [(a["slug"], a["mention_count"]) for a in data["actors"]] == [("oleksandr-syrskyi", 2)]
    assert [(loc["name"], loc["mention_count"]) for loc in data["locations"]] == [
        ("Pokrovsk", 5),
        ("Donetsk Oblast", 1),
    ]


def test_unknown_fields_of_an_article_are_null(api_client):
    article = make_article("Bare interview")
    data = api_client.get(f"/api/articles/{article.slug}")
    assert (data["source"], data["published"], data["original_url"]) == (None, None, None)


def test_drafts_and_unknown_slugs_are_404(api_client):
    draft = make_article("Draft", status="draft")
    api_client.get(f"/api/articles/{draft.slug}", status=404)
    api_client.get("/api/actors/nobody", status=404)


def test_actor_list_counts_only_published_articles(api_client, mentioned_article):
    draft = make_article("Draft", status="draft")
    mention(draft, Actor.objects.get(slug="oleksandr-syrskyi"))
    Actor.objects.create(name="Valerii Zaluzhnyi", kind="person")
    data = api_client.get("/api/actors/")
    assert data["count"] == 2
    assert [(a["name"], a["article_count"]) for a in data["results"]] == [
        ("Oleksandr Syrskyi", 1),
        ("Valerii Zaluzhnyi", 0),
    ]
    assert data["results"][0]["aliases"] == ["Олександр Сирський"]
    assert api_client.get("/api/actors/", {"kind": "state"})["count"] == 0


def test_location_detail_has_parent_and_coordinates(api_client, mentioned_article):
    data = api_client.get("/api/locations/pokrovsk")
    assert data["parent"]["slug"] == "donetsk-oblast"
    assert (data["latitude"], data["longitude"]) == (48.282, 37.176)
    assert data["article_count"] == 1
    assert api_client.get("/api/locations/donetsk-oblast")["parent"] is None


def test_sources_are_paginated_with_links(api_client):
    for n in range(5):
        make_source(f"Source {n}", kind="news_outlet")
    first = api_client.get("/api/sources/", {"page_size": 2, "kind": "news_outlet"})
    assert (first["count"], first["pages"], first["previous"]) == (5, 3, None)
    assert [s["name"] for s in first["results"]] == ["Source 0", "Source 1"]
    second = api_client.get(first["next"].removeprefix("http://testserver"))
    assert [s["name"] for s in second["results"]] == ["Source 2", "Source 3"]
    assert "kind=news_outlet" in second["next"] and "page=3" in second["next"]
    past_the_end = api_client.get("/api/sources/", {"page": 99})
    assert past_the_end["results"] == [] and past_the_end["next"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "9" * 30},
        {"page_size": "1000"},
        {"kind": "<script>"},
    ],
)
def test_bad_parameters_are_400_with_a_reason(api_client, params):
    data = api_client.get("/api/sources/", params, status=400)
    assert data["detail"]


def test_api_is_read_only(client, mentioned_article):
    for url in ("/api/actors/", f"/api/articles/{mentioned_article.slug}"):
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url, {}, content_type="application/json").status_code == 405


def test_list_queries_do_not_grow_with_results(client, django_assert_max_num_queries):
    for n in range(30):
        actor = Actor.objects.create(name=f"Actor {n}", kind="person")
        ActorAlias.objects.create(entity=actor, name=f"Alias {n}")
    with django_assert_max_num_queries(3):
        client.get("/api/actors/", {"page_size": 30})


@pytest.fixture
def front():
    return front_articles()


def test_search_api_returns_the_search_page_results_and_validates(api_client, front):
    data = api_client.get("/api/articles/", {"q": "Pokrovsk", "sort": "oldest", "page_size": 2})
    expected = search_slugs("q=Pokrovsk&sort=oldest")
    assert data["count"] == len(expected) == 4
    second = api_client.get(data["next"].removeprefix("http://testserver"))
    assert [a["slug"] for a in data["results"] + second["results"]] == expected[:4]
    assert data["results"][0]["source"]["name"] == "Institute for the Study of War"


def test_search_api_rejects_a_bad_search_with_400(api_client, front):
    assert api_client.get("/api/articles/", {"sort": "sideways"}, status=400)["detail"]


def test_every_route_answers_head_as_get_without_a_body(client, mentioned_article):
    for url in (
        "/api/articles/",
        f"/api/articles/{mentioned_article.slug}",
        "/api/actors/",
        "/api/actors/oleksandr-syrskyi",
        "/api/locations/",
        "/api/sources/",
    ):
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code, url
        assert head["Content-Type"] == get["Content-Type"] == "application/json; charset=utf-8"
        assert head.content == b""
    assert "HEAD" in client.post("/api/actors/").headers["Allow"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/articles/not%20a%20slug",
        "/api/actors/%C3%BC%2F",
        "/api/sources/a%00b",
        "/api/no-such-endpoint/",
        "/api/articles/one/two/",
    ],
)
def test_every_api_path_answers_json_even_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/api/articles/", "/api/actors/", "/api/locations/", "/api/sources/"]
)
def test_an_empty_parameter_is_one_not_given(api_client, mentioned_article, url):
    empty = dict.fromkeys(
        ["q", "source", "language", "date_from", "dated", "sort", "exact", "kind", "page"], ""
    )
    given_empty, not_given = api_client.get(url, empty), api_client.get(url)
    assert given_empty["count"] == not_given["count"] > 0
    assert given_empty["results"] == not_given["results"]


def test_the_search_filters_are_documented_with_their_values(client):
    document = client.get("/api/schema/").json()
    parameters = {p["name"]: p for p in document["paths"]["/api/articles/"]["get"]["parameters"]}
    assert parameters["dated"]["schema"]["enum"] == ["yes", "no", ""]
    languages = parameters["language"]["schema"]["items"]["enum"]
    assert {"en", "uk", "ru", "fr", "de", "und"} <= set(languages)
    assert "xx" not in languages
    assert all(p["allowEmptyValue"] for p in parameters.values())


def test_a_filter_naming_nothing_the_archive_has_is_404(api_client, front):
    data = api_client.get("/api/articles/", {"source": "no-such-source"}, status=404)
    assert "there is no source “no-such-source”" in data["detail"]
    assert (
        api_client.get("/api/articles/", {"date_from": "2024-05-01", "date_to": "2024-01-01"})[
            "results"
        ]
        == []
    )
