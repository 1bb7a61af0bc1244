"""Writing prepared articles in batches: one transaction a batch, each
article whole with its mentions, or not at all.

For each batch the writer looks up the articles it may already hold (by URL,
by file and by text) in three queries, then creates, updates or skips each
record, puts the new ones in stories (:class:`StoryGrouper`: translations
and near-copies), links the written ones to the gazetteer and counts
suggestions, with a handful of bulk statements.  A run that is killed
half-way leaves the batches before it complete and none of the batch it was
writing; running it again finds those articles unchanged and writes the rest.
"""

import hashlib
import re
from contextlib import suppress
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from .. import month_counts
from ..invisible import remove_invisible
from ..models import (
    ActorMention,
    Article,
    ArticleSignature,
    IdList,
    LocationMention,
    SourceMention,
)
from ..search import get_engine
from ..search.vocabulary import count_word_sets, words_of
from .records import analyse
from .signatures import best_match, copy_facts, may_be_copies
from .suggestions import SuggestionBook, suggestion_text

SLUG_MAX = 100
_LOOKUP_FIELDS = (
    "pk",
    "slug",
    "url",
    "provenance",
    "content_hash",
    "title",
    "lede",
    "captions",
    "source_id",
    "authors",
    "published",
    "language",
    "tags",
    "story_key",
    "furniture",
    "cleaned_with",
)
# Fields an import sets whatever they were; the others only when the record
# has a value, so that an editor's source or date is not wiped by a record
# that lacks one.
_TEXT_FIELDS = ("title", "lede", "captions", "language", "furniture", "cleaned_with")
_METADATA_FIELDS = ("source_id", "authors", "url", "published", "tags")


class ImportAborted(Exception):
    """The database refused a write for a reason no record can fix
    (read-only, disk full, gone away)."""


class GeneratedRefused(Exception):
    """Generated articles met an archive of real ones (``allow_generated`` off)."""


@dataclass
class Outcome:
    action: str  # "created", "updated", "unchanged", "duplicate", "rejected"
    prepared: object
    detail: str = ""


class SlugAllocator:
    """Unique article slugs for a batch, in the scheme of ``models.unique_slug``
    (``base``, ``base-2``, ``base-3``…) with one query per batch, plus one for
    each headline taken before this run that the run has not numbered yet.

    The allocator remembers the next number of every headline it has numbered
    (at most ``REMEMBERED`` of them): asking the database for all of a common
    headline's numbered slugs again and again returned 1.5 million rows over
    an import of 100,000 synthetic articles.  The batch's query checks each
    remembered number too, so a slug that someone else took meanwhile sends
    the allocator back to the database."""

    _SUFFIX = re.compile(r"-(\d+)$")
    REMEMBERED = 100_000

    def __init__(self):
        self.next_number = {}  # stem -> the next number this run will give it
        self.index = get_engine().index

    def allocate(self, titles):
        bases = [
            slugify(remove_invisible(title))[:SLUG_MAX].strip("-") or "article" for title in titles
        ]
        stems = {base: base[: SLUG_MAX - 8].rstrip("-") for base in bases}
        known = set(stems.values()) & self.next_number.keys()
        remembered = {f"{stem}-{self.next_number[stem]}": stem for stem in known}
        taken = set(
            Article.objects.filter(slug__in=set(bases) | remembered.keys()).values_list(
                "slug", flat=True
            )
        )
        for slug in remembered.keys() & taken:
            del self.next_number[remembered[slug]]
        if len(self.next_number) > self.REMEMBERED:
            self.next_number.clear()
        slugs = []
        for base in bases:
            if base not in taken:
                taken.add(base)
                slugs.append(base)
                continue
            stem = stems[base]
            if stem not in self.next_number:
                numbers = [
                    int(match.group(1))
                    for slug in self._numbered(stem).values_list("slug", flat=True)
                    if (match := self._SUFFIX.search(slug)) and slug[: match.start()] == stem
                ]
                self.next_number[stem] = max(numbers, default=1) + 1
            slug = f"{stem}-{self.next_number[stem]}"
            self.next_number[stem] += 1
            taken.add(slug)
            slugs.append(slug)
        return slugs

    def _numbered(self, stem):
        """Articles whose slug starts with ``stem-``, read off the slug index."""
        return Article.objects.filter(self.index.starting_with("slug", f"{stem}-"))


