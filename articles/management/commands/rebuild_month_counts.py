import time

from django.core.management.base import BaseCommand

from articles import month_counts


class Command(BaseCommand):
    help = (
        "Count again, from the articles, how many published articles of each month every actor, "
        "place and source has (the entity pages' totals and charts). The import, re-linking, "
        "merges and the admin keep these counts; this rebuilds them from scratch."
    )

    def handle(self, **options):
        started = time.monotonic()
        rows = month_counts.rebuild()
        self.stdout.write(f"{rows:,} month counts ({time.monotonic() - started:,.1f} s).")
