from django.core.management.base import BaseCommand, CommandError
from django.utils.text import Truncator

from articles.importing.report import corpus_report
from articles.models import Source


class Command(BaseCommand):
    help = (
        "Per source: articles, learned notices and headings, bylines and datelines found, "
        "and the most linked actors and places, to check an import at a glance."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", action="append", metavar="SLUG", help="Only this source (repeatable)."
        )

    def handle(self, **options):
        sources = None
        if options["source"]:
            sources = Source.objects.filter(slug__in=options["source"])
            missing = sorted(set(options["source"]) - set(sources.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"no source with the slug {', '.join(missing)}")
        empty = 0
        for report in corpus_report(sources):
            if sources is None and not report.articles:
                empty += 1  # the gazetteer's outlets, named in articles but publishing none
                continue
            self.stdout.write(f"{report.source.name} ({report.source.slug})")
            self.stdout.write(f"  articles: {report.articles:,}")
            for kind, label in (("notice", "standing notices"), ("heading", "headings")):
                rows = [row for row in report.furniture if row.kind == kind]
                self.stdout.write(f"  {label}: {len(rows)}")
                for row in rows:
                    text = Truncator(" ".join(row.text.split())).chars(90)
                    self.stdout.write(
                        f"    [{row.status}] in {row.article_count:,} articles: {text}"
                    )
            self.stdout.write(
                f"  bylines: {report.bylines:,} (authors filled in {report.authors_filled:,})"
            )
            self.stdout.write(
                f"  datelines: {report.datelines:,} (dates filled in {report.dates_filled:,})"
            )
            self.stdout.write(f"  articles with footnote marks: {report.footnoted:,}")
            for label, top in (("actors", report.top_actors), ("places", report.top_locations)):
                listed = ", ".join(f"{name} ({n:,})" for name, n in top) or "none"
                self.stdout.write(f"  most linked {label}: {listed}")
        if empty:
            self.stdout.write(f"{empty:,} sources without articles not listed (--source lists one)")
