"""Scratch databases and a real server for tests that run the archive in other
processes: faults the test process itself must not suffer, and backups moved
between databases.

A scratch PostgreSQL database is named after the suite's own database (so that
helpers sharing the server do not collide) and dropped afterwards.
"""

import contextlib
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

import dj_database_url
import psycopg

from .conftest import ROOT


def suite_runs_on_postgres():
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def postgres_admin():
    """An autocommit connection to the server's maintenance database."""
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    return psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )


@contextlib.contextmanager
def scratch_postgres(purpose):
    """Yield the URL of a new, empty PostgreSQL database; drop it afterwards."""
    suite_url = os.environ["DATABASE_URL"]
    name = f"test_{dj_database_url.parse(suite_url)['NAME']}_{purpose}_{secrets.token_hex(3)}"
    with postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(suite_url)._replace(path=f"/{name}").geturl()
    finally:
        with postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_name(url):
    return dj_database_url.parse(url)["NAME"]


def process_env(database_url, **extra):
    """The environment of a production process: DEBUG off, a secret, plain HTTP."""
    return {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "scratch-" + secrets.token_urlsafe(40),
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        **extra,
    }


def manage(database_url, *args, **extra_env):
    """Run ``manage.py args`` against ``database_url``; fail loudly if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=process_env(database_url, **extra_env),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"manage.py {' '.join(map(str, args))}:\n{result.stderr}"
    return result


def fetch(url, *, form=None, headers=None, timeout=15):
    """``(status, headers, text)`` of a GET, or of a POST of ``form``, whatever
    the status."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@contextlib.contextmanager
def running_site(database_url, static_root, workdir):
    """Serve the archive with gunicorn, as in production, and yield its base URL.

    Port 0 lets the system choose a free port, read back from gunicorn's log;
    HOME keeps its control socket apart from any other gunicorn's."""
    log_path = workdir / "gunicorn.log"
    env = process_env(database_url, STATIC_ROOT=str(static_root), HOME=str(workdir))
    command = [sys.executable, "-m", "gunicorn", "archive.wsgi", "--workers", "1"]
    command += ["--bind", "127.0.0.1:0"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while not (listening := re.search(r"Listening at: (http://\S+)", log_path.read_text())):
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield listening[1]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
