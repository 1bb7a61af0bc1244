import time

from django.core.management.base import BaseCommand, CommandError

from articles.importing.learning import learn_furniture, reclean_articles
from articles.models import Source


class Command(BaseCommand):
    help = (
        "Clean articles again with their source's furniture as it is now (after editors "
        "confirmed, rejected or added some), writing and re-linking only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", action="append", metavar="SLUG", help="Only this source (repeatable)."
        )
        parser.add_argument(
            "--learn", action="store_true", help="Learn the sources' furniture again first."
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Read every article, not only those cleaned with other furniture.",
        )

    def handle(self, **options):
        started = time.monotonic()
        source_ids = None
        if options["source"]:
            found = dict(
                Source.objects.filter(slug__in=options["source"]).values_list("slug", "pk")
            )
            missing = sorted(set(options["source"]) - found.keys())
            if missing:
                raise CommandError(f"no source with the slug {', '.join(missing)}")
            source_ids = list(found.values())
        if options["learn"]:
            every = source_ids or list(Source.objects.values_list("pk", flat=True))
            changed = learn_furniture(every)
            self.stdout.write(f"Learned furniture: {len(changed):,} source(s) changed.")
        report = reclean_articles(source_ids, everything=options["all"])
        self.stdout.write(
            f"{report.read:,} articles read, {report.changed:,} changed, "
            f"{report.relinked:,} re-linked ({time.monotonic() - started:,.1f} s)."
        )
