"""Relevance, measured (``manage.py evaluate_search JUDGEMENTS_FILE``).

A judgements file (YAML, or JSON, which YAML reads too) lists queries, each
with graded relevant articles named by slug or original URL::

    queries:
      - query: Kyiv strikes
        relevant:
          the-kremlin-threatens-systemic-strikes-on-kyiv: 3   # a slug
          https://example.org/2024/05/kyiv-report: 1          # a URL

Grades are whole numbers, 0 (judged not relevant) and up; every article not
listed counts as 0.  A URL names every published article with that URL (a
translation keeps its original's).  Each query runs through the search
page's own code (``SearchResults``, relevance order) and, as the reference,
through plain BM25: tantivy over the same articles with the typed query, no
other names or word forms.

The figures are the usual ones of TREC (``trec_eval``'s ``ndcg_cut.10``,
``P.10`` and ``recall.100``): nDCG@10 with the grade as the gain, the ideal
ranking made of the file's grades; precision@10 and recall@100 counting
every grade above 0 as relevant.
"""

import math
import statistics
import tempfile
from dataclasses import dataclass, field

import yaml
from django.db.models import Q

from articles.models import Article
from articles.search import search_articles

CUTOFF_NDCG = 10
CUTOFF_PRECISION = 10
CUTOFF_RECALL = 100
METRICS = ("ndcg@10", "p@10", "recall@100")


class JudgementsError(ValueError):
    """What is wrong with a judgements file, with where."""


@dataclass
class JudgedQuery:
    text: str
    line: int  # where the query starts in the file, from 1
    grades: dict  # slug or URL -> grade, as written
    refs_lines: dict = field(default_factory=dict)  # slug or URL -> its line


# Reading the file ------------------------------------------------------------


def read_judgements(path):
    """The queries of the judgements file at ``path``; JudgementsError when it
    cannot be read or is not shaped as the module says."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise JudgementsError(f"{path}: cannot be read ({exc})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise JudgementsError(f"{path}: not valid YAML or JSON: {exc}") from exc
    where = lambda node: f"{path}, line {node.start_mark.line + 1}"  # noqa: E731
    if isinstance(root, yaml.MappingNode):
        entries = _mapping(root, where).get("queries")
        if entries is None:
            raise JudgementsError(f"{where(root)}: a mapping needs a 'queries' list")
    else:
        entries = root
    if not isinstance(entries, yaml.SequenceNode) or not entries.value:
        node = entries if entries is not None else root
        raise JudgementsError(
            f"{where(node) if node is not None else path}: expected a list of queries"
        )
    queries, seen = [], {}
    for entry in entries.value:
        query = _query(entry, where)
        if query.text in seen:
            raise JudgementsError(
                f"{where(entry)}: query “{query.text}” is judged twice (first at line "
                f"{seen[query.text]})"
            )
        seen[query.text] = query.line
        queries.append(query)
    return queries


def _mapping(node, where):
    if not isinstance(node, yaml.MappingNode):
        raise JudgementsError(f"{where(node)}: expected a mapping")
    result = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise JudgementsError(f"{where(key)}: a key must be plain text")
        result[key.value] = value
    return result


def _query(node, where):
    fields = _mapping(node, where)
    unknown = set(fields) - {"query", "relevant", "note"}
    if unknown:
        raise JudgementsError(f"{where(node)}: unknown field(s) {', '.join(sorted(unknown))}")
    text = fields.get("query")
    if not isinstance(text, yaml.ScalarNode) or not str(text.value).strip():
        raise JudgementsError(f"{where(node)}: each entry needs a non-empty 'query'")
    text = str(text.value).strip()
    relevant = fields.get("relevant")
    if relevant is None:
        raise JudgementsError(f"{where(node)}: query “{text}” has no 'relevant' mapping")
    if not isinstance(relevant, yaml.MappingNode):
        raise JudgementsError(f"{where(relevant)}: 'relevant' must map slugs or URLs to grades")
    grades, lines = {}, {}
    for ref_node, grade_node in relevant.value:
        ref = str(ref_node.value).strip() if isinstance(ref_node, yaml.ScalarNode) else ""
        if not ref:
            raise JudgementsError(f"{where(ref_node)}: query “{text}”: an empty slug or URL")
        value = grade_node.value if isinstance(grade_node, yaml.ScalarNode) else ""
        if not value.isdigit():
            raise JudgementsError(
                f"{where(grade_node)}: query “{text}”: the grade of “{ref}” must be a whole "
                "number, 0 or more"
            )
        grades[ref], lines[ref] = int(value), grade_node.start_mark.line + 1
    if not any(grades.values()):
        raise JudgementsError(
            f"{where(node)}: query “{text}” has no relevant article (no grade above 0)"
        )
    return JudgedQuery(text, node.start_mark.line + 1, grades, lines)


def write_judgements(path, judged, header):
    """Write ``judged``, ``{query: {slug or URL: grade}}``, as a judgements
    file, each query's articles best first, under ``header`` (comment lines)."""
    queries = [
        {
            "query": query,
            "relevant": dict(sorted(grades.items(), key=lambda item: (-item[1], item[0]))),
        }
        for query, grades in judged.items()
    ]
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    text = yaml.safe_dump({"queries": queries}, allow_unicode=True, sort_keys=False, width=200)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(comment + text)


