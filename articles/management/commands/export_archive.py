from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.backup import BackupError, export_archive


class Command(BaseCommand):
    help = (
        "Write the whole archive (articles, sources, gazetteer, mentions, suggestions, "
        "history, editors' accounts) to one file; gzip-compressed when it ends in .gz. "
        "Restore it with restore_archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to write, e.g. archive-2025-01-31.jsonl.gz")

    def handle(self, *args, path, verbosity, **options):
        try:
            header = export_archive(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror or exc}.") from exc
        except DatabaseError as exc:
            raise CommandError(f"Could not read the archive's database: {exc}.") from exc
        if verbosity:
            counts = header["counts"]
            summary = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
            self.stdout.write(f"{sum(counts.values())} rows written to {path} ({summary}).")
