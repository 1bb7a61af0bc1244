"""DATABASE_REPLICA_URLS as the settings read it, in a fresh process each."""

import json
import os
import subprocess
import sys

from .conftest import ROOT

SHOW_REPLICAS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({alias: [settings.DATABASES[alias][key] for key in "
    "('HOST', 'PORT', 'NAME')] + [settings.DATABASES[alias]['TEST'].get('MIRROR'), "
    "settings.DATABASES[alias]['OPTIONS']['connect_timeout']] "
    "for alias in settings.ARCHIVE_REPLICA_ALIASES}))"
)


def settings_with(**environment):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "SECRET_KEY": "settings-test-" + "x" * 50,
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW_REPLICAS], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_each_replica_url_becomes_an_alias_that_mirrors_the_primary_in_tests():
    result = settings_with(
        DATABASE_URL="postgres://archive@primary.internal:5432/archive",
        DATABASE_REPLICA_URLS=" postgres://archive@replica-a:5432/archive, "
        "postgres://archive@replica-b:6432/archive?connect_timeout=7",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "replica_1": ["replica-a", 5432, "archive", "default", 2],
        "replica_2": ["replica-b", 6432, "archive", "default", 7],
    }


def test_no_replica_urls_no_replicas():
    result = settings_with(DATABASE_URL="postgres://archive@primary.internal:5432/archive")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}


def test_replicas_need_postgresql(tmp_path):
    result = settings_with(
        DATABASE_URL=f"sqlite:///{tmp_path / 'archive.sqlite3'}",
        DATABASE_REPLICA_URLS="postgres://archive@replica-a:5432/archive",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS needs PostgreSQL" in result.stderr


def test_a_client_must_read_the_primary_for_longer_than_a_replica_may_lag():
    result = settings_with(
        DATABASE_URL="postgres://archive@primary.internal:5432/archive",
        ARCHIVE_REPLICA_MAX_LAG_SECONDS="120",
    )
    assert result.returncode != 0
    assert "ARCHIVE_PRIMARY_AFTER_WRITE_SECONDS must exceed" in result.stderr
