"""Health checks and the database going away.

The outage tests run the archive under gunicorn in another process, against a
scratch database of the suite's own kind, take that database away for real and
give it back: no mock stands in for a database.
"""

import re
from contextlib import suppress

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.middleware import database_unavailable_response
from articles.models import Article

from .conftest import CORPUS_DIR
from .subprocess_archive import (
    database_name,
    fetch,
    manage,
    postgres_admin,
    running_site,
    scratch_postgres,
    suite_runs_on_postgres,
)


@pytest.mark.django_db
def test_healthz_says_ok_while_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_answers_plain_http_when_everything_else_redirects(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_the_unavailable_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = database_unavailable_response()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Production serves hashed static files from collectstatic's output."""
    root = tmp_path_factory.mktemp("staticfiles")
    database = f"sqlite:///{root.parent / 'collectstatic.sqlite3'}"
    manage(database, "collectstatic", "--noinput", STATIC_ROOT=str(root))
    return root


class SQLiteOutage:
    """The database file disappears and a directory stands in its way, so that
    it cannot be opened (file permissions would not stop a test run as root)."""

    def __init__(self, tmp_path):
        self.path = tmp_path / "archive.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.away = tmp_path / "away"

    def start(self):
        self.away.mkdir()
        for file in self.path.parent.glob(self.path.name + "*"):
            # SQLite deletes the -wal and -shm files when the site's last
            # connection closes: one may be gone by the time it is moved.
            with suppress(FileNotFoundError):
                file.rename(self.away / file.name)
        self.path.mkdir()

    def end(self):
        self.path.rmdir()
        for file in self.away.iterdir():
            file.rename(self.path.parent / file.name)
        self.away.rmdir()


class PostgresOutage:
    """The server stops accepting connections to the database and drops the
    ones it has, as in a restart or failover."""

    def __init__(self, url):
        self.url = url
        self.name = database_name(url)

    def drop_connections(self):
        with postgres_admin() as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [self.name],
            ).fetchall()
        return len(rows)

    def start(self):
        with postgres_admin() as admin:
            admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        self.drop_connections()

    def end(self):
        with postgres_admin() as admin:
            admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


@pytest.fixture
def outage(tmp_path):
    """A migrated scratch database holding the seed articles, of the suite's kind."""
    if suite_runs_on_postgres():
        with scratch_postgres("outage") as url:
            outage = PostgresOutage(url)
            manage(url, "migrate", "--noinput")
            manage(url, "import_articles", CORPUS_DIR)
            yield outage
    else:
        outage = SQLiteOutage(tmp_path)
        manage(outage.url, "migrate", "--noinput")
        manage(outage.url, "import_articles", CORPUS_DIR)
        yield outage


def health(base):
    status, _, body = fetch(base + "/healthz")
    return status, body


def log_in(base):
    """An editor posts the admin login form, over HTTPS as the proxy reports it."""
    https = {"X-Forwarded-Proto": "https", "Referer": base.replace("http:", "https:") + "/"}
    status, headers, form = fetch(base + "/admin/login/", headers=https)
    assert status == 200  # the form itself needs no database
    cookie = headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    credentials = {"username": "editor", "password": "secret", "csrfmiddlewaretoken": token}
    return fetch(base + "/admin/login/", form=credentials, headers={**https, "Cookie": cookie})


def first_article_path(base):
    status, _, home = fetch(base + "/")
    assert status == 200
    start = home.index('href="/articles/') + len('href="')
    return home[start : home.index('"', start)]


def test_site_answers_503_while_the_database_is_away_and_recovers_by_itself(
    outage, static_root, tmp_path
):
    with running_site(outage.url, static_root, tmp_path) as base:
        article = first_article_path(base)
        assert fetch(base + article)[0] == 200
        assert health(base) == (200, "ok\n")
        status, _, page = log_in(base)
        assert status == 200 and "Please enter the correct username" in page

        outage.start()
        try:
            pages = ["/", "/search/?q=Kyiv", article, "/actors/"]
            responses = {path: fetch(base + path) for path in pages}
            responses["editor logging in"] = log_in(base)
            for path, (status, headers, page) in responses.items():
                assert status == 503, (path, page)
                assert headers["Retry-After"] == "30"
                assert "no-store" in headers["Cache-Control"]
                assert "Content-Security-Policy" in headers
                assert "briefly unavailable" in page
                for detail in ["Traceback", "Error", "sqlite", "psycopg", "127.0.0.1", "5432"]:
                    assert detail not in page, (path, detail)
            assert health(base) == (503, "unavailable\n")
        finally:
            outage.end()

        # The same server process, untouched: the next requests simply work.
        assert health(base) == (200, "ok\n")
        assert fetch(base + article)[0] == 200
        assert fetch(base + "/")[0] == 200


@pytest.mark.skipif(not suite_runs_on_postgres(), reason="persistent connections: PostgreSQL")
def test_a_dropped_connection_is_replaced_without_an_error(outage, static_root, tmp_path):
    """A database restart between two requests costs the user nothing: the dead
    persistent connection fails its health check and a new one is opened."""
    with running_site(outage.url, static_root, tmp_path) as base:
        article = first_article_path(base)
        assert outage.drop_connections() >= 1
        assert fetch(base + article)[0] == 200
        assert outage.drop_connections() >= 1
        assert health(base) == (200, "ok\n")


@pytest.mark.django_db
def test_synthetic_archive_for_the_load_test_is_linked_and_searchable(client, gazetteer):
    call_command("generate_corpus", count=40, into_database=True, verbosity=0)
    assert Article.objects.published().count() == 40
    for article in Article.objects.all()[:5]:
        text = f"{article.title} {article.lede} {article.body}"
        entities = [mention.actor for mention in article.actor_mentions.all()]
        entities += [mention.location for mention in article.location_mentions.all()]
        assert entities, article
        for entity in entities:
            names = [entity.name, *entity.aliases.values_list("name", flat=True)]
            assert any(name in text for name in names), (article, entity)
    article = Article.objects.first()
    page = client.get("/search/", {"q": f'"{article.location_mentions.first().location.name}"'})
    assert article.title in page.content.decode()
    with pytest.raises(CommandError, match="without articles"):
        call_command("generate_corpus", count=1, into_database=True, verbosity=0)
