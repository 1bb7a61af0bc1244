"""Measure the import: ``manage.py benchmark_import --count 100000``.

Generates (or reuses) a synthetic corpus of ``--count`` articles, creates a
fresh benchmark database beside the configured one (``<name>_bench`` on the
same PostgreSQL server, or ``var/bench/bench.sqlite3``), loads the gazetteer
and times ``import_articles`` on the corpus as a separate process: once into
the empty archive, and once more over it (everything unchanged).  Peak memory
is sampled as the sum of the resident memory of the import and its worker
processes, so it is what the machine must have.
"""

import json
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.benchmarks.processes import (
    create_database,
    database_url_beside,
    drop_database,
    environment,
    run_manage,
)
from articles.importing.synthetic import write_corpus


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
        url = options["database_url"] or database_url_beside("bench")
        create_database(url, empty=True)
        env = environment(url)
        try:
            run_manage(["migrate", "--noinput", "-v0"], env)
            run_manage(["load_gazetteer"], env)
            command = ["import_articles", str(corpus), "--no-progress"]
            if options["workers"]:
                command += ["--workers", str(options["workers"])]
            runs = {"first_import": run_manage(command, env)}
            if not options["once"]:
                runs["second_import"] = run_manage(command, env)
        finally:
            if not options["keep"]:
                drop_database(url)
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
