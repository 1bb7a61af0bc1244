import time

from django.core.management.base import BaseCommand, CommandError

from articles.synthetic import synthesize


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with N synthetic published articles (the generate_corpus "
        "corpus, with their mentions), for benchmarks and the load test."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--workers", type=int, help="Generating processes (default: CPUs).")

    def handle(self, *args, count, seed, workers, verbosity, **options):
        started = time.monotonic()

        def progress(written):
            if verbosity > 1 or (verbosity and written % 50000 == 0):
                rate = written / (time.monotonic() - started)
                self.stdout.write(f"  {written:,} articles ({rate:,.0f}/s)")

        try:
            synthesize(count, seed=seed, workers=workers, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            seconds = time.monotonic() - started
            self.stdout.write(
                f"Synthesized {count:,} articles in {seconds:,.1f} s ({count / seconds:,.0f}/s)."
            )
