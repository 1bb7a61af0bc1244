"""The yardstick: the same archive and the same queries in tantivy, a
dedicated search engine (Lucene's design, in Rust).  Benchmark only: the
package is an optional dependency (``pip install -e '.[benchmark]'``).

The index holds what the search page searches and filters on: headline, lede
and body (English stemming), and source, language, actors, places and day as
exact terms.  Queries are translated from the archive's own parsed query, alias
expansions included, so both engines answer the same question: the top 20 in
the requested order, with an exact count.
"""

import json
import re
import shutil
from pathlib import Path

from django.db import connection
from django.db.models import Count, Max

from articles.models import Article
from articles.search.query import AnyOf, Word

TEXT_FIELDS = ("title", "lede", "body")
PAGE_SIZE = 20


FINGERPRINT_FILE = "built-from.json"


def fingerprint():
    """What an index was built from: the database, and its published articles."""
    published = Article.objects.published().aggregate(n=Count("pk"), last=Max("pk"))
    return {"database": str(connection.settings_dict["NAME"]), **published}


def available():
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


class TantivyArchive:
    def __init__(self, path):
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        for name in TEXT_FIELDS:
            builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
        for name in ("source", "language", "actor", "location"):
            builder.add_text_field(name, stored=False, tokenizer_name="raw")
        builder.add_integer_field("day", indexed=True, fast=True, stored=False)
        builder.add_integer_field("pk", indexed=False, fast=False, stored=True)
        self.schema = builder.build()
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(self.path))

    @classmethod
    def build(cls, path, *, chunk=5000):
        """Index every published article into a new index at ``path``."""
        shutil.rmtree(path, ignore_errors=True)
        archive = cls(path)
        writer = archive.index.writer(heap_size=256 * 2**20)
        published = Article.objects.published().order_by("pk")
        last = 0
        while True:
            rows = list(
                published.filter(pk__gt=last).values_list(
                    "pk", "title", "lede", "body", "source__slug", "language", "published"
                )[:chunk]
            )
            if not rows:
                break
            pks = [row[0] for row in rows]
            actors = _slugs_by_article(Article.actors.through, "actor", pks)
            locations = _slugs_by_article(Article.locations.through, "location", pks)
            for pk, title, lede, body, source, language, published_on in rows:
                writer.add_document(
                    archive.tantivy.Document(
                        pk=[pk],
                        title=[title],
                        lede=[lede],
                        body=[body],
                        source=[source or ""],
                        language=[language],
                        actor=actors.get(pk, []),
                        location=locations.get(pk, []),
                        day=[published_on.toordinal() if published_on else 0],
                    )
                )
            last = pks[-1]
        writer.commit()
        writer.wait_merging_threads()
        archive.index.reload()
        (archive.path / FINGERPRINT_FILE).write_text(json.dumps(fingerprint()))
        return archive

    @classmethod
    def built_from_this_archive(cls, path):
        """The index at ``path`` if it was built from the configured database
        as it is now, else None."""
        try:
            stamp = json.loads((Path(path) / FINGERPRINT_FILE).read_text())
        except (OSError, ValueError):
            return None
        return cls(path) if stamp == fingerprint() else None

    def search(self, results):
        """Top 20 and the exact count for the search ``results`` describes (a
        SearchResults: its parsed query, filters, sort and page)."""
        query = self._query(results)
        offset = (max(results.requested_page, 1) - 1) * PAGE_SIZE
        searcher = self.index.searcher()
        if results.sort == "relevance":
            found = searcher.search(query, PAGE_SIZE, count=True, offset=offset)
        else:
            order = self.tantivy.Order.Asc if results.sort == "oldest" else self.tantivy.Order.Desc
            found = searcher.search(
                query, PAGE_SIZE, count=True, order_by_field="day", offset=offset, order=order
            )
        return found.count

    def top_ids(self, results, limit):
        """The article ids of the first ``limit`` hits by BM25 for the search
        ``results`` describes, best first."""
        searcher = self.index.searcher()
        found = searcher.search(self._query(results), limit)
        return [searcher.doc(address)["pk"][0] for _score, address in found.hits]

    # Translation -------------------------------------------------------------

    def _query(self, results):
        Query, Occur = self.tantivy.Query, self.tantivy.Occur
        clauses = [(Occur.Must, self._node(node)) for node in results.parsed.positive_nodes()]
        negative = results.parsed.negative_node()
        if negative is not None:
            clauses.append((Occur.MustNot, self._node(negative)))
        params = results.clean_params
        for name, mode in (("source", "any"), ("actor", "all"), ("location", "all")):
            terms = [Query.term_query(self.schema, name, slug) for slug in params.get(name, [])]
            if mode == "all":
                clauses += [(Occur.Must, term) for term in terms]
            elif terms:
                clauses.append((Occur.Must, _any(Query, Occur, terms)))
            for slug in params.get(f"exclude_{name}", []):
                clauses.append((Occur.MustNot, Query.term_query(self.schema, name, slug)))
        languages = [
            Query.term_query(self.schema, "language", c) for c in params.get("language", [])
        ]
        if languages:
            clauses.append((Occur.Must, _any(Query, Occur, languages)))
        if "date_from" in params or "date_to" in params:
            clauses.append((Occur.Must, self._days(params)))
        if not any(occur == Occur.Must for occur, _ in clauses):
            clauses.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(clauses)

    def _days(self, params):
        import datetime

        def day(name, default):
            value = params.get(name)
            return datetime.date.fromisoformat(value[0]).toordinal() if value else default

        return self.tantivy.Query.range_query(
            self.schema,
            "day",
            self.tantivy.FieldType.Integer,
            day("date_from", 1),
            day("date_to", 10**7),
        )

    def _node(self, node):
        Query, Occur = self.tantivy.Query, self.tantivy.Occur
        if isinstance(node, AnyOf):
            return _any(Query, Occur, [self._node(option) for option in node.options])
        if isinstance(node, Word) and node.prefix:
            pattern = re.escape(node.text.lower()) + ".*"
            return _any(
                Query, Occur, [Query.regex_query(self.schema, f, pattern) for f in TEXT_FIELDS]
            )
        words = [node.text] if isinstance(node, Word) else list(node.words)
        text = " ".join(re.sub(r'[\\"]', " ", word) for word in words)
        return self.index.parse_query(f'"{text}"', list(TEXT_FIELDS))


def _any(Query, Occur, queries):
    return Query.boolean_query([(Occur.Should, query) for query in queries])


def _slugs_by_article(through, entity, pks):
    slugs = {}
    rows = through.objects.filter(article_id__in=pks).values_list("article_id", f"{entity}__slug")
    for pk, slug in rows:
        slugs.setdefault(pk, []).append(slug)
    return slugs