def resolve(queries, path):
    """``[{article id: grade}]``, one a query, from the slugs and URLs of the
    judgements; JudgementsError naming every one that no published article has."""
    refs = {ref for query in queries for ref in query.grades}
    published = Article.objects.published()
    found = {}
    for pk, slug, url in published.filter(Q(slug__in=refs) | Q(url__in=refs)).values_list(
        "pk", "slug", "url"
    ):
        for ref in (slug, url):
            if ref in refs:
                found.setdefault(ref, set()).add(pk)
    missing = [
        f"{path}, line {query.refs_lines[ref]}: query “{query.text}”: no published article "
        f"has the slug or URL “{ref}”"
        for query in queries
        for ref in query.grades
        if ref not in found
    ]
    if missing:
        raise JudgementsError("\n".join(missing))
    judged = []
    for query in queries:
        grades = {}
        for ref, grade in query.grades.items():
            for pk in found[ref]:
                grades[pk] = max(grades.get(pk, 0), grade)
        judged.append(grades)
    return judged


# The figures -----------------------------------------------------------------


def dcg(gains):
    """Discounted cumulative gain: the gain at rank r divided by log2(r + 1)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at(ranking, grades, k=CUTOFF_NDCG):
    """nDCG@k of ``ranking`` (article ids, best first) against ``grades``
    ({id: grade}, the unlisted 0)."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(pk, 0) for pk in ranking[:k]]) / ideal


def precision_at(ranking, grades, k=CUTOFF_PRECISION):
    """The share of the first k places held by relevant articles (grade > 0);
    places the ranking leaves empty count as misses."""
    return sum(1 for pk in ranking[:k] if grades.get(pk, 0) > 0) / k


def recall_at(ranking, grades, k=CUTOFF_RECALL):
    """The share of the relevant articles (grade > 0) in the first k places."""
    relevant = {pk for pk, grade in grades.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranking[:k])) / len(relevant)


def figures(ranking, grades):
    return {
        "ndcg@10": ndcg_at(ranking, grades),
        "p@10": precision_at(ranking, grades),
        "recall@100": recall_at(ranking, grades),
    }


def mean_figures(rows):
    return {metric: statistics.fmean(row[metric] for row in rows) for metric in METRICS}


# The two rankings -------------------------------------------------------------


def our_ranking(text, limit=CUTOFF_RECALL):
    """The ids of the first ``limit`` results of the search page for ``text``,
    by relevance: the page ranks the newest ``ARCHIVE_SEARCH_WINDOW``
    matches it reads (see ``SearchResults.ranks_the_newest_only``), and so
    does this."""
    return search_articles({"q": text, "sort": "relevance"}).ranked_ids(limit)


class PlainBM25:
    """tantivy's BM25 over the configured database's published articles,
    indexed once into a temporary folder, queried with the typed words."""

    def __init__(self):
        from .tantivy_engine import TantivyArchive

        self._folder = tempfile.TemporaryDirectory(prefix="evaluate-bm25-")
        self.archive = TantivyArchive.build(self._folder.name)

    def ranking(self, text, limit=CUTOFF_RECALL):
        typed = search_articles({"q": text, "sort": "relevance", "exact": "1"})
        return self.archive.top_ids(typed, limit)

    def close(self):
        self._folder.cleanup()


def evaluate(queries, judged, *, bm25=None):
    """Per query and on average, our figures and (with ``bm25``) BM25's."""
    rows = []
    for query, grades in zip(queries, judged, strict=True):
        row = {
            "query": query.text,
            "relevant": sum(1 for grade in grades.values() if grade > 0),
            "ours": figures(our_ranking(query.text), grades),
        }
        if bm25 is not None:
            row["bm25"] = figures(bm25.ranking(query.text), grades)
        rows.append(row)
    mean = {"ours": mean_figures([row["ours"] for row in rows])}
    if bm25 is not None:
        mean["bm25"] = mean_figures([row["bm25"] for row in rows])
    return {"queries": rows, "mean": mean}
