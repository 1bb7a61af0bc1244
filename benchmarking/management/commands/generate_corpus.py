import time

from django.core.management.base import BaseCommand, CommandError

from benchmarking.outputs import write_files, write_into_database


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

    def handle(self, count, seed, out, per_file, into_database, workers, verbosity, **options):
        if count < 1 or per_file < 1:
            raise CommandError("--count and --per-file must be positive")
        if bool(out) == into_database:
            raise CommandError("give either --out DIR or --into-database")
        if workers is not None and not into_database:
            raise CommandError("--workers goes with --into-database")
        started = time.monotonic()
        if into_database:
            self._into_database(count, seed, workers, verbosity, started)
            return
        paths = write_files(out, count, seed, per_file=per_file)
        size = sum(path.stat().st_size for path in paths)
        if verbosity:
            self.stdout.write(
                f"{count:,} articles (seed {seed}) in {len(paths)} files, {size / 1e6:,.1f} MB, "
                f"written to {out} in {time.monotonic() - started:,.1f} s."
            )

    def _into_database(self, count, seed, workers, verbosity, started):
        def progress(written):
            if verbosity > 1 or (verbosity and written % 50000 == 0):
                rate = written / (time.monotonic() - started)
                self.stdout.write(f"  {written:,} articles ({rate:,.0f}/s)")

        try:
            write_into_database(count, seed=seed, workers=workers, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            seconds = time.monotonic() - started
            self.stdout.write(
                f"Wrote {count:,} articles (seed {seed}) into the database in {seconds:,.1f} s "
                f"({count / seconds:,.0f}/s)."
            )