class RunLedger:
    """What this run has read (each record's text and key, as 64-bit digests),
    kept in a temporary table: a duplicate is found however long ago the run
    read its twin, and memory stays flat.  Its rows are written in each
    batch's transaction, so they roll back with it."""

    TABLE = "import_run_seen"

    def __init__(self):
        self.index = get_engine().index
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.TABLE} (digest BIGINT PRIMARY KEY)"
                )
                cursor.execute(f"DELETE FROM {self.TABLE}")
        except DatabaseError as exc:  # a read-only or full database refuses even this
            raise ImportAborted(str(exc).strip()) from exc

    @staticmethod
    def digest(kind, value):
        data = hashlib.blake2b(f"{kind}\0{value}".encode(), digest_size=8).digest()
        return int.from_bytes(data, "big", signed=True)

    def seen(self, digests):
        digests = list(digests)
        if not digests:
            return set()
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(digests))
            cursor.execute(
                f"SELECT digest FROM {self.TABLE} WHERE digest IN ({placeholders})", digests
            )
            return {row[0] for row in cursor.fetchall()}

    def add(self, digests):
        """Record digests that are not in the ledger yet."""
        self.index.insert_rows(self.TABLE, ["digest"], [(digest,) for digest in digests])

    def close(self):
        # A connection that broke mid-run drops its temporary table with it.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")


