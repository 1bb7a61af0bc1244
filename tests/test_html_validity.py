"""The public pages are valid HTML by the Nu HTML Checker (the W3C's validator,
``vnu.jar``), and the feeds parse cleanly, over the demo archive.

The checker needs Java and ``npm ci --prefix tests/vnu`` (``make test`` installs
it when npm is there); without them the HTML test is skipped, unless
``REQUIRE_VNU=1`` (as ``.ci/run`` sets when Java is on the machine)."""

import json
import os
import shutil
import subprocess

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article

from .conftest import ROOT

pytestmark = pytest.mark.django_db

DEMO = ROOT / "fixtures" / "demo.json"
VNU_JAR = ROOT / "tests" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def demo_article(db):
    call_command("loaddata", str(DEMO), verbosity=0)
    return Article.objects.filter(source__isnull=False).order_by("pk").first()


def public_pages(article):
    actor = article.actor_mentions.select_related("actor").first().actor
    place = article.location_mentions.select_related("location").first().location
    return {
        "home": reverse("articles:home"),
        "search": reverse("articles:search") + "?q=Putin",
        "search-filtered": reverse("articles:search") + "?q=Kyiv&sort=newest&language=en",
        "article": article.get_absolute_url(),
        "actor": actor.get_absolute_url(),
        "place": place.get_absolute_url(),
        "source": article.source.get_absolute_url(),
        "actors": reverse("articles:actor_list"),
        "places": reverse("articles:location_list"),
        "sources": reverse("articles:source_list"),
        "source-unknown": reverse("articles:source_unknown"),
        "compare": reverse("research:compare") + "?q=Putin&q=Kyiv",
        "api": reverse("api_index"),
        "404": "/articles/no-such-article/",
    }


def nu_checker():
    """The command that runs the Nu HTML Checker, or a skip."""
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return [java, "-jar", str(VNU_JAR)]
    reason = "the Nu HTML Checker needs java and its jar (npm ci --prefix tests/vnu)"
    if os.environ.get("REQUIRE_VNU") == "1":
        pytest.fail(f"REQUIRE_VNU=1 but {reason}")
    pytest.skip(reason)


def test_the_public_pages_are_valid_html(client, demo_article, tmp_path):
    command = nu_checker()
    files = []
    for name, url in public_pages(demo_article).items():
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    done = subprocess.run(
        [*command, "--errors-only", "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    errors = [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine')}: {message['message']}"
        for message in json.loads(done.stderr)["messages"]
    ]
    assert errors == []


def test_the_feeds_parse_without_complaint(client, demo_article):
    for url in (reverse("research:feed") + "?q=Putin", reverse("research:feed")):
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10"
        assert feed.entries, url
        assert all(entry.get("title") and entry.get("link") for entry in feed.entries)
