"""The import run: read, prepare (in worker processes for big runs), write."""

import os
import time
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field

from django.db import transaction

from ..linking import Gazetteer
from ..search import get_engine
from ..statements import forget_logged_statements
from .learning import (
    LEARN_MIN_ARTICLES,
    LEARN_SAMPLE,
    furniture_for_import,
    learn_furniture,
    reclean_articles,
)
from .parallel import Preparer
from .readers import (
    FileRejected,
    Rejection,
    SourceFile,
    load_manifest,
    manifest_fields,
    read_records,
    walk,
)
from .sources import SourceResolver, source_key
from .structure import furniture_digest
from .writer import BatchWriter, GeneratedRefused, ImportAborted

KEEP_LISTED = 1000  # rejections and duplicates kept in the report (all are counted)


class ManifestError(ValueError):
    pass


@dataclass
class ImportReport:
    dry_run: bool = False
    files: int = 0
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate_count: int = 0
    rejected_count: int = 0
    skipped_files: int = 0  # in folders, files that are not articles (README, images)
    rejected: list = field(default_factory=list)  # (where, reason), the first KEEP_LISTED
    duplicates: list = field(default_factory=list)  # (where, detail), the first KEEP_LISTED
    warnings: list = field(default_factory=list)
    mentions: int = 0  # actor and location links written
    suggestions: int = 0  # new suggested names
    translations: int = 0  # new articles grouped with another language's
    copies: int = 0  # new articles grouped with a near-identical text
    sources_created: int = 0
    furniture_learned: int = 0  # sources whose learned furniture changed
    recleaned: int = 0  # articles cleaned again once their source's furniture was known
    elapsed: float = 0.0
    aborted: str = ""

    def reject(self, where, reason):
        self.rejected_count += 1
        if len(self.rejected) < KEEP_LISTED:
            self.rejected.append((where, reason))


class _Rollback(Exception):
    pass


def _total_bytes(paths):
    total = 0
    for item in walk(paths):
        if isinstance(item, SourceFile):
            with suppress(OSError):
                total += item.path.stat().st_size
    return total


def import_paths(
    paths,
    *,
    manifest=None,
    dry_run=False,
    batch_size=500,
    encoding=None,
    progress=None,
    on_rejected=None,
    workers=None,
    allow_generated=False,
):
    """Import every article in ``paths`` (files and folders); returns an
    :class:`ImportReport`.

    ``manifest``: a CSV or JSON file adding metadata to files by name.
    ``dry_run``: do everything inside a transaction that is rolled back, so
    the report is exactly what a real run would do and nothing is kept.
    ``encoding``: how to read files that are not UTF-8 (else they are rejected).
    ``progress``: a factory ``(total bytes) -> Progress`` for a progress display.
    ``on_rejected``: called with ``(where, reason)`` as each rejection happens.
    ``workers``: processes that prepare records in a run of more than one
    batch (default: one a CPU; 1 prepares them in this process).
    ``allow_generated``: add generated articles to an archive of real ones.
    """
    run = ImportRun(
        paths,
        manifest=manifest,
        dry_run=dry_run,
        batch_size=batch_size,
        encoding=encoding,
        progress=progress,
        on_rejected=on_rejected,
        workers=workers,
        allow_generated=allow_generated,
    )
    return run.run()


def _load_manifest(manifest):
    try:
        return load_manifest(manifest)
    except (FileRejected, OSError) as exc:
        raise ManifestError(f"{manifest}: {exc}") from None