class BatchWriter:
    def __init__(self, gazetteer, sources, *, allow_generated=False):
        self.gazetteer = gazetteer
        self.sources = sources
        self.allow_generated = allow_generated
        self.holds_real_articles = None  # looked up once, at the first generated article
        self.slugs = SlugAllocator()
        self.book = SuggestionBook(gazetteer)
        self.ledger = RunLedger()
        self.index = get_engine().index
        self.stories = StoryGrouper()
        self.mentions = 0

    def close(self):
        self.ledger.close()

    def write(self, batch):
        """Write a batch; returns an :class:`Outcome` per record.  A batch that
        breaks a constraint is retried record by record, so one bad record
        is rejected alone."""
        try:
            return self._write_atomic(batch)
        except IntegrityError:
            if len(batch) == 1:
                raise
        outcomes = []
        for prepared in batch:
            try:
                outcomes.extend(self._write_atomic([prepared]))
            except IntegrityError as exc:
                outcomes.append(Outcome("rejected", prepared, f"the database refused it: {exc}"))
        return outcomes

    def _write_atomic(self, batch):
        before = (self.mentions, self.book.names)
        try:
            with transaction.atomic():
                outcomes = self._write(batch)
        except IntegrityError:
            self._forget(*before)
            raise
        except DatabaseError as exc:
            self._forget(*before)
            raise ImportAborted(str(exc).strip()) from exc
        except BaseException:
            self._forget(*before)
            raise
        self.sources.commit()
        self.stories.commit()
        return outcomes

    def _forget(self, mentions, names):
        """Undo the bookkeeping of a batch whose transaction rolled back."""
        self.stories.rollback()
        self.sources.rollback()
        self.mentions, self.book.names = mentions, names
        self.book.entries = {}

    def _lookup(self, batch):
        """The archived articles a batch may be or translate: ``{url: rows}``
        (every language, with the URLs records name as their originals),
        ``{file: row}`` and ``{content hash: row}``."""
        urls = {url for p in batch for url in (p.url, p.translation_of) if url}
        files = {p.provenance for p in batch if p.single}
        hashes = {p.content_hash for p in batch}
        rows = Article.objects.order_by("pk").values(*_LOOKUP_FIELDS)
        by_url = {}
        for row in rows.filter(url__in=urls).exclude(url=""):
            by_url.setdefault(row["url"], []).append(row)
        by_file = {}
        for row in rows.filter(provenance__in=files):
            by_file.setdefault(row["provenance"], row)
        by_hash = {row["content_hash"]: row for row in rows.filter(content_hash__in=hashes)}
        return by_url, by_file, by_hash

    def _digests(self, prepared):
        text = self.ledger.digest("text", prepared.content_hash)
        key = prepared.key and self.ledger.digest("key", f"{prepared.key}\0{prepared.language}")
        return text, key or None

    def _write(self, batch):
        by_url, by_file, by_hash = self._lookup(batch)
        digests = [self._digests(p) for p in batch]
        read = {d for pair in digests for d in pair if d is not None}
        already = self.ledger.seen(read)
        seen = set(already)
        outcomes, creates, updates = [], [], []
        for prepared, (text_digest, key_digest) in zip(batch, digests, strict=True):
            if text_digest in seen:
                outcomes.append(
                    Outcome("duplicate", prepared, "same text as a record read earlier in this run")
                )
                continue
            if key_digest is not None and key_digest in seen:
                what = "URL and language" if prepared.url else "file"
                outcomes.append(
                    Outcome(
                        "duplicate", prepared, f"same {what} as a record read earlier in this run"
                    )
                )
                continue
            seen.update(d for d in (text_digest, key_digest) if d is not None)
            prepared.source_id = (
                self.sources.resolve(prepared.source_name) if prepared.source_name else None
            )
            same_language = (
                r for r in by_url.get(prepared.url, ()) if r["language"] == prepared.language
            )
            existing = next(same_language, None)
            if existing is None and prepared.single:
                existing = by_file.get(prepared.provenance)
            twin = by_hash.get(prepared.content_hash)
            if existing is None and twin is not None:
                outcomes.append(Outcome("unchanged", prepared))  # archived under another name
            elif existing is not None and twin is not None and twin["pk"] != existing["pk"]:
                outcomes.append(
                    Outcome(
                        "duplicate",
                        prepared,
                        f"its new text is the text of {twin['slug']} ({twin['provenance']})",
                    )
                )
            elif existing is None:
                creates.append(prepared)
            elif self._changes(existing, prepared, twin):
                updates.append((existing, prepared))
            else:
                outcomes.append(Outcome("unchanged", prepared))
        self.ledger.add(read - already)

        self._refuse_mixing(creates)
        now = timezone.now()
        self.stories.assign(creates, by_url)
        created = self._create(creates, now)
        month_counts.take_away_articles([row["pk"] for row, _ in updates])
        updated = self._update(updates, now)
        self._link_and_suggest(list(zip(created, creates, strict=True)), updated)
        month_counts.add_articles([a.pk for a in created] + [a.pk for a, _, _ in updated])
        self.stories.write_signatures(
            [(a.pk, p) for a, p in zip(created, creates, strict=True)]
            + [(a.pk, p) for a, _, p in updated],
            replaced=[a.pk for a, _, _ in updated],
        )
        outcomes += [Outcome("created", p) for p in creates]
        outcomes += [Outcome("updated", p) for _, p in updates]
        return outcomes

    @staticmethod
    def _changes(row, prepared, twin):
        if twin is None:
            return True  # the text changed
        for name in _TEXT_FIELDS:
            if row[name] != getattr(prepared, name):
                return True
        for name in _METADATA_FIELDS:
            value = getattr(prepared, name)
            if value not in (None, "", []) and row[name] != value:
                return True
        return False

    def _refuse_mixing(self, creates):
        """Made-up articles must not pass for real ones among them: raise
        :class:`GeneratedRefused` before writing a generated article into an
        archive that holds real articles, unless the run allows it."""
        if self.allow_generated:
            return
        if self.holds_real_articles is None and any(p.generated for p in creates):
            self.holds_real_articles = Article.objects.filter(generated=False).exists()
        if any(p.generated for p in creates) and (
            self.holds_real_articles or not all(p.generated for p in creates)
        ):
            raise GeneratedRefused(
                'generated articles ("generated": true) are not added to an archive '
                "that holds real articles; import them into an empty database, or pass "
                "--allow-generated to mix them"
            )
        if creates and not any(p.generated for p in creates):
            self.holds_real_articles = True

    def _create(self, creates, now):
        if not creates:
            return []
        slugs = self.slugs.allocate([p.title for p in creates])
        articles = [
            Article(
                title=p.title,
                slug=slug,
                lede=p.lede,
                body=p.body,
                captions=p.captions,
                source_id=p.source_id,
                authors=p.authors,
                url=p.url,
                published=p.published,
                language=p.language,
                tags=p.tags,
                word_count=p.word_count,
                content_hash=p.content_hash,
                story_key=p.story_key,
                status=Article.Status.PUBLISHED,
                provenance=p.provenance,
                furniture=p.furniture,
                cleaned_with=p.cleaned_with,
                generated=p.generated,
                created=now,
                updated=now,
            )
            for p, slug in zip(creates, slugs, strict=True)
        ]
        vectors = [p.search_vector for p in creates]
        return self.index.insert_articles(articles, vectors)

    def _update(self, updates, now):
        """Update changed articles in place (same slug, same URL); returns
        ``(article, old text, prepared)`` triples."""
        if not updates:
            return []
        old_text = {
            pk: suggestion_text(title, lede, body)
            for pk, title, lede, body in Article.objects.filter(
                pk__in=[row["pk"] for row, _ in updates]
            ).values_list("pk", "title", "lede", "body")
        }
        result = []
        for row, p in updates:
            article = Article(pk=row["pk"], slug=row["slug"])
            for name in _LOOKUP_FIELDS[1:]:
                setattr(article, name, row[name])
            article.body = p.body
            article.content_hash = p.content_hash
            article.word_count = p.word_count
            article.updated = now
            for name in _TEXT_FIELDS:
                setattr(article, name, getattr(p, name))
            for name in _METADATA_FIELDS:
                value = getattr(p, name)
                if value not in (None, "", []):
                    setattr(article, name, value)
            result.append((article, old_text[row["pk"]], p))
        Article.objects.bulk_update(
            [article for article, _, _ in result],
            ["body", "content_hash", "word_count", "updated", *_TEXT_FIELDS, *_METADATA_FIELDS],
        )
        return result

    def _link_and_suggest(self, created, updated):
        """Mentions for the written articles (replacing the updated ones'), and
        their suggestion counts (taking the updated ones' old text away).
        ``created``: (article, prepared) pairs; ``updated``: (article, old
        text, prepared)."""
        if updated:
            ids = [article.pk for article, _, _ in updated]
            ActorMention.objects.filter(article_id__in=ids).delete()
            LocationMention.objects.filter(article_id__in=ids).delete()
            SourceMention.objects.filter(article_id__in=ids).delete()
        actor_rows, location_rows, source_rows, words = [], [], [], []
        for article, prepared in created + [(article, p) for article, _, p in updated]:
            analysis = prepared.analysis or analyse(prepared, self.gazetteer)
            words.append(analysis.words.split())
            actor_rows += [(article.pk, entity, n) for entity, n in analysis.actors.items()]
            location_rows += [(article.pk, entity, n) for entity, n in analysis.locations.items()]
            source_rows += [(article.pk, source, n) for source, n in analysis.sources.items()]
            self.book.add_found(
                article.slug,
                analysis.candidates,
                source_id=article.source_id,
                authors=article.authors,
            )
        for model, entity, rows in (
            (ActorMention, "actor_id", actor_rows),
            (LocationMention, "location_id", location_rows),
            (SourceMention, "source_id", source_rows),
        ):
            self.index.insert_rows(model._meta.db_table, ["article_id", entity, "count"], rows)
        self.mentions += len(actor_rows) + len(location_rows) + len(source_rows)
        for article, old_text, _ in updated:
            self.book.add(article.slug, old_text, sign=-1, source_id=article.source_id)
        self.book.flush(dropped_slugs=[article.slug for article, _, _ in updated])
        count_word_sets(words, [words_of(old_text) for _, old_text, _ in updated])


