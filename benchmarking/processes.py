"""Running manage.py in another process against another database, and
watching its memory."""

import contextlib
import os
import re
import resource
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError


def tree_rss(pid):
    """Resident memory in bytes of ``pid`` and all its descendants."""
    children = {}
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    stack = [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int((Path("/proc") / str(current) / "statm").read_text().split()[1]) * page
        stack.extend(children.get(current, []))
    return total


def environment(database_url):
    """The environment of a manage.py run on ``database_url``, as in production:
    DEBUG off (it would keep every query)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    return env


def run_manage(args, env, *, echo=False):
    """Run a manage.py command; returns (seconds, CPU seconds, peak bytes of its
    process tree, stdout).  CPU seconds count the workers too: on a machine
    shared with other work they tell what the command costs better than the
    wall clock does.  With ``echo`` its output is passed through as it comes."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=None if echo else subprocess.PIPE,
        stderr=None if echo else subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out, err = process.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    seconds = time.monotonic() - started
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if process.returncode != 0:
        raise CommandError(f"manage.py {' '.join(args)} failed:\n{out or ''}\n{err or ''}")
    return seconds, cpu, peak, out or ""


def database_url_beside(suffix):
    """A benchmark database beside the configured one: ``<name>_<suffix>`` on
    the same PostgreSQL server, or ``var/bench/<suffix>.sqlite3``."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}_{suffix}"
    return f"sqlite:///{settings.BASE_DIR / 'var' / 'bench' / f'{suffix}.sqlite3'}"


def _postgres_parts(url):
    match = re.fullmatch(r"postgres(?:ql)?://(?P<server>[^/]+)/(?P<name>\w+)", url)
    if match is None:
        raise CommandError(f"Not a sqlite:/// or postgres:// database URL: {url}")
    return f"postgresql://{match['server']}/postgres", match["name"]


def _sqlite_path(url):
    return Path(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else None


def create_database(url, *, empty=False):
    """Create the database of ``url`` unless it exists; ``empty``: drop it first."""
    if empty:
        drop_database(url)
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    admin, name = _postgres_parts(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    path = _sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    admin, name = _postgres_parts(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