class ImportRun:
    """One run of :func:`import_paths`: records read, prepared, written in
    batches, and what happened to each counted in ``report``."""

    def __init__(
        self,
        paths,
        *,
        manifest,
        dry_run,
        batch_size,
        encoding,
        progress,
        on_rejected,
        workers,
        allow_generated,
    ):
        self.report = ImportReport(dry_run=dry_run)
        self.started = time.monotonic()
        self.paths, self.dry_run, self.encoding = paths, dry_run, encoding
        self.batch_size, self.on_rejected = batch_size, on_rejected
        self.allow_generated = allow_generated
        self.entries = _load_manifest(manifest) if manifest else None
        self.used_entries = set()  # ids of the manifest entries that matched a file
        self.warned = set()
        self.bar = progress(_total_bytes(paths)) if progress else None
        self.done_bytes = 0
        aliases = Gazetteer.aliases_from_database()
        self.gazetteer = Gazetteer(aliases)
        self.sources = SourceResolver()
        self.writer = None
        self.bulk = None
        self.preparer = Preparer(
            self.gazetteer, aliases, workers=workers or os.cpu_count() or 1, batch_size=batch_size
        )
        self.preparer.furniture = furniture_for_import()
        self.batch = []
        self.written = {}  # source id -> [source name, articles written this run, learned at]
        self.learned_sources = set()

    def run(self):
        report = self.report
        index = get_engine().index
        try:
            with (
                index.bulk_writing(may_rebuild=not self.dry_run) as self.bulk,
                transaction.atomic() if self.dry_run else nullcontext(),
            ):
                self._import_all()
        except _Rollback:
            pass
        except GeneratedRefused as exc:
            report.aborted = str(exc)
        except ImportAborted as exc:
            report.aborted = (
                f"the database refused to write ({exc}); every article written before "
                "is complete, and running the import again completes the rest"
            )
        finally:
            self.preparer.close()
            if self.writer is not None:
                self.writer.close()
            if self.bar:
                self.bar.update(self.done_bytes, report, force=True)
                self.bar.close()
        self._warn_of_unused_manifest_entries()
        if not (self.dry_run or report.aborted) and (report.created or report.updated):
            # Search plans depend on the planner's statistics (0.2 s at 100,000 articles).
            index.analyze()
        if self.writer is not None:
            report.mentions = self.writer.mentions
            report.suggestions = self.writer.book.names
            report.translations = self.writer.stories.translations
            report.copies = self.writer.stories.copies
        report.sources_created = self.sources.created
        report.elapsed = time.monotonic() - self.started
        return report

    def _import_all(self):
        """Everything that writes, inside the run's transaction (rolled back on a dry run)."""
        self.writer = BatchWriter(
            self.gazetteer, self.sources, allow_generated=self.allow_generated
        )
        for item in walk(self.paths):
            if isinstance(item, tuple):
                self.report.skipped_files += 1
            elif isinstance(item, Rejection):
                self.reject(item.where, item.reason)
            else:
                self._import_file(item)
        self.take(self.preparer.finish())
        if self.batch:
            self.flush()
        # The run's first articles of a source were cleaned before its furniture was known.
        self.learned_sources.update(learn_furniture(self.written))
        self.report.furniture_learned = len(self.learned_sources)
        self.report.recleaned = reclean_articles(list(self.written)).changed
        if self.dry_run:
            raise _Rollback

    def _import_file(self, item):
        report = self.report
        report.files += 1
        extra = manifest_fields(self.entries, item.name)
        if extra is not None:
            self.used_entries.add(id(extra))
        for record in read_records(item, encoding=self.encoding):
            if isinstance(record, Rejection):
                self.reject(record.where, record.reason)
                continue
            report.records += 1
            if extra and record.single:
                record.fields = {**record.fields, **extra}
            self.take(self.preparer.add(record))
            if self.bar:
                self.bar.update(self.done_bytes, report)
        with suppress(OSError):
            self.done_bytes += item.path.stat().st_size
        if self.bar:
            self.bar.update(self.done_bytes, report)

    def warn(self, key, message):
        if key not in self.warned:
            self.warned.add(key)
            self.report.warnings.append(message)

    def reject(self, where, reason):
        self.report.reject(where, reason)
        if self.on_rejected:
            self.on_rejected(where, reason)

    def take(self, ready):
        """Records the preparer has finished: rejections counted, the rest batched."""
        results, warnings = ready
        for key, message in warnings:
            self.warn(key, message)
        for result in results:
            if isinstance(result, Rejection):
                self.reject(result.where, result.reason)
            else:
                self.batch.append(result)
            if len(self.batch) >= self.batch_size:
                self.flush()

    def flush(self):
        """Write the batch and count what became of each record."""
        report = self.report
        for outcome in self.writer.write(self.batch):
            if outcome.action == "rejected":
                self.reject(outcome.prepared.where, outcome.detail)
            elif outcome.action == "duplicate":
                report.duplicate_count += 1
                if len(report.duplicates) < KEEP_LISTED:
                    report.duplicates.append((outcome.prepared.where, outcome.detail))
            else:
                setattr(report, outcome.action, getattr(report, outcome.action) + 1)
                source_id = outcome.prepared.source_id
                if source_id is not None and outcome.action != "unchanged":
                    entry = self.written.setdefault(
                        source_id, [outcome.prepared.source_name, 0, LEARN_MIN_ARTICLES // 2]
                    )
                    entry[1] += 1
        self.batch.clear()
        forget_logged_statements()
        self.bulk.articles_created(report.created)
        self.learn_as_sources_grow()

    def learn_as_sources_grow(self):
        """Learn a source's furniture each time the articles written for it
        double, from LEARN_MIN_ARTICLES to about half LEARN_SAMPLE, and clean
        what is prepared next with it."""
        written = self.written
        due = [sid for sid, (_, n, at) in written.items() if n >= 2 * at and 2 * at <= LEARN_SAMPLE]
        for source_id, entries in learn_furniture(due).items():
            self.learned_sources.add(source_id)
            self.preparer.furniture[source_key(written[source_id][0])] = (
                furniture_digest(entries),
                entries,
            )
        for source_id in due:
            written[source_id][2] = written[source_id][1]

    def _warn_of_unused_manifest_entries(self):
        if not self.entries:
            return
        unused = [
            name for name, fields in self.entries.items() if id(fields) not in self.used_entries
        ]
        if unused:
            self.warn(
                "manifest",
                f"{len(unused)} manifest entr{'y' if len(unused) == 1 else 'ies'} matched no "
                f"file: {', '.join(unused[:5])}{'…' if len(unused) > 5 else ''}",
            )
