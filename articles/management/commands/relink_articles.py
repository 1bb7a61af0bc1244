import time

from django.core.management.base import BaseCommand

from articles.importing.suggestions import recompute_suggestions
from articles.linking import relink_and_count_changes
from articles.search.vocabulary import rebuild_vocabulary


class Command(BaseCommand):
    help = (
        "Re-link every article to the gazetteer's actors and locations after editors changed "
        "it, writing only what changed, then recount the suggestions and the archive's "
        'vocabulary (for "did you mean").'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-suggestions", action="store_true", help="Re-link only; leave suggestions alone."
        )

    def handle(self, **options):
        started = time.monotonic()
        read, changed = relink_and_count_changes()
        message = f"{read:,} articles read, {changed:,} changed"
        if not options["no_suggestions"]:
            pending = recompute_suggestions()
            message += f"; {pending:,} suggestions pending"
        rebuild_vocabulary()
        self.stdout.write(f"{message} ({time.monotonic() - started:,.1f} s).")
