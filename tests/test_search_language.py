"""Search reads text as it is written: invisible characters inside words,
British and American spellings, Ukrainian and Russian word forms, and "did you
mean" for a misspelt name.  Through real requests, on whichever database the
suite runs on."""

import pytest

from articles.importing import import_paths
from articles.invisible import INVISIBLE_CHARACTERS
from articles.linking import Gazetteer
from articles.models import Article, Location, Source, unique_slug
from articles.search.query import parse_query

pytestmark = pytest.mark.django_db


def found_set(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return {article.slug for article in response.context["page"].items}


def add_articles(*texts, language="en"):
    """An article per (title, body); their slugs."""
    source, _ = Source.objects.get_or_create(name="Test desk", slug="test-desk")
    return [
        Article.objects.create(
            title=title, body=body, language=language, source=source, published="2024-05-01"
        ).slug
        for title, body in texts
    ]


# Invisible characters --------------------------------------------------------


@pytest.mark.parametrize("character", list(INVISIBLE_CHARACTERS))
def test_an_invisible_character_inside_a_query_word_is_removed(character):
    assert parse_query(f"ky{character}iv").positive_nodes() == parse_query("kyiv").positive_nodes()


def test_zero_width_space_and_soft_hyphen_queries_equal_the_plain_one(client):
    kyiv, _ = add_articles(
        ("Night in Kyiv", "Air raid sirens sounded over Kyiv until dawn."),
        ("Quiet front", "Nothing moved along the line."),
    )
    plain = found_set(client, q="kyiv")
    assert plain == {kyiv}
    assert found_set(client, q="ky\u200biv") == plain
    assert found_set(client, q="ky\u00adiv") == plain


def test_an_imported_text_with_invisible_characters_is_found_and_linked(
    client, tmp_path, gazetteer
):
    (tmp_path / "report.txt").write_text(
        "Ky\u200biv\u200e overnight\n\n"
        "Air defence over Ky\u00adiv held, \u2066Ky\ufeffiv\u2069 said."
    )
    import_paths([tmp_path])
    article = Article.objects.get()
    assert not set(INVISIBLE_CHARACTERS) & set(article.title + article.body)
    assert article.slug.startswith("kyiv-overnight")
    assert found_set(client, q="kyiv") == {article.slug}
    assert "kyiv" in article.locations.values_list("slug", flat=True)


def test_linking_reads_words_split_by_invisible_characters():
    gazetteer = Gazetteer([("location", 1, "Kyiv", False), ("location", 2, "Snake Island", False)])
    _, locations = gazetteer.count("Ky\u200biv and Sna\u00adke\u2060 Island")
    assert locations == {1: 1, 2: 1}


def test_slugs_leave_invisible_characters_out():
    assert unique_slug(Location, "Ky\u200biv\u00ad Oblast\u202e") == "kyiv-oblast"