def story_key_for_url(url):
    """The story key of the articles at one URL (the original and its
    translations), whichever of them the archive receives first; the URLs
    of one page in several languages are one URL (see :func:`language_neutral`)."""
    return RunLedger.digest("story-url", language_neutral(url))


_LANGUAGE_LABELS = frozenset({"en", "eng", "uk", "ua", "ukr", "ru", "rus"})
_LANGUAGE_QUERY = re.compile(r"(?i)(?:^|(?<=&))(?:lang|language|hl|locale)=[a-z_-]{2,5}(?:&|$)")


def language_neutral(url):
    """``url`` without what names its language: a first host label
    ("en.kremlin.example"), a path segment among the first two
    ("/en/news/…", "/news/uk/…") or a query parameter ("?lang=uk")."""
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    labels = host.split(".")
    if len(labels) > 2 and labels[0].casefold() in _LANGUAGE_LABELS:
        host = ".".join(labels[1:])
    path, question, query = path.partition("?")
    segments = path.split("/")
    for index, segment in enumerate(segments[:2]):
        if segment.casefold() in _LANGUAGE_LABELS:
            del segments[index]
            break
    query = _LANGUAGE_QUERY.sub("", query).rstrip("&")
    return f"{scheme}://{host}{slash}{'/'.join(segments)}{'?' if query else ''}{query}"


