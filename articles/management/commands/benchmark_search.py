"""Time the search page and the entity pages on the configured database, which
must hold (or be empty, to be given) the synthetic archive of ``--articles``:
``DATABASE_URL=... manage.py benchmark_search --articles 100000``.  ``manage.py
benchmark`` runs it on a benchmark database of its own; see
articles/benchmarks/search.py for what is measured."""

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from articles.benchmarks import search as benchmark
from articles.benchmarks.tantivy_engine import TantivyArchive, available
from articles.models import Article
from articles.synthetic import PROVENANCE_PREFIX


class Command(BaseCommand):
    help = "Time the query mix and the entity pages on the configured (synthetic) archive."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--rounds", type=int, default=20)
        parser.add_argument("--warmup", type=int, default=2)
        parser.add_argument("--no-tantivy", action="store_true")
        parser.add_argument("--json", help="Write the figures to this file.")

    def handle(self, articles, seed, rounds, warmup, **options):
        self._ensure_archive(articles, seed)
        tantivy = None
        if not options["no_tantivy"] and available():
            tantivy = self._tantivy(articles, seed)
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            timings = benchmark.run(
                rounds=rounds,
                warmup=warmup,
                tantivy=tantivy,
                progress=lambda t: self.stderr.write(f"  {t.name}: done"),
            )
        figures = {
            "articles": articles,
            "database": connection.vendor,
            "cpus": os.cpu_count(),
            "rounds": rounds,
            "search_index_mb": round((benchmark.search_index_size() or 0) / 2**20),
            "tantivy": tantivy is not None,
            "timings": [timing.summary() for timing in timings],
        }
        text = json.dumps(figures, indent=2) + "\n"
        if options["json"]:
            Path(options["json"]).write_text(text)
        else:
            self.stdout.write(text)

    def _ensure_archive(self, articles, seed):
        """Build the synthetic archive in an empty database; accept one built
        before with the same size and seed; refuse anything else."""
        total = Article.objects.count()
        ours = Article.objects.filter(provenance__startswith=f"{PROVENANCE_PREFIX}{seed}/").count()
        if total == 0:
            self.stderr.write(f"Building the synthetic archive of {articles:,} articles …")
            call_command("load_gazetteer", verbosity=0)
            call_command("synthesize_articles", articles, seed=seed, verbosity=1)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        elif total != articles or ours != total:
            raise CommandError(
                f"The database holds {total:,} articles, not the synthetic archive of "
                f"{articles:,} (seed {seed}): point DATABASE_URL at an empty database."
            )

    def _tantivy(self, articles, seed):
        path = Path(settings.BASE_DIR) / "var" / "bench" / f"tantivy-{articles}-{seed}"
        cached = TantivyArchive.built_from_this_archive(path)
        if cached is not None:
            return cached
        self.stderr.write(f"Indexing {articles:,} articles in tantivy at {path} …")
        return TantivyArchive.build(path)
