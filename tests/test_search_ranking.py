"""Ranking by relevance, on either database: the traps of issue 18 that the
judged sets measure (``manage.py evaluate_search``), each in its smallest form."""

import datetime
import itertools

import pytest

from articles.models import Actor, ActorAlias, Alias, Article, Source

pytestmark = pytest.mark.django_db

FILLER = (
    "the brigade reported shelling along the river during the night while engineers "
    "repaired the bridge and supply convoys waited near the depot for fuel"
)
BACKGROUND_ARTICLES = 10  # so that every word of the tests is rare, as names are


def _words(count, name=None, times=0):
    """``count`` filler words with ``name`` spread ``times`` over them."""
    words = list(itertools.islice(itertools.cycle(FILLER.split()), count))
    for index in range(times):
        words.insert((index + 1) * len(words) // (times + 1), name)
    return " ".join(words) + "."


@pytest.fixture
def archive(db):
    source = Source.objects.create(name="Test Monitor", slug="test-monitor")
    day = datetime.date(2024, 3, 1)

    def article(slug, title, body):
        return Article.objects.create(
            title=title, slug=slug, body=body, source=source, language="en", published=day
        )

    for n in range(BACKGROUND_ARTICLES):
        article(f"background-{n}", f"Daily front report {n}", _words(300))
    return article


def ranked(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [item.slug for item in response.context["page"].items]


def test_each_mention_of_a_name_counts_once_whichever_alias_it_is(client, archive):
    harkan = Actor.objects.create(slug="harkan-group", name="Harkan Group", kind="armed_force")
    ActorAlias.objects.create(entity=harkan, name="Harkan Group", kind=Alias.Kind.NAME)
    for alias in ("Harkan", "Harkan PMC"):
        ActorAlias.objects.create(entity=harkan, name=alias, kind=Alias.Kind.SPELLING)
    # "Harkan Group" matches both "Harkan" and "Harkan Group": counted per
    # alias, its two mentions outweighed the three of the other article.
    archive("twice", "Convoys on the river road", _words(300, "Harkan Group", 2))
    archive("three-times", "Convoys on the bridge road", _words(300, "Harkan", 3))
    assert ranked(client, "Harkan") == ["three-times", "twice"]


def test_a_three_line_readout_does_not_outrank_a_long_analysis(client, archive):
    archive("readout", "Minister Kirvan receives a delegation", _words(30, "Kirvan", 1))
    archive("analysis", "What the new minister wants", _words(900, "Kirvan", 8))
    assert ranked(client, "Kirvan") == ["analysis", "readout"]
