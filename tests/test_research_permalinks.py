"""Canonical URLs, Open Graph tags and the sitemap."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from articles.models import Actor, Location

from .research_data import bare_article, full_article, make_article, mention

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class HeadTags(HTMLParser):
    """The <link> and <meta> tags of a page, as a browser or link unfurler reads them."""

    def __init__(self, html):
        super().__init__()
        self.links, self.meta = {}, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.setdefault(attrs.get("rel"), attrs.get("href"))
        elif tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, attrs["content"])


def head_of(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return HeadTags(response.content.decode())


def test_article_page_has_canonical_link_and_open_graph_tags(client):
    article = full_article()
    head = head_of(client, article.get_absolute_url(), q="Pokrovsk", utm_source="x")
    canonical = f"http://testserver/articles/{article.slug}/"
    assert head.links["canonical"] == canonical
    assert head.meta["og:url"] == canonical
    assert head.meta["og:title"] == article.title
    assert head.meta["og:type"] == "article"
    assert head.meta["og:description"] == article.lede
    assert head.meta["article:published_time"] == "2024-03-05"
    assert head.meta["article:author"] == "Kateryna Stepanenko"


def test_open_graph_description_falls_back_to_the_first_paragraph_and_is_text(client):
    article = make_article(
        "<script>alert(1)</script> headline", body="<b>Bold</b> claim & counter-claim.\n\nMore."
    )
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    head = HeadTags(html)
    assert head.meta["og:title"] == "<script>alert(1)</script> headline"
    assert head.meta["og:description"] == "<b>Bold</b> claim & counter-claim."
    assert "article:published_time" not in head.meta


def test_entity_pages_have_canonical_links(client):
    actor = Actor.objects.create(name="Oleksandr Syrskyi", kind="person", description="Commander")
    location = Location.objects.create(name="Pokrovsk", kind="city")
    article = full_article()
    for entity in (actor, location, article.source):
        head = head_of(client, entity.get_absolute_url(), page="2")
        assert head.links["canonical"] == f"http://testserver{entity.get_absolute_url()}"
        assert head.meta["og:title"] == entity.name
        assert head.meta["og:type"] == "website"
    assert head_of(client, actor.get_absolute_url()).meta["og:description"] == "Commander"


def sitemap_urls(client):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = [
        loc.text for loc in ET.fromstring(index.content).findall("sm:sitemap/sm:loc", SITEMAP_NS)
    ]
    assert sections, "the sitemap index lists no sitemap"
    urls = set()
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        urls |= {loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}
    return urls


def test_sitemap_lists_published_articles_and_the_entities_they_mention(client):
    published = full_article()
    bare = bare_article()
    draft = make_article("Draft assessment", status="draft")
    pokrovsk = Location.objects.create(name="Pokrovsk", kind="city")
    only_in_draft = Location.objects.create(name="Toretsk", kind="city")
    mention(published, pokrovsk)
    mention(draft, only_in_draft)
    urls = sitemap_urls(client)
    base = "http://testserver"
    assert urls == {
        base + published.get_absolute_url(),
        base + bare.get_absolute_url(),
        base + pokrovsk.get_absolute_url(),
        base + published.source.get_absolute_url(),
    }
