"""The indexes of actors, places and sources (most articles first, a name
filter, entities without articles on request), the articles of unknown
source, and what a date range leaves out."""

import datetime
import re

import pytest

from articles.models import Actor, Location, Source

from .research_data import make_article, make_source, mention

pytestmark = pytest.mark.django_db


def html(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content.decode()[:1500]
    return response.content.decode()


@pytest.fixture
def archive(db):
    """Two actors with articles (one in three, one in one), one without; two
    sources and an article of unknown source; two articles without a date."""
    isw = make_source("Institute for the Study of War", slug="isw")
    times = make_source("The Times", kind=Source.Kind.NEWS_OUTLET, slug="the-times")
    make_source("Quiet Monitor", slug="quiet-monitor")
    zelensky = Actor.objects.create(name="Volodymyr Zelensky", slug="zelensky", kind="person")
    zelensky.aliases.create(name="Zelenskyy")
    putin = Actor.objects.create(name="Vladimir Putin", slug="putin", kind="person")
    Actor.objects.create(name="Absent Anybody", slug="absent", kind="person")
    kyiv = Location.objects.create(name="Kyiv", slug="kyiv", kind="city")
    Location.objects.create(name="Nowhere", slug="nowhere", kind="village")
    dated = [
        make_article(f"Dated report {n}", source=isw, published=datetime.date(2024, 3, n + 1))
        for n in range(3)
    ]
    for article in dated:
        mention(article, zelensky)
        mention(article, kyiv)
    mention(dated[0], putin)
    make_article("Undated interview", source=times)
    make_article("Undated note from nowhere")


def names_in_table(page):
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)


def test_actors_list_most_articles_first_and_a_to_z_one_click_away(client, archive):
    page = html(client, "/actors/")
    assert names_in_table(page) == ["Volodymyr Zelensky", "Vladimir Putin"]
    a_to_z = re.search(r'<a href="(\?sort=name)">A–Z</a>', page)
    assert a_to_z
    page = html(client, "/actors/" + a_to_z.group(1))
    assert names_in_table(page) == ["Vladimir Putin", "Volodymyr Zelensky"]


def test_entities_without_articles_are_hidden_unless_asked(client, archive):
    page = html(client, "/actors/")
    assert "Absent Anybody" not in page
    assert "Show also the 1 without a published article" in page
    page = html(client, "/actors/", empty="1", sort="name")
    assert names_in_table(page) == ["Absent Anybody", "Vladimir Putin", "Volodymyr Zelensky"]
    assert "Nowhere" not in html(client, "/locations/")
    assert "Nowhere" in html(client, "/locations/", empty="1")
    assert "Quiet Monitor" not in html(client, "/sources/")
    assert "Quiet Monitor" in html(client, "/sources/", empty="1")


def test_the_name_filter_is_a_plain_get_form_matching_names_and_aliases(client, archive):
    page = html(client, "/actors/")
    form = re.search(r'<form class="name-filter"[^>]*method="get"', page)
    assert form and 'name="q"' in page
    assert names_in_table(html(client, "/actors/", q="putin")) == ["Vladimir Putin"]
    assert names_in_table(html(client, "/actors/", q="zelenskyy")) == ["Volodymyr Zelensky"]
    assert names_in_table(html(client, "/sources/", q="times")) == ["The Times"]
    page = html(client, "/locations/", q="no such place")
    assert names_in_table(page) == [] and "No places named like" in page


def test_sources_list_links_the_articles_of_unknown_source(client, archive):
    page = html(client, "/sources/")
    assert 'href="/sources/_unknown/"' in page
    assert "1 article without a known source" in page
    page = html(client, "/sources/_unknown/")
    assert "Undated note from nowhere" in page
    assert "Undated interview" not in page and "Dated report" not in page


def test_a_date_range_says_how_many_undated_articles_it_leaves_out(client, archive):
    page = html(client, "/search/", date_from="2024-01-01")
    assert "Dated report 0" in page
    assert "2 articles without a date are left out by the dates" in page
    link = re.search(r'href="(\?[^"]*dated=no[^"]*)"', page).group(1)
    assert "date_from" not in link
    undated = html(client, "/search/" + link.replace("&amp;", "&"))
    assert "Undated interview" in undated and "Undated note from nowhere" in undated
    assert "Dated report" not in undated


def test_the_undated_count_follows_the_other_filters_and_is_absent_without_a_range(client, archive):
    page = html(client, "/search/", date_from="2024-01-01", source="the-times")
    assert "1 article without a date is left out" in page
    assert "without a date" not in html(client, "/search/")
