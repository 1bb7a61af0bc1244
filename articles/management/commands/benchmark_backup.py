"""Measure backup and restore: rows per second, file size, peak memory.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench   # an empty database
    manage.py migrate
    manage.py load_gazetteer
    manage.py synthesize_articles 100000
    manage.py benchmark_backup export /tmp/bench.jsonl.gz
    export DATABASE_URL=sqlite:////tmp/bench.sqlite3                # another empty one
    manage.py migrate
    manage.py benchmark_backup restore /tmp/bench.jsonl.gz

``synthesize_articles`` refuses a database that holds articles, so a real
archive is never touched.  Memory is the growth of the process's peak resident
set during the export or restore.
"""

import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, export_archive, restore_archive


class Command(BaseCommand):
    help = "Time export_archive or restore_archive and report throughput and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "restore"])
        parser.add_argument("path")

    def handle(self, *args, action, path, **options):
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            if action == "export":
                rows = sum(export_archive(path)["counts"].values())
            else:
                rows = restore_archive(path).total()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        self.stdout.write(
            f"{action}: {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s); "
            f"file {Path(path).stat().st_size / 1e6:.1f} MB; "
            f"peak memory grew by {growth / 1024:.0f} MB"
        )