def story_key_for_text(content_hash):
    return RunLedger.digest("story-text", content_hash)


class StoryGrouper:
    """Puts each new article in a story (``Article.story_key``): with the
    articles at its URL or at the URL it names as its original in other
    languages (translations), else with an archived or earlier article whose
    near-copy signature it shares, else in a story of its own keyed by its
    URL (so a translation that arrives before its original waits under the
    key the original will take) or by its text."""

    def __init__(self):
        self.translations = 0
        self.copies = 0
        self._counted = (0, 0)

    def commit(self):
        self._counted = (self.translations, self.copies)

    def rollback(self):
        self.translations, self.copies = self._counted

    def assign(self, creates, by_url):
        """Set ``story_key`` on each prepared article of ``creates``; gives
        archived articles without a key one when a new article joins them."""
        if not creates:
            return
        anchors = {p.translation_of or p.url for p in creates} - {""}
        waiting = set(
            Article.objects.filter(
                story_key__in=IdList(story_key_for_url(url) for url in anchors)
            ).values_list("story_key", flat=True)
        )
        owners, fallbacks, facts = self._archived_copies(creates)
        at_url = {url: rows[0] for url, rows in by_url.items()}
        adopted = {}  # archived article pk -> the key it is given
        for prepared in creates:
            anchor = prepared.translation_of or prepared.url
            mine = copy_facts(prepared.title, prepared.published)
            key, row = None, at_url.get(anchor) if anchor else None
            if row is not None:
                key = row["story_key"] or adopted.setdefault(row["pk"], story_key_for_url(anchor))
                self.translations += 1
            elif anchor and story_key_for_url(anchor) in waiting:
                key = story_key_for_url(anchor)
                self.translations += 1
            elif (
                match := best_match(
                    prepared.signature,
                    owners,
                    lambda owner, mine=mine: any(
                        may_be_copies(mine, other) for other in facts[owner]
                    ),
                )
            ) is not None:
                where, found = match
                key = adopted.setdefault(found, fallbacks[found]) if where == "unkeyed" else found
                self.copies += 1
            if key is None:
                key = (
                    story_key_for_url(anchor)
                    if anchor
                    else story_key_for_text(prepared.content_hash)
                )
            prepared.story_key = key
            if anchor:
                waiting.add(story_key_for_url(anchor))
                at_url.setdefault(prepared.url or anchor, {"pk": None, "story_key": key})
            for band in prepared.signature:
                owners.setdefault(band, set()).add(("batch", key))
            facts.setdefault(("batch", key), []).append(mine)
        for pk, key in adopted.items():
            Article.objects.filter(pk=pk, story_key__isnull=True).update(story_key=key)

    @staticmethod
    def _archived_copies(creates):
        """Archived articles sharing a band with an article of ``creates``, by
        one probe of the band index: ``{band: {("archived", story key) or
        ("unkeyed", pk)}}``, for those without a story key ``{pk: the key to
        give them}``, and ``{owner: [copy_facts of its articles]}``."""
        bands = {band for p in creates for band in p.signature}
        owners, fallbacks, facts = {}, {}, {}
        if not bands:
            return owners, fallbacks, facts
        rows = ArticleSignature.objects.filter(band__in=IdList(bands)).values_list(
            "band",
            "article_id",
            "article__story_key",
            "article__url",
            "article__content_hash",
            "article__title",
            "article__published",
        )
        for band, pk, key, url, content_hash, title, published in rows:
            owner = ("archived", key)
            if key is None:
                owner = ("unkeyed", pk)
                fallbacks[pk] = story_key_for_url(url) if url else story_key_for_text(content_hash)
            owners.setdefault(band, set()).add(owner)
            facts.setdefault(owner, []).append(copy_facts(title, published))
        return owners, fallbacks, facts

    @staticmethod
    def write_signatures(written, *, replaced):
        """Store the bands of written articles, ``(pk, prepared)`` pairs,
        replacing those of the ``replaced`` article ids."""
        if replaced:
            ArticleSignature.objects.filter(article_id__in=replaced).delete()
        rows = [(pk, band) for pk, prepared in written for band in prepared.signature]
        get_engine().index.insert_rows(
            ArticleSignature._meta.db_table, ["article_id", "band"], rows
        )
