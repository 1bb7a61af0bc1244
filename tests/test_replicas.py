"""Reads on a real PostgreSQL streaming replica (DATABASE_REPLICA_URLS).

A second cluster on this machine streams from the suite's server; the tests
commit their data (transaction=True) and wait for the replica to replay it.
"""

import datetime
import os
import secrets
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive.replicas import forget_replica_health, replica_lag
from articles.models import Article, Source

from .streaming_replica import ReplicaUnavailable, free_port, streaming_replica, wait_for_replay
from .test_admin import change_url, form_data

REPLICA = "replica_1"
NOWHERE = "replica_2"  # a replica that is down: nothing listens on its port
PRIMARY_AS_REPLICA = "replica_3"  # the primary itself, given as a replica by mistake

pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", REPLICA, NOWHERE, PRIMARY_AS_REPLICA]
)


@pytest.fixture(scope="module")
def replica_port(django_db_setup, django_db_blocker):
    primary = django_settings.DATABASES["default"]
    if primary["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("replicas are PostgreSQL's")
    try:
        with streaming_replica(primary) as port:
            _add_alias(REPLICA, port)
            _add_alias(NOWHERE, free_port())
            _add_alias(PRIMARY_AS_REPLICA, primary["PORT"])
            yield port
            for alias in (REPLICA, NOWHERE, PRIMARY_AS_REPLICA):
                _remove_alias(alias)
    except ReplicaUnavailable as exc:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"no streaming replica, and REQUIRE_POSTGRES=1: {exc}")
        pytest.skip(f"no streaming replica on this machine: {exc}")


def _add_alias(alias, port):
    """A database alias as DATABASE_REPLICA_URLS makes one (a mirror of the primary in tests)."""
    replica = {**connections["default"].settings_dict, "PORT": port}
    replica["TEST"] = {**replica["TEST"], "MIRROR": "default"}
    connections.settings[alias] = replica


def _remove_alias(alias):
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@pytest.fixture
def replica(replica_port, transactional_db, settings):
    """The replica as the archive's only one, checked afresh at every request."""
    settings.ARCHIVE_REPLICA_ALIASES = [REPLICA]
    settings.ARCHIVE_REPLICA_CHECK_SECONDS = 0
    forget_replica_health()
    yield connections[REPLICA]
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    forget_replica_health()


@pytest.fixture
def archive(replica):
    source = Source.objects.create(name="Frontline Notes")
    articles = [
        Article.objects.create(
            title=f"Quillwort dispatch number {n}",
            body=f"Quillwort supply lines held near the river, report {n}.",
            source=source,
            published=datetime.date(2024, 3, n),
        )
        for n in range(1, 4)
    ]
    wait_for_replay(connection, replica)
    return articles


def article_queries(captured):
    return [query["sql"] for query in captured if "articles_article" in query["sql"]]


def read(client, url):
    """The body of ``url`` (streamed or not) and the article statements each database answered."""
    with (
        CaptureQueriesContext(connection) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return body, article_queries(on_primary), article_queries(on_replica)


def pause_replay(replica):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")


def test_the_replica_is_a_streaming_copy_in_recovery(replica, archive):
    in_recovery, lag = replica_lag(REPLICA)
    assert in_recovery is True
    assert lag is not None and lag < 5
    assert Article.objects.using(REPLICA).filter(title__startswith="Quillwort").count() == 3


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=quillwort",
        "/search/?q=quillwort&sort=newest",
        "/search/export.csv?q=quillwort",
        "/api/articles/?q=quillwort",
    ],
)
def test_searches_exports_and_the_api_are_answered_on_the_replica(client, archive, url):
    body, on_primary, on_replica = read(client, url)
    assert b"dispatch number 2" in body
    assert on_replica
    assert on_primary == []


def test_an_article_page_is_answered_on_the_replica(client, archive):
    body, on_primary, on_replica = read(client, archive[0].get_absolute_url())
    assert b"dispatch number 1" in body
    assert on_replica
    assert on_primary == []


def test_the_admin_reads_the_primary(archive, admin_client):
    body, on_primary, on_replica = read(admin_client, "/admin/articles/article/")
    assert b"dispatch number 3" in body
    assert on_primary
    assert on_replica == []


def test_an_editor_sees_their_change_at_once_while_visitors_read_the_replica(
    replica, archive, settings
):
    settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS = 3600  # the paused replica is still used
    password = secrets.token_urlsafe(16)
    editor = User.objects.create_superuser("editor", "editor@example.org", password)
    editor_client, visitor = Client(), Client()
    login = {"username": editor.username, "password": password}
    assert editor_client.post("/admin/login/", login).status_code == 302
    pause_replay(replica)

    article = archive[1]
    data = form_data(editor_client.get(change_url(article)))
    data["title"] = "Bladderwrack convoy reaches the river"
    saved = editor_client.post(change_url(article), data)
    assert saved.status_code == 302
    assert "archive_wrote" in saved.cookies

    body, on_primary, on_replica = read(editor_client, "/search/?q=bladderwrack")
    assert b"convoy reaches the river" in body
    assert on_primary and on_replica == []
    body, _, _ = read(editor_client, article.get_absolute_url())
    assert b"convoy reaches the river" in body

    # Visitors read the replica, which has not replayed the change yet.
    body, on_primary, on_replica = read(visitor, "/search/?q=bladderwrack")
    assert b"convoy reaches the river" not in body
    assert on_replica and on_primary == []

    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(connection, replica)
    body, _, on_replica = read(visitor, "/search/?q=bladderwrack")
    assert b"convoy reaches the river" in body
    assert on_replica


def test_a_lagging_replica_is_skipped_without_an_error(client, replica, archive, settings):
    settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS = 0.2
    pause_replay(replica)
    time.sleep(0.3)  # the last transaction the replica replayed grows older than the lag allowed
    Article.objects.filter(pk=archive[0].pk).update(title="Quillwort dispatch, corrected")
    wait_for_replay(connection, replica, step="receive")
    _, lag = replica_lag(REPLICA)
    assert lag > 0.2  # its last replayed commit is older than the write it has not replayed
    body, on_primary, on_replica = read(client, "/search/?q=quillwort")
    assert b"dispatch, corrected" in body
    assert on_primary and on_replica == []


def test_a_replica_that_is_down_is_skipped_without_an_error(client, archive, settings):
    settings.ARCHIVE_REPLICA_ALIASES = [NOWHERE]
    body, on_primary, _ = read(client, "/search/?q=quillwort")
    assert b"dispatch number 2" in body
    assert on_primary
    settings.ARCHIVE_REPLICA_ALIASES = [NOWHERE, REPLICA]
    forget_replica_health()
    _, on_primary, on_replica = read(client, "/search/?q=quillwort")
    assert on_replica and on_primary == []


def test_a_database_that_is_not_in_recovery_is_no_replica(client, archive, settings):
    settings.ARCHIVE_REPLICA_ALIASES = [PRIMARY_AS_REPLICA]
    with CaptureQueriesContext(connections[PRIMARY_AS_REPLICA]) as on_mistaken:
        response = client.get("/search/?q=quillwort")
    assert b"dispatch number 2" in response.content
    assert article_queries(on_mistaken) == []
