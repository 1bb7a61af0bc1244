"""Articles made for the research tests: every field the citations and exports
show, and the awkward cases (no author, no date, no source, LaTeX and HTML
characters, formula-like text)."""

import datetime

from django.http import QueryDict

from articles import month_counts
from articles.models import Actor, ActorMention, Article, Location, LocationMention, Source
from articles.search import search_articles


def make_source(name="Institute for the Study of War", kind=Source.Kind.THINK_TANK, **fields):
    return Source.objects.create(name=name, kind=kind, **fields)


def make_article(title, *, body=None, source=None, published=None, **fields):
    """An article written as the admin writes one: counted in the month counts."""
    article = Article.objects.create(
        title=title,
        body=body or f"{title}. A paragraph of analysis.\n\nA second paragraph.",
        source=source,
        published=published,
        **fields,
    )
    month_counts.add_articles([article.pk])
    return article


def mention(article, entity, count=1):
    with month_counts.recounted([article.pk]):
        if isinstance(entity, Actor):
            return ActorMention.objects.create(article=article, actor=entity, count=count)
        assert isinstance(entity, Location)
        return LocationMention.objects.create(article=article, location=entity, count=count)


def full_article():
    """An article with every field known."""
    source = make_source()
    return make_article(
        "Russian Offensive Campaign Assessment, March 5 & the 100% question",
        source=source,
        published=datetime.date(2024, 3, 5),
        authors=["Kateryna Stepanenko", "George Barros"],
        url="https://www.understandingwar.org/backgrounder/assessment-march-5",
        lede="Russian forces advanced near Pokrovsk_{east}.",
        language="en",
    )


def bare_article():
    """An article the archive knows almost nothing about: no author, date or source."""
    return make_article("Interview on the front line", language="und")


def front_articles():
    """Dated articles about two towns from two sources, and a draft."""
    isw = make_source()
    kyiv = make_source("Kyiv Independent", kind=Source.Kind.NEWS_OUTLET)
    pokrovsk = Location.objects.create(name="Pokrovsk", kind="city")
    kupiansk = Location.objects.create(name="Kupiansk", kind="city")
    made = {}
    for n, (town, source, day) in enumerate(
        [
            (pokrovsk, isw, datetime.date(2024, 1, 10)),
            (pokrovsk, kyiv, datetime.date(2024, 2, 11)),
            (pokrovsk, isw, datetime.date(2024, 2, 20)),
            (pokrovsk, kyiv, None),
            (kupiansk, isw, datetime.date(2024, 2, 3)),
            (kupiansk, kyiv, datetime.date(2024, 4, 4)),
        ]
    ):
        article = make_article(
            f"Fighting near {town.name}, report {n}",
            body=f"Russian forces attacked {town.name} again.\n\nDefenders held the line.",
            source=source,
            published=day,
            authors=[f"Analyst {n}"],
        )
        mention(article, town)
        made[article.slug] = article
    make_article(
        "Draft about Pokrovsk",
        body="Pokrovsk draft.",
        status="draft",
        published=datetime.date(2024, 2, 1),
    )
    return made


def search_slugs(query_string):
    """The slugs the search interface returns for ``query_string``, in its order."""
    return [a.slug for a in search_articles(QueryDict(query_string)).queryset]
