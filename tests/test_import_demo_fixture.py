"""fixtures/demo.json is the import of the seed corpus; this keeps them in step.

When a change to the import or the gazetteer changes what the seed corpus
gives, the first test fails: rebuild the fixture with ``make demo-fixture``.
"""

import json

import pytest
from django.core.management import call_command

from articles.models import (
    Actor,
    ActorMention,
    Article,
    Location,
    LocationMention,
    Source,
    Suggestion,
)

from .conftest import ROOT

pytestmark = pytest.mark.django_db

DEMO = ROOT / "fixtures" / "demo.json"
ARTICLE_FIELDS = [
    "title",
    "slug",
    "lede",
    "body",
    "captions",
    "authors",
    "url",
    "published",
    "language",
    "tags",
    "word_count",
    "content_hash",
    "status",
    "provenance",
]


def fixture_content():
    """The fixture's archive, keyed by slugs and names instead of primary keys."""
    objects = json.loads(DEMO.read_text(encoding="utf-8"))
    by_model = {}
    for obj in objects:
        by_model.setdefault(obj["model"], {})[obj["pk"]] = obj["fields"]
    sources = by_model.get("articles.source", {})
    articles = by_model["articles.article"]
    actors = by_model["articles.actor"]
    locations = by_model["articles.location"]
    return {
        "sources": sorted((s["name"], s["kind"], s["country"]) for s in sources.values()),
        "articles": sorted(
            (
                *(a[name] for name in ARTICLE_FIELDS),
                sources[a["source"]]["name"] if a["source"] else None,
            )
            for a in articles.values()
        ),
        "actor_mentions": sorted(
            (articles[m["article"]]["slug"], actors[m["actor"]]["slug"], m["count"])
            for m in by_model["articles.actormention"].values()
        ),
        "location_mentions": sorted(
            (articles[m["article"]]["slug"], locations[m["location"]]["slug"], m["count"])
            for m in by_model["articles.locationmention"].values()
        ),
        "suggestions": sorted(
            (s["name"], s["kind"], s["status"], s["mention_count"], s["article_count"])
            for s in by_model["articles.suggestion"].values()
        ),
        "examples": sorted(
            (s["name"], json.dumps(s["examples"], ensure_ascii=False))
            for s in by_model["articles.suggestion"].values()
        ),
    }


def database_content():
    def iso(value):
        return value.isoformat() if value else None

    return {
        "sources": sorted(Source.objects.values_list("name", "kind", "country")),
        "articles": sorted(
            (
                *(
                    iso(getattr(a, name)) if name == "published" else getattr(a, name)
                    for name in ARTICLE_FIELDS
                ),
                a.source.name if a.source else None,
            )
            for a in Article.objects.select_related("source")
        ),
        "actor_mentions": sorted(
            ActorMention.objects.values_list("article__slug", "actor__slug", "count")
        ),
        "location_mentions": sorted(
            LocationMention.objects.values_list("article__slug", "location__slug", "count")
        ),
        "suggestions": sorted(
            Suggestion.objects.values_list(
                "name", "kind", "status", "mention_count", "article_count"
            )
        ),
        "examples": sorted(
            (s.name, json.dumps(s.examples, ensure_ascii=False)) for s in Suggestion.objects.all()
        ),
    }


def test_demo_fixture_is_what_the_import_gives(seed_archive):
    expected, found = database_content(), fixture_content()
    for part in expected:
        assert found[part] == expected[part], f"{part} differ: run `make demo-fixture`"


def test_loaddata_demo_gives_a_browsable_archive(client):
    call_command("loaddata", "demo", verbosity=0)
    assert Article.objects.count() == 5
    assert ActorMention.objects.exists() and LocationMention.objects.exists()
    assert Suggestion.objects.filter(name="Foreign Intelligence Service").exists()
    home = client.get("/").content.decode()
    for article in Article.objects.all():
        assert article.title in home
        assert client.get(article.get_absolute_url()).status_code == 200
    kyiv = Location.objects.get(slug="kyiv")
    assert kyiv.parent is not None  # the parent locations came along
    assert client.get(kyiv.get_absolute_url()).status_code == 200
    putin = Actor.objects.get(slug="vladimir-putin")
    assert "Putin" in putin.all_names()
    assert client.get(putin.get_absolute_url()).status_code == 200


def test_the_gazetteer_loads_over_the_demo_without_conflict(client):
    call_command("loaddata", "demo", verbosity=0)
    call_command("load_gazetteer", verbosity=0)
    assert Actor.objects.count() > 100
    assert Article.objects.get(provenance__startswith="004").locations.filter(slug="kyiv").exists()
