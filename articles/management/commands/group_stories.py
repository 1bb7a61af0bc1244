import time

from django.core.management.base import BaseCommand

from articles.stories import group_archived


class Command(BaseCommand):
    help = (
        "Put every article that has no story yet (imported before stories existed, or added "
        "in admin) in one: with its translations and near-copies, or alone.  Idempotent."
    )

    def handle(self, **options):
        started = time.monotonic()
        read, translations, copies = group_archived()
        self.stdout.write(
            f"{read:,} articles read: {translations:,} translations and {copies:,} near-copies "
            f"grouped ({time.monotonic() - started:,.1f} s)."
        )
