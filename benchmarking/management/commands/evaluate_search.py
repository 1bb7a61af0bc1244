"""``manage.py evaluate_search JUDGEMENTS_FILE [--json]``: how well the search
ranks, against judged queries (see benchmarking/relevance.py)."""

import json

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.search import get_engine
from benchmarking.relevance import (
    METRICS,
    JudgementsError,
    PlainBM25,
    evaluate,
    read_judgements,
    resolve,
)
from benchmarking.tantivy_engine import available

HEADINGS = {"ndcg@10": "nDCG@10", "p@10": "P@10", "recall@100": "R@100"}


class Command(BaseCommand):
    help = (
        "Rank judged queries with the search page's own ranking and with plain BM25 (tantivy) "
        "on the configured database; print nDCG@10, precision@10 and recall@100 per query "
        "and on average."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "judgements", help="YAML or JSON: queries, each with graded slugs or URLs."
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument("--no-bm25", action="store_true", help="Leave out the BM25 reference.")

    def handle(self, judgements, no_bm25, **options):
        try:
            queries = read_judgements(judgements)
            judged = resolve(queries, judgements)
        except JudgementsError as exc:
            raise CommandError(str(exc)) from exc
        bm25 = None
        if not no_bm25:
            if not available():
                raise CommandError(
                    "BM25 needs tantivy: pip install -e '.[benchmark]', or pass --no-bm25."
                )
            bm25 = PlainBM25()
        try:
            report = evaluate(queries, judged, bm25=bm25)
        finally:
            if bm25 is not None:
                bm25.close()
        report = {
            "judgements": judgements,
            "database": get_engine().name,
            "articles": Article.objects.published().count(),
            **report,
        }
        self.stdout.write(_as_json(report) if options["json"] else _as_table(report))


def _as_json(report):
    return json.dumps(report, indent=2, ensure_ascii=False)


def _as_table(report):
    rankings = [name for name in ("ours", "bm25") if name in report["mean"]]
    width = min(48, max(24, *(len(row["query"]) for row in report["queries"])))
    labels = {"ours": "ours", "bm25": "plain BM25 (tantivy)"}
    groups = "".join(f" │ {labels[name]:^26}" for name in rankings)
    columns = " │ " + " ".join(f"{HEADINGS[m]:>8}" for m in METRICS)
    header = f"{'query':<{width}} {'rel':>4}" + columns * len(rankings)
    lines = [
        f"{report['judgements']}: {len(report['queries'])} queries, "
        f"{report['articles']:,} published articles, {report['database']}",
        f"{'':<{width}} {'':>4}" + groups,
        header,
        "─" * len(header),
    ]

    def cells(figures_by_name):
        return "".join(
            " │ " + " ".join(f"{figures_by_name[name][m]:>8.3f}" for m in METRICS)
            for name in rankings
        )

    for row in report["queries"]:
        query = row["query"] if len(row["query"]) <= width else row["query"][: width - 1] + "…"
        lines.append(f"{query:<{width}} {row['relevant']:>4}" + cells(row))
    lines.append("─" * len(header))
    lines.append(f"{'mean':<{width}} {'':>4}" + cells(report["mean"]))
    return "\n".join(lines)
