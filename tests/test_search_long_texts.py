"""A phrase near the end of a very long article is found on both databases.

PostgreSQL counts a word's positions no further than 16,383: every later word
stood at 16,383, so no phrase after it matched, and ts_headline picked no
fragment there.  The long article here is invented: about 30,000 words of
generated sentences, with a phrase, a name and a name's spelling that is a
phrase only in its last lines."""

import random
import re

import pytest
from django.db import connection

from articles.models import Actor, ActorAlias, Alias, Article

from .test_research_exports import read_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("index_method")]

SUBJECTS = ["The brigade", "A convoy", "The engineers", "Local officials", "The garrison"]
VERBS = ["repaired", "inspected", "reported on", "guarded", "surveyed"]
OBJECTS = ["the river crossing", "two supply depots", "the northern road", "a rail bridge"]
TIMES = ["before dawn", "on Tuesday", "after the storm", "within a week", "at night"]
# Its words, and those of the name, stand apart in the filler: only the
# ending holds them together.
APART = ["The air was cold.", "Their defence of the town held."]
ENDING = (
    "In the last hours the new air defence covered the harbour. "
    "Commander Veldrin Oskarov said the Gruppa Tessaly had left the coast."
)


def long_body(words=30000):
    """Invented sentences of about ``words`` words, then ``ENDING``."""
    chooser = random.Random(18)
    sentences, count = [], 0
    while count < words:
        if chooser.random() < 0.05:
            sentence = chooser.choice(APART)
        else:
            sentence = (
                f"{chooser.choice(SUBJECTS)} {chooser.choice(VERBS)} "
                f"{chooser.choice(OBJECTS)} {chooser.choice(TIMES)}."
            )
        sentences.append(sentence)
        count += len(sentence.split())
    return " ".join(sentences) + " " + ENDING


@pytest.fixture
def long_article(db):
    tessaly = Actor.objects.create(slug="tessaly-group", name="Tessaly Group", kind="organisation")
    ActorAlias.objects.create(entity=tessaly, name="Tessaly Group", kind=Alias.Kind.NAME)
    ActorAlias.objects.create(entity=tessaly, name="Gruppa Tessaly", kind=Alias.Kind.SPELLING)
    return Article.objects.create(
        title="Transcript of the annual briefing",
        body=long_body(),
        language="en",
        status="published",
    )


def marked_snippet(client, query):
    """The search page's slugs and the text of its snippets for ``query``, a
    phrase's marked words as one mark (as SQLite marks them)."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    slugs = [article.slug for article in response.context["page"].items]
    snippets = re.findall(r'<p class="snippet"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    return slugs, " ".join(snippets).replace("</mark> <mark>", " ")


@pytest.mark.parametrize(
    ("query", "marked"),
    [
        ('"air defence"', "<mark>air defence</mark>"),
        ('"Veldrin Oskarov"', "<mark>Veldrin Oskarov</mark>"),
        ("Tessaly Group", "<mark>Gruppa Tessaly</mark>"),
    ],
)
def test_a_phrase_at_the_end_of_a_long_text_is_found_and_marked(
    client, long_article, query, marked
):
    assert len(long_article.body.split()) > 30000
    short = Article.objects.create(
        title="Harbour notes",
        body="The air defence of the harbour held. Veldrin Oskarov of the Gruppa Tessaly agreed.",
        language="en",
        status="published",
    )
    slugs, snippets = marked_snippet(client, query)
    assert set(slugs) == {long_article.slug, short.slug}
    assert snippets.count(marked) == 2, snippets

    api = client.get("/api/articles/", {"q": query}).json()
    assert {row["slug"] for row in api["results"]} == set(slugs)

    export = client.get("/search/export.csv", {"q": query})
    _, rows = read_csv(b"".join(export.streaming_content).decode())
    assert {row["slug"] for row in rows} == set(slugs)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's vectors")
class TestPostgreSQLVectors:
    OLD_VECTOR = """SELECT (
        setweight(to_tsvector(articles_search_config(language), articles_search_text(title)), 'A')
        || setweight(to_tsvector(articles_search_config(language), articles_search_text(lede)), 'B')
        || setweight(to_tsvector(articles_search_config(language),
                                 articles_search_text(left(body, 1000000))), 'C'))::text,
        search_vector::text, articles_vector_capped(search_vector)
        FROM articles_article WHERE id = %s"""

    def vectors(self, article):
        """The vector as PostgreSQL's one expression makes it, the stored one,
        and whether the stored one reaches position 16,383."""
        with connection.cursor() as cursor:
            cursor.execute(self.OLD_VECTOR, [article.pk])
            return cursor.fetchone()

    @pytest.mark.parametrize("words", [600, 12000])
    def test_an_article_below_the_last_position_keeps_its_vector_byte_for_byte(self, words):
        article = Article.objects.create(
            title="Harbour notes", lede="A short lede.", body=long_body(words), language="en"
        )
        whole, stored, capped = self.vectors(article)
        assert stored == whole and not capped

    def test_a_long_article_is_indexed_below_the_last_position(self, long_article):
        whole, stored, capped = self.vectors(long_article)
        assert stored != whole and not capped
        assert "16383" in whole

    def test_an_import_computes_the_vector_the_trigger_does(self, long_article):
        from articles.search import get_engine

        document = ("en", long_article.title, long_article.lede, long_article.body)
        (prepared,) = get_engine().index.search_vectors([document])
        assert prepared == self.vectors(long_article)[1]
