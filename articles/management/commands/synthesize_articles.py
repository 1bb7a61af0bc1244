from django.core.management.base import BaseCommand, CommandError

from articles.synthetic import synthesize


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with N synthetic published articles naming gazetteer actors "
        "and places, for benchmarks and the load test (refuses a database with articles)."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, count, seed, verbosity, **options):
        try:
            synthesize(count, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            self.stdout.write(f"synthesized {count:,} articles")
