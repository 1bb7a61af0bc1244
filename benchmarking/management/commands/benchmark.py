"""``manage.py benchmark {search,import,export,backup,all}``.

- ``search --articles N``: builds (once, then reuses) a benchmark database
  beside the configured one holding the synthetic archive of N articles
  (``<name>_search_<N>`` on the same PostgreSQL server, or
  ``var/bench/search_<N>.sqlite3``) and times the search mix and the entity
  pages there (benchmarking/search.py), the tuned mix and the sampled one
  (benchmarking/sampled.py, ``--sample-seed``); then counts the statements of
  every page at a smaller size (``--compare-statements-at``, in a database
  built beside the first the same way) to tell whether they stay the same;
- ``import --count N``: the import of N generated articles into a fresh
  database (benchmarking/importing.py);
- ``export`` and ``backup export|restore FILE``: on the configured database
  (benchmarking/export.py, backup.py);
- ``all --articles N``: search, then the import of ``--import-articles``, then
  the export and a backup and restore of the search archive, in one table.

``search`` and ``all`` print a table with each target met, NOT met or not
applicable (set at another size or for the other database); the figures and
the targets also go to JSON (``var/bench/benchmark-<database>-<N>.json`` unless ``--json``
says otherwise) for later comparison.
"""

import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmarking import backup, export, importing, search
from benchmarking.processes import (
    create_database,
    database_url_beside,
    drop_database,
    environment,
    run_manage,
)
from benchmarking.report import compare_statements, report, targets
from benchmarking.sampled import SAMPLE_SEED

SUBCOMMANDS = ("search", "import", "export", "backup", "all")


