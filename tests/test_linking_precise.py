"""Precise linking: names inside longer names, editors' not-a-mention phrases,
and media outlets linked as sources (see articles/linking.py)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from articles.curation.gazetteer_edits import create_entity
from articles.linking import Gazetteer, relink_articles
from articles.models import (
    Actor,
    ActorMention,
    Article,
    Location,
    LocationMention,
    LocationNonMention,
    MovedActor,
    Source,
    SourceAlias,
    SourceMention,
)

from .test_admin import change_url, form_data, form_errors, messages_of

pytestmark = pytest.mark.django_db


def found(text):
    """{"kind:slug": count} of what the gazetteer in the database finds in ``text``."""
    actors, locations, sources = Gazetteer.from_database().count(text)
    result = {}
    for model, counts in ((Actor, actors), (Location, locations), (Source, sources)):
        slugs = dict(model.objects.filter(pk__in=counts).values_list("pk", "slug"))
        result.update({f"{model.__name__.lower()}:{slugs[pk]}": n for pk, n in counts.items()})
    return result


def test_geneva_conventions_and_kyiv_independent_link_nothing_of_the_cities(gazetteer):
    text = "Both sides cited the Geneva Conventions; the Kyiv Independent reported it."
    links = found(text)
    assert "location:geneva" not in links and "location:kyiv" not in links
    assert links == {"source:kyiv-independent": 1}  # the outlet, as a source
    # Lower case "conventions" is still the treaty: the phrase needs one capital.
    assert "location:geneva" not in found("violations of the Geneva conventions")
    links = found("Talks in Geneva ended; shelling in Kyiv went on.")
    assert links["location:geneva"] == 1 and links["location:kyiv"] == 1


def test_a_place_name_running_into_a_longer_name_is_not_the_place():
    gazetteer = Gazetteer(
        [
            ("location", 1, "Minsk", False),
            ("location", 2, "Kharkiv", False),
            ("location", 3, "Kharkiv Oblast", False),
            ("actor", 4, "Donetsk People's Republic", False),
            ("location", 5, "Donetsk", False),
        ]
    )
    assert gazetteer.count("under the Minsk Protocol of that year")[1] == {}
    assert gazetteer.count("the Kharkiv Times wrote")[1] == {}
    # A longer name of the gazetteer is matched before the rule applies.
    assert gazetteer.count("across Kharkiv Oblast")[1] == {3: 1}
    actors, locations, _ = gazetteer.count("the so-called Donetsk People's Republic")
    assert actors == {4: 1} and locations == {}
    # Only a capitalised word right after the name, after nothing but a space.
    assert gazetteer.count("in Minsk. Protocol demanded silence")[1] == {1: 1}
    assert gazetteer.count("a protocol signed in Minsk, Post-war plans")[1] == {1: 1}
    assert gazetteer.count("the Minsk protocol")[1] == {1: 1}


def test_a_phrase_is_not_a_mention_of_its_entity_only():
    gazetteer = Gazetteer(
        [
            ("location", 1, "Lisova", False),
            ("location", 2, "Ukraine", False),
            ("not location", 1, "Lisova Ukraine Forum", False),
        ]
    )
    # The forum is not the town, but it does name the country.
    assert gazetteer.count("at the Lisova Ukraine Forum")[1] == {2: 1}
    assert gazetteer.count("near Lisova")[1] == {1: 1}
    scan = gazetteer.scan("at the Lisova Ukraine Forum")
    assert scan.taken == {2, 3, 4}  # the whole phrase: no suggestion is made of it


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_user("phrase-editor", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    return client


def non_mention_rows(response):
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is LocationNonMention
    )
    return formset.prefix, formset.initial_form_count()


def test_a_not_a_mention_phrase_saved_in_admin_unlinks_the_articles_it_concerns(editor_client):
    lisova = create_entity(Location, "Lisova", Location.Kind.CITY)
    treaty = Article.objects.create(title="A brand", body="The Lisova Brewery was sold.")
    visit = Article.objects.create(title="A visit", body="The minister went to Lisova.")
    relink_articles()
    assert LocationMention.objects.filter(location=lisova).count() == 2

    page = editor_client.get(change_url(lisova))
    data = form_data(page)
    prefix, initial = non_mention_rows(page)
    data[f"{prefix}-TOTAL_FORMS"] = initial + 1
    data[f"{prefix}-{initial}-phrase"] = "Lisova Brewery"
    response = editor_client.post(change_url(lisova), data, follow=True)
    assert response.redirect_chain, form_errors(response)
    assert "re-linked" in " ".join(messages_of(response))
    assert list(Article.objects.filter(locations=lisova)) == [visit]
    assert not LocationMention.objects.filter(article=treaty).exists()

    # Taking the phrase away links the treaty again.
    page = editor_client.get(change_url(lisova))
    data = form_data(page)
    prefix, _ = non_mention_rows(page)
    data[f"{prefix}-0-DELETE"] = "on"
    editor_client.post(change_url(lisova), data, follow=True)
    assert set(Article.objects.filter(locations=lisova)) == {treaty, visit}


def test_a_phrase_without_the_records_name_is_refused(editor_client):
    lisova = create_entity(Location, "Lisova", Location.Kind.CITY)
    page = editor_client.get(change_url(lisova))
    data = form_data(page)
    prefix, initial = non_mention_rows(page)
    data[f"{prefix}-TOTAL_FORMS"] = initial + 2
    data[f"{prefix}-{initial}-phrase"] = "Birch Accord"
    data[f"{prefix}-{initial + 1}-phrase"] = "lisova"
    response = editor_client.post(change_url(lisova), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The phrase must contain one of this record&#x27;s names." in page
    assert "The phrase is a name of this record: it needs more words." in page
    assert not LocationNonMention.objects.exists()


def test_an_outlet_named_in_the_text_links_to_its_source_page(client, gazetteer):
    own = Source.objects.create(name="Field Notes Weekly")
    article = Article.objects.create(
        title="Shelling reported",
        body="According to Reuters and the Kyiv Post, shelling in Kyiv resumed.",
        source=own,
    )
    relink_articles()
    outlets = set(
        SourceMention.objects.filter(article=article).values_list("source__slug", flat=True)
    )
    assert outlets == {"reuters", "kyiv-post"}
    assert set(article.locations.values_list("slug", flat=True)) == {"kyiv"}
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/sources/reuters/"' in page
    reuters = client.get("/sources/reuters/")
    assert reuters.status_code == 200
    assert "Named in 1 article of other sources" in reuters.content.decode()
    assert article.title in reuters.content.decode()
    # An outlet with no article of its own is listed once the archive names it.
    sources_page = client.get("/sources/").content.decode()
    assert "Reuters" in sources_page and "Daycom" not in sources_page


def test_media_actors_become_sources_with_their_mentions_and_old_address():
    outlet = create_entity(Actor, "Steppe Courier", Actor.Kind.PERSON)
    Actor.objects.filter(pk=outlet.pk).update(kind="media")  # as an older gazetteer had it
    outlet.aliases.create(name="The Steppe Courier")
    article = Article.objects.create(title="Report", body="The Steppe Courier wrote twice.")
    ActorMention.objects.create(article=article, actor=outlet, count=2)
    existing = Source.objects.create(name="Steppe Courier", kind=Source.Kind.OTHER)

    migration = importlib.import_module(
        "articles.migrations.0012_precise_linking_outlets_suggestion_evidence"
    )
    migration.move_outlets_to_sources(apps, None)

    assert not Actor.objects.filter(pk=outlet.pk).exists()
    existing.refresh_from_db()
    assert existing.kind == Source.Kind.NEWS_OUTLET
    assert SourceAlias.objects.get(normalized="the steppe courier").entity == existing
    mention = SourceMention.objects.get(article=article)
    assert (mention.source, mention.count) == (existing, 2)
    assert MovedActor.objects.get(slug=outlet.slug).source == existing


def test_an_old_actor_address_of_an_outlet_redirects_to_its_source(client):
    source = Source.objects.create(name="Steppe Courier", kind=Source.Kind.NEWS_OUTLET)
    MovedActor.objects.create(slug="steppe-courier", source=source)
    response = client.get("/actors/steppe-courier/")
    assert response.status_code == 301 and response["Location"] == source.get_absolute_url()
    assert client.get("/actors/no-such-actor/").status_code == 404


def test_loading_the_gazetteer_twice_adds_nothing(gazetteer):
    counts = [
        model.objects.count() for model in (Source, SourceAlias, LocationNonMention, Location)
    ]
    call_command("load_gazetteer", verbosity=0)
    assert [
        model.objects.count() for model in (Source, SourceAlias, LocationNonMention, Location)
    ] == counts
    assert LocationNonMention.objects.filter(
        entity__slug="geneva", normalized="geneva conventions"
    ).exists()
    assert not Actor.objects.filter(slug="reuters").exists()


def test_relink_command_applies_phrases_and_outlets_to_the_archive(gazetteer, capsys):
    geneva = Location.objects.get(slug="geneva")
    article = Article.objects.create(
        title="Law of war", body="The Geneva Conventions bind both armies, Reuters noted."
    )
    LocationMention.objects.create(article=article, location=geneva, count=1)  # an old link
    call_command("relink_articles", "--no-suggestions")
    assert "1 changed" in capsys.readouterr().out
    assert not article.locations.exists()
    assert list(article.source_mentions.values_list("source__slug", flat=True)) == ["reuters"]


def source_alias_rows(response):
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is SourceAlias
    )
    return formset.prefix, formset.initial_form_count()


def test_a_new_name_of_an_outlet_saved_in_admin_links_the_articles_that_use_it(editor_client):
    outlet = Source.objects.create(name="Steppe Courier", kind=Source.Kind.NEWS_OUTLET)
    article = Article.objects.create(title="Report", body="As the Courier of the Steppe wrote.")
    relink_articles()
    assert not article.source_mentions.exists()

    page = editor_client.get(change_url(outlet))
    data = form_data(page)
    prefix, initial = source_alias_rows(page)
    data[f"{prefix}-TOTAL_FORMS"] = initial + 1
    data[f"{prefix}-{initial}-name"] = "Courier of the Steppe"
    data[f"{prefix}-{initial}-kind"] = "spelling"
    response = editor_client.post(change_url(outlet), data, follow=True)
    assert response.redirect_chain, form_errors(response)
    assert "re-linked 1 article" in " ".join(messages_of(response))
    assert article.source_mentions.get().source == outlet
