import time

from django.core.management.base import BaseCommand, CommandError

from benchmarking.corpus import CorpusGenerator
from benchmarking.outputs import write_files, write_into_database
from benchmarking.relevance import write_judgements


class Command(BaseCommand):
    help = (
        "Generate realistic war-analysis articles (deterministic by seed): as JSON Lines "
        "files in --out, for import_articles DIR, or --into-database, as rows with their "
        "mentions straight into the configured EMPTY database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Number of articles.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same corpus.")
        parser.add_argument("--out", help="Folder to write the .jsonl files to.")
        parser.add_argument("--per-file", type=int, default=10000, help="Articles a file.")
        parser.add_argument(
            "--into-database",
            action="store_true",
            help="Write rows into the configured database (it must hold no articles).",
        )
        parser.add_argument(
            "--workers", type=int, help="With --into-database: generating processes (CPUs)."
        )
        parser.add_argument(
            "--traps",
            action="store_true",
            help="Make one article in 25 a trap of ranking, about invented names (see "
            "benchmarking/corpus.py); --into-database loads their gazetteer entries, "
            "for --out load them with load_gazetteer benchmarking/trap_gazetteer.json.",
        )
        parser.add_argument(
            "--judgements",
            metavar="FILE",
            help="Write the traps' judged queries (for evaluate_search) to FILE; implies "
            "--traps, and alone writes only FILE.",
        )

    def handle(self, count, seed, out, per_file, into_database, workers, verbosity, **options):
        if count < 1 or per_file < 1:
            raise CommandError("--count and --per-file must be positive")
        judgements = options["judgements"]
        if out and into_database or not (out or into_database or judgements):
            raise CommandError("give either --out DIR or --into-database (or --judgements FILE)")
        if workers is not None and not into_database:
            raise CommandError("--workers goes with --into-database")
        traps = options["traps"] or bool(judgements)
        started = time.monotonic()
        if judgements:
            self._judgements(judgements, count, seed, verbosity)
        if into_database:
            self._into_database(count, seed, workers, verbosity, started, traps)
        if not out:
            return
        paths = write_files(out, count, seed, per_file=per_file, traps=traps)
        size = sum(path.stat().st_size for path in paths)
        if verbosity:
            self.stdout.write(
                f"{count:,} articles (seed {seed}) in {len(paths)} files, {size / 1e6:,.1f} MB, "
                f"written to {out} in {time.monotonic() - started:,.1f} s."
            )

    def _judgements(self, path, count, seed, verbosity):
        judged = CorpusGenerator(seed, traps=True).judgements(count)
        header = (
            f"Judged queries for the generated corpus of {count:,} articles, seed {seed}, with\n"
            "its traps of ranking, written by the generator, which knows what each article is\n"
            f"about (generate_corpus --count {count} --seed {seed} --judgements FILE).\n"
            f"The corpus: generate_corpus --count {count} --seed {seed} --into-database --traps\n"
            "Grades: 3 about it, 1 names it in passing, 0 judged not relevant."
        )
        try:
            write_judgements(path, judged, header)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be written ({exc})") from exc
        if verbosity:
            self.stdout.write(f"{len(judged)} judged queries written to {path}.")

    def _into_database(self, count, seed, workers, verbosity, started, traps):
        def progress(written):
            if verbosity > 1 or (verbosity and written % 50000 == 0):
                rate = written / (time.monotonic() - started)
                self.stdout.write(f"  {written:,} articles ({rate:,.0f}/s)")

        try:
            write_into_database(count, seed=seed, workers=workers, progress=progress, traps=traps)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            seconds = time.monotonic() - started
            self.stdout.write(
                f"Wrote {count:,} articles (seed {seed}) into the database in {seconds:,.1f} s "
                f"({count / seconds:,.0f}/s)."
            )
