"""A runaway statement cannot hold a web worker: DATABASE_STATEMENT_TIMEOUT_MS
stops it and the request is answered 503; management commands run unbounded."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Source

from .slow_urls import SLOW_STATEMENT

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.slow_urls"),
]


def test_a_statement_past_the_limit_is_stopped_with_a_503_page(client, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 50
    response = client.get("/slow")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "took too long" in page
    assert "longer than 0.05 seconds" in page


def test_the_worker_answers_normally_once_a_statement_was_stopped(client, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 50
    assert client.get("/slow").status_code == 503
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


def test_a_statement_within_the_limit_answers(client, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 60_000
    response = client.get("/slow")
    assert response.status_code == 200
    assert response.content == b"counted 500000\n"


def test_a_page_reading_through_a_server_side_cursor_is_limited_too(client, settings):
    for n in range(5):
        Source.objects.create(name=f"Source {n}")
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 60_000
    response = client.get("/iterating")
    assert response.status_code == 200
    assert response.content == b"iterated 5\n"


def test_no_limit_when_the_setting_is_zero(client, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 0
    assert client.get("/slow").status_code == 200


def test_a_management_command_after_a_limited_request_runs_unbounded(client, settings, capsys):
    """The same process and connection: the limit ended with the request."""
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 50
    assert client.get("/slow").status_code == 503
    assert client.get("/").status_code == 200  # leaves the connection open, limit lifted
    call_command(
        "shell",
        verbosity=0,
        command=(
            "from django.db import connection\n"
            "with connection.cursor() as cursor:\n"
            f"    cursor.execute({SLOW_STATEMENT!r})\n"
            "    print('counted', cursor.fetchone()[0])\n"
        ),
    )
    assert capsys.readouterr().out.strip() == "counted 500000"


def test_the_limit_is_off_the_connection_once_the_request_ends(client, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 50
    assert client.get("/").status_code == 200
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("0",)
    with connection.cursor() as cursor:
        cursor.execute(SLOW_STATEMENT)
        assert cursor.fetchone() == (500_000,)
