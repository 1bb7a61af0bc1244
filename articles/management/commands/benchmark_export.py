"""Measure a streamed export: time to first byte, rows per second, peak memory.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 manage.py benchmark_export --synthesize 100000
    manage.py benchmark_export --format jsonl "q=Pokrovsk&sort=newest"

``--synthesize N`` first fills an EMPTY database with N plain articles (it
refuses a database that already holds any, so a real archive is never touched).
Memory is the process's peak resident size (getrusage), before and after the
export: an export that streams leaves it where it was.
"""

import datetime
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory

from ...models import Article, Location, LocationMention
from ...research_views import export_csv, export_jsonl

VIEWS = {"csv": export_csv, "jsonl": export_jsonl}


class Command(BaseCommand):
    help = "Stream a search export and report time to first byte, throughput and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("query_string", nargs="?", default="", help="as on /search/?...")
        parser.add_argument("--format", choices=sorted(VIEWS), default="csv")
        parser.add_argument("--synthesize", type=int, default=0, metavar="N")

    def handle(self, query_string, format, synthesize, **options):
        if synthesize:
            self._synthesize(synthesize)
        request = RequestFactory().get(f"/search/export.{format}?{query_string}")
        request.META["HTTP_HOST"] = "localhost"
        rss_before = _peak_rss_mb()
        started = time.perf_counter()
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
        self.stdout.write(
            f"{format}: {lines:,} lines, {size / 1e6:.1f} MB in {elapsed:.1f} s "
            f"({lines / elapsed:,.0f} lines/s); first byte after {first_byte * 1000:.0f} ms; "
            f"peak RSS {rss_before:.0f} MB before, {_peak_rss_mb():.0f} MB after"
        )

    def _synthesize(self, count):
        if Article.objects.exists():
            raise CommandError("--synthesize needs an empty database; this one has articles.")
        place, _ = Location.objects.get_or_create(slug="benchmark", defaults={"name": "Benchmark"})
        first = datetime.date(2022, 2, 24)
        batch = 5000
        for start in range(0, count, batch):
            articles = Article.objects.bulk_create(
                Article(
                    title=f"Synthetic assessment {n}",
                    slug=f"synthetic-assessment-{n}",
                    body=f"Synthetic text {n} about the front.\n\nA second paragraph.",
                    content_hash=f"synthetic-{n}",
                    published=first + datetime.timedelta(days=n % 1000),
                    authors=["Benchmark Author"],
                )
                for n in range(start, min(start + batch, count))
            )
            LocationMention.objects.bulk_create(
                LocationMention(article=article, location=place) for article in articles
            )
        self.stdout.write(f"synthesized {count:,} articles")


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
