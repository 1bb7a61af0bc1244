from django.core.management.base import BaseCommand, CommandError

from articles.importing import ManifestError, import_paths
from articles.importing.progress import Progress


class Command(BaseCommand):
    help = (
        "Import articles from files and folders (.txt, .md with front matter, .jsonl, .json, "
        ".csv), link them to the gazetteer and collect suggestions.  Exits non-zero when "
        "anything was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files and folders (read recursively).")
        parser.add_argument(
            "--manifest", help="CSV or JSON file adding source, url, published, authors by file."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, updated, skipped and rejected; keep nothing.",
        )
        parser.add_argument(
            "--encoding",
            help="Read files that are not UTF-8 in this encoding (e.g. cp1251) instead of "
            "rejecting them.",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Articles a transaction.")
        parser.add_argument(
            "--workers",
            type=int,
            help="Processes preparing records in a run of more than one batch "
            "(default: one a CPU; 1: none).",
        )
        parser.add_argument(
            "--allow-generated",
            action="store_true",
            help='Add generated articles ("generated": true) to an archive that holds real ones.',
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress display, only the summary."
        )

    def handle(self, paths, **options):
        verbosity = options["verbosity"]
        show_progress = verbosity >= 1 and not options["no_progress"]
        bar = None

        def progress(total):
            nonlocal bar
            bar = Progress(_Unterminated(self.stderr), total)
            return bar

        def on_rejected(where, reason):
            line = f"rejected {where}: {reason}"
            if bar:
                bar.message(line)
            elif verbosity >= 1:
                self.stderr.write(line)

        try:
            report = import_paths(
                paths,
                manifest=options["manifest"],
                dry_run=options["dry_run"],
                batch_size=max(1, options["batch_size"]),
                encoding=options["encoding"],
                progress=progress if show_progress else None,
                on_rejected=on_rejected,
                workers=options["workers"],
                allow_generated=options["allow_generated"],
            )
        except ManifestError as exc:
            raise CommandError(f"cannot read the manifest {exc}") from None
        except LookupError as exc:
            raise CommandError(f"--encoding: {exc}") from None

        if verbosity >= 1:
            self.stdout.write(self.summary(report, verbosity))
        if report.aborted:
            raise CommandError(f"import stopped: {report.aborted}")
        if report.rejected_count:
            raise CommandError(
                f"{report.rejected_count} rejected; the rest was "
                f"{'checked' if report.dry_run else 'imported'}."
            )

    @staticmethod
    def summary(report, verbosity=1):
        would = "would be " if report.dry_run else ""
        rate = report.records / report.elapsed if report.elapsed else 0
        lines = [
            ("Dry run, nothing was kept. " if report.dry_run else "")
            + f"Read {report.files:,} file{'s' if report.files != 1 else ''} "
            f"({report.records:,} records) in {report.elapsed:,.1f} s ({rate:,.0f} records/s):",
            f"  {report.created:>9,} {would}created",
            f"  {report.updated:>9,} {would}updated",
            f"  {report.unchanged:>9,} unchanged",
            f"  {report.duplicate_count:>9,} duplicates skipped",
            f"  {report.translations:>9,} translations and {report.copies:,} near-copies grouped "
            "with their story",
            f"  {report.rejected_count:>9,} rejected",
            f"  {report.mentions:>9,} actor, place and outlet links {would}written",
            f"  {report.suggestions:>9,} new suggested names for the gazetteer",
        ]
        if report.sources_created:
            lines.append(f"  {report.sources_created:>9,} new sources")
        if report.furniture_learned:
            lines.append(
                f"  {report.furniture_learned:>9,} sources with newly learned furniture "
                f"({report.recleaned:,} articles cleaned again; manage.py corpus_report shows it)"
            )
        if report.skipped_files:
            lines.append(
                f"  {report.skipped_files:>9,} files in folders skipped (not articles: "
                "README, images, unknown types)"
            )
        for where, detail in report.duplicates if verbosity >= 2 else report.duplicates[:10]:
            lines.append(f"duplicate {where}: {detail}")
        if report.duplicate_count > len(report.duplicates[:10]) and verbosity < 2:
            lines.append("  (-v 2 lists every duplicate)")
        lines += [f"note: {warning}" for warning in report.warnings]
        return "\n".join(lines)


class _Unterminated:
    """A command's output stream that writes text as given: the progress bar
    redraws its line with a carriage return and no newline."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")

    def flush(self):
        self.wrapper.flush()

    def isatty(self):
        return self.wrapper.isatty()
