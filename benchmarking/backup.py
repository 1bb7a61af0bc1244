"""Backup and restore measured: rows per second, file size, peak memory.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench   # an empty database
    manage.py migrate
    manage.py load_gazetteer
    manage.py generate_corpus --count 100000 --into-database
    manage.py benchmark backup export /tmp/bench.jsonl.gz
    export DATABASE_URL=sqlite:////tmp/bench.sqlite3                # another empty one
    manage.py migrate
    manage.py benchmark backup restore /tmp/bench.jsonl.gz

``generate_corpus --into-database`` refuses a database that holds articles, so
a real archive is never touched.  Memory is the growth of the process's peak
resident set during the export or restore.
"""

import resource
import time
from pathlib import Path

from django.core.management.base import CommandError

from articles.backup import BackupError, export_archive, restore_archive


def measure(action, path):
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
    return {
        "action": action,
        "rows": rows,
        "seconds": round(elapsed, 3),
        "rows_per_second": round(rows / elapsed),
        "file_mb": round(Path(path).stat().st_size / 1e6, 1),
        "peak_memory_growth_mb": round(growth / 1024),
    }


def line(figures):
    return (
        f"{figures['action']}: {figures['rows']:,} rows in {figures['seconds']:.1f} s "
        f"({figures['rows_per_second']:,} rows/s); file {figures['file_mb']:.1f} MB; "
        f"peak memory grew by {figures['peak_memory_growth_mb']} MB"
    )
