"""The generated corpus's two outputs (``manage.py generate_corpus``):

- ``write_files``: JSON Lines files for ``import_articles``;
- ``write_into_database``: the same articles as rows straight into the
  configured database, with the mentions the generator knows it wrote, in bulk
  and without the import's cleaning and linking, so that a million articles
  take minutes rather than hours (for the search benchmark and the load test).
  It refuses a database that already holds articles, so a real archive is
  never touched.

Article ``n`` of seed ``s`` is the same in both.
"""

import collections
import json
import multiprocessing
import os
from pathlib import Path

from django.db import connection, transaction
from django.utils.text import slugify

from articles import month_counts
from articles.gazetteer_file import load_gazetteer
from articles.importing.records import parse_date
from articles.models import Actor, ActorMention, Article, Location, LocationMention, Source
from articles.search import get_engine
from articles.search.vocabulary import article_words, count_word_sets
from articles.statements import forget_logged_statements

from .corpus import SOURCES, TRAP_GAZETTEER, CorpusGenerator

PROVENANCE_PREFIX = "synthetic/"


def write_files(out, count, seed, *, per_file=10000, start=0, traps=False):
    """Write articles ``start`` to ``start + count - 1`` of seed ``seed`` as JSON
    Lines files in ``out``; returns the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    generator = CorpusGenerator(seed, traps=traps)
    paths = []
    for first in range(start, start + count, per_file):
        path = out / f"articles-{seed}-{first // per_file + 1:05d}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for n in range(first, min(first + per_file, start + count)):
                handle.write(json.dumps(generator.article(n), ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


_generator = None


def _start_worker(seed, traps):
    global _generator
    _generator = CorpusGenerator(seed, traps=traps)


def _generate(numbers):
    """Each article's number, record, mentions and vocabulary words (found
    here rather than by the writing process, which is the bottleneck)."""
    generated = []
    for n in numbers:
        record, mentions = _generator.article_and_mentions(n)
        words = article_words(record.get("lede", ""), record["body"])
        generated.append((n, record, mentions, words.split()))
    return generated


def write_into_database(
    count, *, seed=1, batch_size=1000, workers=None, progress=None, traps=False
):
    """Write ``count`` published articles of seed ``seed`` with their mentions;
    the gazetteer must be loaded (with ``traps``, the traps' invented names
    are loaded here).  Generation runs in ``workers`` processes (default: one
    a CPU) while this one writes."""
    if Article.objects.exists():
        raise ValueError("--into-database needs a database without articles.")
    if traps and Actor.objects.exists():
        load_gazetteer(TRAP_GAZETTEER)
    actors = dict(Actor.objects.values_list("slug", "pk"))
    locations = dict(Location.objects.values_list("slug", "pk"))
    if not actors or not locations:
        raise ValueError("--into-database needs the gazetteer: run load_gazetteer first.")
    # A publisher may be one of the gazetteer's outlets already, under its own slug.
    sources = {
        name: (
            Source.objects.filter(name=name).first()
            or Source.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "homepage": f"https://{domain}/"}
            )[0]
        ).pk
        for name, domain in SOURCES
    }
    batches = [
        range(start, min(start + batch_size, count)) for start in range(0, count, batch_size)
    ]
    workers = workers or os.cpu_count() or 1
    if not connection.in_atomic_block:
        # The workers need no database: close it so that none inherits the socket.
        connection.close()
    context = multiprocessing.get_context("fork")
    with (
        context.Pool(workers, initializer=_start_worker, initargs=(seed, traps)) as pool,
        get_engine().index.bulk_writing(may_rebuild=True) as bulk,
    ):
        written = 0
        for generated in _generated_ahead(pool, batches, 2 * workers):
            _write(generated, seed, sources, actors, locations)
            forget_logged_statements()
            written += len(generated)
            bulk.articles_created(written)
            if progress:
                progress(written)


def _generated_ahead(pool, batches, ahead):
    """The batches generated in order, at most ``ahead`` of them waiting: the
    workers outrun the writer, and ``Pool.imap`` keeps every result they
    finish (2.9 GB at 52,000 of a million articles, written at 210 a
    second on two cores)."""
    pending = collections.deque()
    for batch in batches:
        pending.append(pool.apply_async(_generate, (batch,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _write(generated, seed, sources, actors, locations):
    articles = [_article(n, record, seed, sources) for n, record, _, _ in generated]
    with transaction.atomic():
        articles = Article.objects.bulk_create(articles)
        ActorMention.objects.bulk_create(
            ActorMention(article=article, actor_id=actors[slug], count=count)
            for article, (_, _, mentions, _) in zip(articles, generated, strict=True)
            for (kind, slug), count in mentions.items()
            if kind == "actor" and slug in actors
        )
        LocationMention.objects.bulk_create(
            LocationMention(article=article, location_id=locations[slug], count=count)
            for article, (_, _, mentions, _) in zip(articles, generated, strict=True)
            for (kind, slug), count in mentions.items()
            if kind == "location" and slug in locations
        )
        month_counts.add_articles([article.pk for article in articles])
        count_word_sets(words for _, _, _, words in generated)


def _article(n, record, seed, sources):
    title, body = record["title"], record["body"]
    published = record.get("published")
    return Article(
        title=title,
        slug=f"{slugify(title)[:80].rstrip('-') or 'article'}-{n}",
        lede=record.get("lede", ""),
        body=body,
        source_id=sources[record["source"]],
        authors=record.get("authors", []),
        url=record["url"],
        published=parse_date(published),  # as the import reads it ("5:30pm ET, June 5, 2024")
        language=record["language"],
        tags=record["tags"],
        word_count=len(body.split()),
        content_hash=Article.hash_content(title, body),
        status=Article.Status.PUBLISHED,
        provenance=f"{PROVENANCE_PREFIX}{seed}/{n}",
        generated=True,
    )
