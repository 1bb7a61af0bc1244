"""Linking decisions, as a researcher would count mentions (see articles/linking.py)."""

import pytest

from articles.linking import Gazetteer, cyrillic_inflections, link_article, relink_articles
from articles.models import (
    Actor,
    ActorAlias,
    ActorMention,
    Article,
    Location,
    LocationAlias,
    LocationMention,
    Source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def linker(gazetteer):
    return Gazetteer.from_database()


def names(linker, text):
    """{kind:slug: count} for every actor, location and outlet found in ``text``."""
    actors, locations, sources = linker.count(text)
    found = {}
    for model, counts in ((Actor, actors), (Location, locations), (Source, sources)):
        slugs = dict(model.objects.filter(pk__in=counts).values_list("pk", "slug"))
        found.update({f"{model.__name__.lower()}:{slugs[pk]}": n for pk, n in counts.items()})
    return found


def test_possessives_count_with_either_apostrophe(linker):
    found = names(linker, "The Kremlin's line. Putin’s answer. Kyiv’s mayor.")
    assert found["actor:kremlin"] == 1
    assert found["actor:vladimir-putin"] == 1
    assert found["location:kyiv"] == 1


def test_adjectives_and_demonyms_are_not_mentions(linker):
    found = names(linker, "Crimean Tatars and Russian troops met Ukrainian officials.")
    assert "location:crimea" not in found
    assert "actor:russia" not in found and "location:russia" not in found
    assert "location:ukraine" not in found
    assert names(linker, "Crimea and Russia")["location:crimea"] == 1


def test_whole_words_only(linker):
    assert names(linker, "Kyivstar restored service; Kyivan cafés opened.") == {}
    assert names(linker, "the Russia-Ukraine war")["location:russia"] == 1


def test_capitalised_names_need_a_capital_in_the_text(linker):
    assert names(linker, "Snake Island")["location:snake-island"] == 1
    assert names(linker, "SNAKE ISLAND RETAKEN")["location:snake-island"] == 1
    assert "location:snake-island" not in names(linker, "a snake island of reeds")


def test_case_sensitive_abbreviations_match_only_as_written(linker):
    assert names(linker, "the US think tank")["location:united-states"] == 1
    assert "location:united-states" not in names(linker, "it told us nothing")


def test_longest_name_wins_across_actors_and_places(linker):
    found = names(linker, "according to the Kyiv Independent")
    assert found == {"source:kyiv-independent": 1}
    found = names(linker, "troops left Kharkiv Oblast")
    assert found == {"location:kharkiv-oblast": 1}


def test_ukrainian_and_russian_inflections_link(linker):
    assert names(linker, "після обстрілу Києва")["location:kyiv"] == 1
    assert names(linker, "бої біля Харкова")["location:kharkiv"] == 1
    assert names(linker, "в Киеве")["location:kyiv"] == 1


def test_lowercase_cyrillic_adjective_is_not_the_city(linker):
    found = names(linker, "київський вокзал")
    assert "location:kyiv" not in found


def test_cyrillic_suffix_rule_derives_regular_case_forms():
    assert {"путіна", "путіну", "путіним"} <= cyrillic_inflections("Путін")
    assert {"харкова", "харкові"} <= cyrillic_inflections("Харків")
    assert {"києва", "києві"} <= cyrillic_inflections("Київ")
    assert {"маріуполя", "маріуполі"} <= cyrillic_inflections("Маріуполь")
    assert {"росії", "росію"} <= cyrillic_inflections("Росія")
    assert {"москви", "москві", "москвою"} <= cyrillic_inflections("Москва")
    assert cyrillic_inflections("Kyiv") == set()
    assert cyrillic_inflections("Рим") == set()  # too short to inflect safely


def test_derived_forms_link_but_never_override_a_listed_name():
    linker = Gazetteer(
        [
            ("location", 1, "Бахмут", False),
            ("location", 2, "Бахмута", False),  # pretend another place has this name
            ("actor", 3, "Залужний", False),
        ]
    )
    actors, locations, _ = linker.count("під Бахмутом, у Бахмута; генерал Залужного")
    assert locations == {1: 1, 2: 1}
    assert actors == {3: 1}


def test_a_form_derived_from_two_entities_is_dropped_as_ambiguous():
    linker = Gazetteer([("location", 1, "Одеса", False), ("location", 2, "Одес", False)])
    assert linker.count("в Одесі")[1] == {}  # both would give "Одесі"
    assert linker.count("над Одесою")[1] == {1: 1}
    assert linker.count("з Одесом")[1] == {2: 1}


def test_link_article_counts_headline_lede_body_and_captions(gazetteer, linker):
    article = Article.objects.create(
        title="Kyiv at night",
        lede="Kharkiv too.",
        body="Kyiv again.",
        captions=[{"text": "Укриття в Києві", "credit": "Kyiv Photo Agency"}],
    )
    link_article(article, linker)
    assert ActorMention.objects.filter(article=article).count() == 0
    mentions = dict(article.location_mentions.values_list("location__slug", "count"))
    assert mentions == {"kyiv": 3, "kharkiv": 1}


def test_relink_is_idempotent_and_follows_gazetteer_changes(seed_archive):
    before = set(LocationMention.objects.values_list("pk", "article_id", "location_id", "count"))
    assert relink_articles() == 5
    after = set(LocationMention.objects.values_list("pk", "article_id", "location_id", "count"))
    assert after == before  # nothing rewritten

    # An editor adds a place the seed texts name but the gazetteer lacked.
    place = Location.objects.create(name="Foreign Intelligence Service HQ", kind="other")
    LocationAlias.objects.create(entity=place, name="Foreign Intelligence Service")
    assert relink_articles(Article.objects.filter(provenance__startswith="003")) == 1
    article = Article.objects.get(provenance__startswith="003")
    assert article.location_mentions.get(location=place).count == 2

    ActorAlias.objects.filter(entity__slug="mykola-malomuzh").delete()
    relink_articles()
    assert not article.actor_mentions.filter(actor__slug="mykola-malomuzh").exists()
