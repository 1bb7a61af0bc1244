"""Each source's furniture, learned from its articles, and re-cleaning.

A paragraph or line whose :func:`~.structure.fingerprint` recurs in at
least ``max(LEARN_MIN_COUNT, LEARN_SHARE × n)`` of a source's ``n``
articles (once it has ``LEARN_MIN_ARTICLES``) is that source's furniture: a
standing notice, or a heading when short (:func:`~.structure.furniture_kind`).
Learning reads at most the source's ``LEARN_SAMPLE`` newest articles, so its
cost does not grow with the source.

Re-cleaning rebuilds an article's original paragraphs from its body and
stored furniture (:func:`~.structure.original_paragraphs`), sorts them again
with the source's current furniture, and writes and re-links only the
articles whose result changed.  Each article records the digest of the
furniture it was cleaned with, so an unchanged source costs one query.
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .. import month_counts
from ..linking import Gazetteer, relink_and_count_changes
from ..models import Article, IdList, Source, SourceFurniture
from .cleaning import _takes_lede
from .sources import source_key
from .structure import (
    BYLINE,
    DATELINE,
    HEADING,
    LEDE,
    NOTICE,
    REMOVED,
    fingerprint,
    furniture_digest,
    furniture_kind,
    original_paragraphs,
    structure,
)
from .suggestions import SuggestionBook, suggestion_text

LEARN_MIN_ARTICLES = 8
LEARN_MIN_COUNT = 3
LEARN_SHARE = 0.2
LEARN_SAMPLE = 500


def learning_threshold(articles):
    """In how many of a source's ``articles`` a paragraph must recur to be
    furniture; None below ``LEARN_MIN_ARTICLES``."""
    if articles < LEARN_MIN_ARTICLES:
        return None
    return max(LEARN_MIN_COUNT, math.ceil(LEARN_SHARE * articles))


def applied_furniture(source_ids=None):
    """``{source id: {fingerprint: kind}}`` of the furniture cleaning applies
    (all but the rejected)."""
    rows = SourceFurniture.objects.exclude(status=SourceFurniture.Status.REJECTED).order_by()
    if source_ids is not None:
        rows = rows.filter(source_id__in=list(source_ids))
    applied = {}
    for source_id, fp, kind in rows.values_list("source_id", "fingerprint", "kind"):
        applied.setdefault(source_id, {})[fp] = kind
    return applied


def furniture_for_import():
    """``{source key: (digest, {fingerprint: kind})}``, what
    :func:`.cleaning.clean_text` takes."""
    names = dict(Source.objects.values_list("pk", "name"))
    return {
        source_key(names[source_id]): (furniture_digest(entries), entries)
        for source_id, entries in applied_furniture().items()
    }


def _paragraphs_for_learning(body, items):
    yield from body.split("\n\n")
    for item in items or ():
        if item.get("kind") in (NOTICE, HEADING):
            yield item["text"]


def learn_furniture(source_ids):
    """Learn the furniture of these sources from their articles; returns
    ``{source id: {fingerprint: kind}}`` for those whose applied furniture
    changed."""
    changed = {}
    for source_id in source_ids:
        rows = list(
            Article.objects.filter(source_id=source_id)
            .order_by("-published", "-pk")  # off the index of a source's dates
            .values_list("body", "furniture")[:LEARN_SAMPLE]
        )
        threshold = learning_threshold(len(rows))
        if threshold is None:
            continue
        counts, texts = Counter(), {}
        for body, items in rows:
            seen = set()
            for paragraph in _paragraphs_for_learning(body, items):
                fp = fingerprint(paragraph)
                if fp and fp not in seen:
                    seen.add(fp)
                    texts.setdefault(fp, paragraph)
            counts.update(seen)
        existing = {
            row.fingerprint: row for row in SourceFurniture.objects.filter(source_id=source_id)
        }
        before = {fp: row.kind for fp, row in existing.items() if row.applied}
        new = [
            SourceFurniture(
                source_id=source_id,
                kind=furniture_kind(texts[fp]),
                text=texts[fp],
                fingerprint=fp,
                status=SourceFurniture.Status.LEARNED,
                article_count=count,
            )
            for fp, count in counts.items()
            if count >= threshold and fp not in existing
        ]
        # Forgotten only well below the threshold, so that a paragraph near it
        # does not make every run clean the whole source again.
        faded = [
            row.pk
            for fp, row in existing.items()
            if row.status == SourceFurniture.Status.LEARNED and counts[fp] < threshold / 2
        ]
        recounted = [row for fp, row in existing.items() if row.article_count != counts[fp]]
        for row in recounted:
            row.article_count = counts[row.fingerprint]
        with transaction.atomic():
            SourceFurniture.objects.bulk_create(new)
            SourceFurniture.objects.filter(pk__in=faded).delete()
            SourceFurniture.objects.bulk_update(recounted, ["article_count"])
        after = {fp: kind for fp, kind in before.items() if existing[fp].pk not in faded}
        after.update((row.fingerprint, row.kind) for row in new)
        if after != before:
            changed[source_id] = after
    return changed


@dataclass
class RecleanReport:
    read: int = 0
    changed: int = 0  # articles whose body, lede or furniture changed
    relinked: int = 0  # of those, the articles whose mentions changed


def reclean_articles(source_ids=None, *, everything=False, chunk_size=500):
    """Clean the articles of these sources (all by default) again with their
    source's current furniture.  Only articles cleaned with other furniture
    are read, unless ``everything``; only changed ones are written, and their
    mentions and suggestions recounted.  Idempotent."""
    applied = applied_furniture(source_ids)
    if source_ids is None:
        source_ids = list(Source.objects.order_by("pk").values_list("pk", flat=True))
    report = RecleanReport()
    book = None
    text_changed = []
    for source_id in source_ids:
        entries = applied.get(source_id, {})
        digest = furniture_digest(entries)
        articles = Article.objects.filter(source_id=source_id)
        if not everything:
            articles = articles.exclude(cleaned_with=digest)
        rows = articles.order_by("pk").values_list(
            "pk", "slug", "title", "lede", "body", "furniture", "authors", "published", "url"
        )
        chunk = []
        for row in rows.iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) >= chunk_size:
                book = book or SuggestionBook(Gazetteer.from_database())
                text_changed += _reclean_chunk(chunk, source_id, entries, digest, report, book)
                chunk = []
        if chunk:
            book = book or SuggestionBook(Gazetteer.from_database())
            text_changed += _reclean_chunk(chunk, source_id, entries, digest, report, book)
    if text_changed:
        report.relinked = relink_and_count_changes(
            Article.objects.filter(pk__in=IdList(text_changed))
        )[1]
    return report


def reclean_article(row, entries, digest, name_kinds=None):
    """The fields of one article (a row of pk, slug, title, lede, body,
    furniture, authors, published, url) that cleaning with ``entries`` changes;
    ``name_kinds``: the gazetteer's kinds of a name (see :func:`.structure.structure`)."""
    pk, slug, title, lede, body, items, authors, published, url = row
    paragraphs = original_paragraphs(lede, body, items)
    took_lede = any(item.get("kind") == LEDE for item in items or ())
    result = structure(
        paragraphs,
        lede="" if took_lede else lede,
        authors=authors or (),
        published=published,
        furniture=entries,
        context=f"{title} {url}",
        take_lede=_takes_lede,
        name_kinds=name_kinds,
    )
    # What a byline or dateline filled in stays theirs, now that the fields are full.
    for kind in (BYLINE, DATELINE):
        if any(item.get("kind") == kind and item.get("filled") for item in items or ()):
            again = next((item for item in result.items if item["kind"] == kind), None)
            if again is not None:
                again["filled"] = True
    changes = {"cleaned_with": digest}
    if result.body != body:
        changes["body"] = result.body
    if result.lede != lede:
        changes["lede"] = result.lede
    # Cleaning's site furniture stays: the rebuilt paragraphs no longer hold it.
    result_items = [item for item in items or () if item.get("kind") == REMOVED] + result.items
    if result_items != (items or []):
        changes["furniture"] = result_items
    if result.authors and not authors:
        changes["authors"] = result.authors
    if result.published and published is None:
        changes["published"] = result.published
    return changes


