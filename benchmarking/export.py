"""A streamed search export measured: time to first byte, rows per second,
peak memory, on the configured database:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 manage.py benchmark export --synthesize 100000
    manage.py benchmark export --format jsonl "q=Pokrovsk&sort=newest"

``--synthesize N`` first fills an EMPTY database with N generated articles
(``generate_corpus --into-database``, which refuses a database that already
holds any, so a real archive is never touched).  Memory is the process's peak
resident size (getrusage), before and after the export: an export that
streams leaves it where it was.
"""

import resource
import time

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.test.utils import override_settings

from articles.models import Actor
from research.views import export_csv, export_jsonl

VIEWS = {"csv": export_csv, "jsonl": export_jsonl}


def synthesize(count, seed=1):
    if not Actor.objects.exists():
        call_command("load_gazetteer", verbosity=0)
    call_command("generate_corpus", count=count, seed=seed, into_database=True, verbosity=0)


def measure(query_string="", format="csv"):
    request = RequestFactory().get(f"/search/export.{format}?{query_string}")
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = VIEWS[format](request)
        if response.status_code != 200:
            raise CommandError(response.content.decode())
        chunks = iter(response.streaming_content)
        size = len(next(chunks))
        first_byte = time.perf_counter() - started
        lines = 1
        for chunk in chunks:
            size += len(chunk)
            lines += 1
    elapsed = time.perf_counter() - started
    return {
        "format": format,
        "query": query_string,
        "lines": lines,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(elapsed, 3),
        "lines_per_second": round(lines / elapsed),
        "first_byte_ms": round(first_byte * 1000),
        "peak_rss_mb_before": round(rss_before),
        "peak_rss_mb_after": round(_peak_rss_mb()),
    }


def line(figures):
    return (
        f"{figures['format']}: {figures['lines']:,} lines, {figures['megabytes']:.1f} MB in "
        f"{figures['seconds']:.1f} s ({figures['lines_per_second']:,} lines/s); first byte "
        f"after {figures['first_byte_ms']} ms; peak RSS {figures['peak_rss_mb_before']} MB "
        f"before, {figures['peak_rss_mb_after']} MB after"
    )


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
