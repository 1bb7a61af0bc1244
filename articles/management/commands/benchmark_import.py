"""Measure the import: ``manage.py benchmark_import --count 100000``.

Generates (or reuses) a synthetic corpus of ``--count`` articles, creates a
fresh benchmark database beside the configured one (``<name>_bench`` on the
same PostgreSQL server, or ``var/bench/bench.sqlite3``), loads the gazetteer
and times ``import_articles`` on the corpus as a separate process: once into
the empty archive, and once more over it (everything unchanged).  Peak memory
is sampled as the sum of the resident memory of the import and its worker
processes, so it is what the machine must have.
"""

import contextlib
import json
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.importing.synthetic import write_corpus


def _tree_rss(pid):
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


def _run(args, env):
    """Run a manage.py command; returns (seconds, CPU seconds, peak bytes of its
    process tree, stdout).  CPU seconds count the workers too: on a machine
    shared with other work they tell what the import costs better than the
    wall clock does."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
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
        raise CommandError(f"manage.py {' '.join(args)} failed:\n{out}\n{err}")
    return seconds, cpu, peak, out


class Command(BaseCommand):
    help = "Time import_articles on a generated corpus of --count articles; print rate and memory."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--corpus", help="Corpus folder (default: var/bench/corpus-COUNT-SEED)."
        )
        parser.add_argument(
            "--database-url",
            help="Benchmark database (default: <name>_bench beside the configured one). "
            "It is emptied first.",
        )
        parser.add_argument("--workers", type=int, help="Passed to import_articles.")
        parser.add_argument("--json", help="Also write the figures to this file.")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
        parser.add_argument(
            "--once", action="store_true", help="Skip the second (everything unchanged) import."
        )

    def handle(self, count, seed, **options):
        corpus = Path(
            options["corpus"] or settings.BASE_DIR / "var" / "bench" / f"corpus-{count}-{seed}"
        )
        if not corpus.is_dir():
            self.stdout.write(f"Generating {count:,} articles (seed {seed}) in {corpus} …")
            partial = corpus.with_name(corpus.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            write_corpus(partial, count, seed)
            partial.rename(corpus)
        url, drop = self._fresh_database(options["database_url"])
        # As in production: DEBUG off (it logs every query).
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
        env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
        try:
            _run(["migrate", "--noinput", "-v0"], env)
            _run(["load_gazetteer"], env)
            command = ["import_articles", str(corpus), "--no-progress"]
            if options["workers"]:
                command += ["--workers", str(options["workers"])]
            runs = {"first_import": _run(command, env)}
            if not options["once"]:
                runs["second_import"] = _run(command, env)
        finally:
            if not options["keep"]:
                drop()
        figures = {
            "articles": count,
            "database": url.split("://", 1)[0],
            "cpus": os.cpu_count(),
            "load_average": round(os.getloadavg()[1], 1),
        }
        for name, (seconds, cpu, peak, out) in runs.items():
            figures[name] = {
                "seconds": round(seconds, 1),
                "articles_per_second": round(count / seconds),
                "cpu_seconds": round(cpu, 1),
                "cpu_ms_per_article": round(1000 * cpu / count, 2),
                "peak_memory_mb": round(peak / 2**20),
                "summary": " ".join(out.split()),
            }
        self.stdout.write(self._table(figures))
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(figures, indent=2) + "\n")

    @staticmethod
    def _table(figures):
        runs = [name for name in ("first_import", "second_import") if name in figures]
        lines = [
            f"Import of {figures['articles']:,} generated articles on {figures['database']} "
            f"({figures['cpus']} CPUs, load average {figures['load_average']} over 5 minutes):",
            f"{'run':<16}{'seconds':>10}{'articles/s':>12}"
            f"{'CPU ms/article':>16}{'peak memory':>14}",
        ]
        for name in runs:
            run = figures[name]
            lines.append(
                f"{name.replace('_', ' '):<16}{run['seconds']:>10,.1f}"
                f"{run['articles_per_second']:>12,}{run['cpu_ms_per_article']:>16,.2f}"
                f"{run['peak_memory_mb']:>11,} MB"
            )
        lines += [f"{name}: {figures[name]['summary']}" for name in runs]
        return "\n".join(lines)

    def _fresh_database(self, url):
        """``(url, drop)`` of an empty benchmark database."""
        db = settings.DATABASES["default"]
        if url is None:
            if db["ENGINE"].endswith("postgresql"):
                auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
                url = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}_bench"
            else:
                url = f"sqlite:///{settings.BASE_DIR / 'var' / 'bench' / 'bench.sqlite3'}"
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///") :])
            path.parent.mkdir(parents=True, exist_ok=True)

            def drop():
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)

            drop()
            return url, drop
        match = re.fullmatch(r"postgres(?:ql)?://(?P<server>[^/]+)/(?P<name>\w+)", url)
        if match is None:
            raise CommandError(f"--database-url: not a sqlite:/// or postgres:// URL: {url}")
        import psycopg

        admin = f"postgresql://{match['server']}/postgres"
        name = match["name"]

        def drop():
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        drop()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return url, drop