class Command(BaseCommand):
    help = "Benchmark search, pages, import, export and backup; print the figures."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True)
        for name in ("search", "all"):
            sub = subparsers.add_parser(name, help=f"{name}: see the module's docstring")
            sub.add_argument("--articles", type=int, default=10_000)
            sub.add_argument("--seed", type=int, default=1)
            sub.add_argument(
                "--sample-seed",
                type=int,
                default=SAMPLE_SEED,
                help="The seed of the sampled mix of queries.",
            )
            sub.add_argument("--rounds", type=int, default=20)
            sub.add_argument("--warmup", type=int, default=2)
            sub.add_argument(
                "--database-url",
                help="The benchmark archive (default: <name>_search_<N> beside the configured "
                "one).",
            )
            sub.add_argument("--no-tantivy", action="store_true")
            sub.add_argument("--json", help="Where to write the figures.")
            # Not smaller: at 2,000 articles browsing, a very common word and its chart read
            # all their matches at once, without the capped count or the month query, which
            # compares two paths rather than two sizes (PostgreSQL, 100,000 against 2,000:
            # 37 of 49 pages differed; against 20,000: 35 of 62, by 1 to 6 statements).
            sub.add_argument(
                "--compare-statements-at",
                type=int,
                default=20_000,
                metavar="N",
                help="Count every page's statements on an archive of N articles too, and compare "
                "(0: skip).",
            )
            if name == "search":
                sub.add_argument(
                    "--on-configured-database",
                    action="store_true",
                    help="Time the configured database (it must hold the synthetic archive of "
                    "--articles, or be empty to be given it) and write only the JSON.",
                )
                sub.add_argument(
                    "--statements-only",
                    action="store_true",
                    help="With --on-configured-database: count each page's statements, no timing.",
                )
            else:
                sub.add_argument(
                    "--import-articles",
                    type=int,
                    help="Articles for the import timing (default: --articles, at most 20,000; "
                    "0: skip).",
                )
        sub = subparsers.add_parser("import", help="the import's rate and peak memory")
        sub.add_argument("--count", type=int, default=100000)
        sub.add_argument("--seed", type=int, default=1)
        sub.add_argument("--corpus", help="Corpus folder (default: var/bench/corpus-COUNT-SEED).")
        sub.add_argument(
            "--database-url",
            help="Benchmark database (default: <name>_bench beside the configured one). "
            "It is emptied first.",
        )
        sub.add_argument("--workers", type=int, help="Passed to import_articles.")
        sub.add_argument("--json", help="Also write the figures to this file.")
        sub.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
        sub.add_argument(
            "--once", action="store_true", help="Skip the second (everything unchanged) import."
        )
        sub = subparsers.add_parser("export", help="a streamed search export")
        sub.add_argument("query_string", nargs="?", default="", help="as on /search/?...")
        sub.add_argument("--format", choices=sorted(export.VIEWS), default="csv")
        sub.add_argument(
            "--synthesize",
            type=int,
            default=0,
            metavar="N",
            help="First fill the EMPTY configured database with N generated articles.",
        )
        sub.add_argument("--json", help="Also write the figures to this file.")
        sub = subparsers.add_parser("backup", help="export_archive or restore_archive")
        sub.add_argument("action", choices=["export", "restore"])
        sub.add_argument("path")
        sub.add_argument("--json", help="Also write the figures to this file.")

    def handle(self, subcommand, **options):
        figures = getattr(self, f"_{subcommand}")(**options)
        if options.get("json") and subcommand in ("import", "export", "backup"):
            Path(options["json"]).write_text(json.dumps(figures, indent=2) + "\n")

    def _log(self, text):
        self.stderr.write(text)

    def _search(self, **options):
        if options["on_configured_database"]:
            if options["statements_only"]:
                figures = search.count_statements(
                    options["articles"],
                    seed=options["seed"],
                    sample_seed=options["sample_seed"],
                    log=self._log,
                )
            else:
                figures = search.measure(
                    options["articles"],
                    seed=options["seed"],
                    sample_seed=options["sample_seed"],
                    rounds=options["rounds"],
                    warmup=options["warmup"],
                    with_tantivy=not options["no_tantivy"],
                    log=self._log,
                )
            text = json.dumps(figures, indent=2) + "\n"
            if options["json"]:
                Path(options["json"]).write_text(text)
            else:
                self.stdout.write(text)
            return figures
        return self._search_archive(**options, with_others=False)

    def _all(self, **options):
        return self._search_archive(**options, with_others=True)

    def _search_archive(self, *, articles, seed, rounds, warmup, with_others, **options):
        url = options["database_url"] or database_url_beside(f"search_{articles}")
        seeds = [f"--seed={seed}", f"--sample-seed={options['sample_seed']}"]
        env = self._archive_database(url)
        # The pages are served as in production, with hashed static file names.
        run_manage(["collectstatic", "--noinput", "-v0"], env)
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            command = ["benchmark", "search", "--on-configured-database", *seeds]
            command += [f"--articles={articles}", f"--rounds={rounds}"]
            command += [f"--warmup={warmup}", f"--json={scratch / 'search.json'}"]
            if options["no_tantivy"]:
                command.append("--no-tantivy")
            run_manage(command, env, echo=True)
            figures = json.loads((scratch / "search.json").read_text())
            # The load while the pages were timed, not while the others ran.
            figures["load_average"] = round(os.getloadavg()[1], 1)
            smaller = options["compare_statements_at"]
            if 0 < smaller < articles:
                self._log(f"Counting each page's statements at {smaller:,} articles …")
                smaller_url = (
                    _beside(url, f"at_{smaller}")
                    if options["database_url"]
                    else database_url_beside(f"search_{smaller}")
                )
                command = ["benchmark", "search", "--on-configured-database", "--statements-only"]
                command += [*seeds, f"--articles={smaller}", f"--json={scratch / 'small.json'}"]
                run_manage(command, self._archive_database(smaller_url))
                counted = json.loads((scratch / "small.json").read_text())
                figures["statements_compared"] = compare_statements(figures["timings"], counted)
            if with_others:
                self._others(figures, articles, seed, options["import_articles"], url, scratch)
        figures["targets"] = targets(figures)
        self.stdout.write(report(figures))
        path = Path(
            options["json"]
            or settings.BASE_DIR
            / "var"
            / "bench"
            / f"benchmark-{figures['database']}-{articles}.json"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=2) + "\n")
        self.stdout.write(f"\nFigures written to {path}")
        return figures

    @staticmethod
    def _archive_database(url):
        """The environment of a benchmark archive's database, created and
        migrated if need be."""
        create_database(url)
        env = environment(url)
        run_manage(["migrate", "--noinput", "-v0"], env)
        return env

    def _others(self, figures, articles, seed, import_count, url, scratch):
        """The import, the export and a backup and restore, into ``figures``."""
        if import_count is None:
            import_count = min(articles, 20_000)
        if import_count:
            self._log(f"Timing the import of {import_count:,} articles …")
            figures["import"] = importing.measure(import_count, seed=seed, once=True, log=self._log)
        env = environment(url)
        self._log("Timing an export of every article …")
        run_manage(["benchmark", "export", f"--json={scratch / 'export.json'}"], env)
        figures["export"] = json.loads((scratch / "export.json").read_text())
        self._log("Timing a backup and its restore …")
        archive, figures_path = scratch / "backup.jsonl.gz", scratch / "backup.json"
        run_manage(["benchmark", "backup", "export", str(archive), f"--json={figures_path}"], env)
        figures["backup"] = [json.loads(figures_path.read_text())]
        restore_url = _beside(url, "restore")
        create_database(restore_url, empty=True)
        try:
            restore_env = environment(restore_url)
            run_manage(["migrate", "--noinput", "-v0"], restore_env)
            command = ["benchmark", "backup", "restore", str(archive), f"--json={figures_path}"]
            run_manage(command, restore_env)
            figures["backup"].append(json.loads(figures_path.read_text()))
        finally:
            drop_database(restore_url)

    def _import(self, *, count, seed, **options):
        figures = importing.measure(
            count,
            seed=seed,
            corpus=options["corpus"],
            database_url=options["database_url"],
            workers=options["workers"],
            once=options["once"],
            keep=options["keep"],
            log=self.stdout.write,
        )
        self.stdout.write(importing.table(figures))
        return figures

    def _export(self, *, query_string, format, synthesize, **options):
        if synthesize:
            try:
                export.synthesize(synthesize)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"synthesized {synthesize:,} articles")
        figures = export.measure(query_string, format)
        self.stdout.write(export.line(figures))
        return figures

    def _backup(self, *, action, path, **options):
        figures = backup.measure(action, path)
        self.stdout.write(backup.line(figures))
        return figures


def _beside(url, suffix):
    """A scratch database next to the one of ``url``: ``<name>_<suffix>``."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        return f"sqlite:///{path.with_name(f'{path.stem}_{suffix}{path.suffix}')}"
    return f"{url}_{suffix}"
