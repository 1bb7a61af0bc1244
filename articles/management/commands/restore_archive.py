from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, restore_archive


class Command(BaseCommand):
    help = (
        "Restore a file written by export_archive into this database, which must be "
        "empty and migrated. All or nothing: on any error nothing is restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file (.jsonl or .jsonl.gz)")

    def handle(self, *args, path, verbosity, **options):
        try:
            counts = restore_archive(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            summary = ", ".join(f"{n} {label}" for label, n in counts.items())
            self.stdout.write(f"{counts.total()} rows restored from {path} ({summary}).")