def _reclean_chunk(rows, source_id, entries, digest, report, book):
    """Write a chunk's changes; returns the ids of the articles whose text changed."""
    report.read += len(rows)
    updates, text_changed, dropped = [], [], []
    for row in rows:
        pk, slug, title, lede, body = row[:5]
        changes = reclean_article(row, entries, digest, book.gazetteer.kinds_named)
        article = Article(pk=pk, title=title, lede=lede, body=body, cleaned_with=digest)
        fields = set(changes)
        for name, value in changes.items():
            setattr(article, name, value)
        if "body" in changes or "lede" in changes:
            article.content_hash = Article.hash_content(title, article.body)
            article.word_count = len(article.body.split())
            fields |= {"content_hash", "word_count"}
            evidence = {"source_id": source_id, "authors": row[6]}
            book.add(slug, suggestion_text(title, lede, body), sign=-1, **evidence)
            book.add(slug, suggestion_text(title, article.lede, article.body), **evidence)
            dropped.append(slug)
            text_changed.append(pk)
        if len(changes) > 1:
            report.changed += 1
        updates.append((article, fields))
    # A date found by cleaning again moves the article in the month counts.
    dated = [article.pk for article, fields in updates if "published" in fields]
    with transaction.atomic(), month_counts.recounted(dated):
        by_fields = {}
        for article, fields in updates:
            by_fields.setdefault(tuple(sorted(fields)), []).append(article)
        for fields, articles in by_fields.items():
            try:
                with transaction.atomic():
                    Article.objects.bulk_update(articles, list(fields))
            except IntegrityError:
                for article in articles:
                    try:
                        with transaction.atomic():
                            Article.objects.bulk_update([article], list(fields))
                    except IntegrityError:
                        # Two texts that differed only by furniture are now one:
                        # this article keeps its old duplicate key.
                        kept = [name for name in fields if name != "content_hash"]
                        Article.objects.bulk_update([article], kept)
        book.flush(dropped_slugs=dropped)
    return text_changed
