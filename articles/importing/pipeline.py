"""The import run: read, prepare (in worker processes for big runs), write."""

import os
import time
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field

from django.db import transaction

from ..linking import Gazetteer
from ..search import get_engine
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
    report = ImportReport(dry_run=dry_run)
    started = time.monotonic()
    entries = None
    if manifest:
        try:
            entries = load_manifest(manifest)
        except (FileRejected, OSError) as exc:
            raise ManifestError(f"{manifest}: {exc}") from None
    used_entries = set()
    warned = set()

    def warn(key, message):
        if key not in warned:
            warned.add(key)
            report.warnings.append(message)

    def reject(where, reason):
        report.reject(where, reason)
        if on_rejected:
            on_rejected(where, reason)

    bar = progress(_total_bytes(paths)) if progress else None
    done_bytes = 0
    aliases = Gazetteer.aliases_from_database()
    gazetteer = Gazetteer(aliases)
    sources = SourceResolver()
    writer = None
    preparer = Preparer(
        gazetteer, aliases, workers=workers or os.cpu_count() or 1, batch_size=batch_size
    )
    preparer.furniture = furniture_for_import()
    batch = []
    written = {}  # source id -> [source name, articles written this run, learned at]
    learned_sources = set()

    def learn_as_sources_grow():
        """Learn a source's furniture each time the articles written for it
        double, from LEARN_MIN_ARTICLES to about half LEARN_SAMPLE, and clean
        what is prepared next with it."""
        due = [sid for sid, (_, n, at) in written.items() if n >= 2 * at and 2 * at <= LEARN_SAMPLE]
        for source_id, entries in learn_furniture(due).items():
            learned_sources.add(source_id)
            preparer.furniture[source_key(written[source_id][0])] = (
                furniture_digest(entries),
                entries,
            )
        for source_id in due:
            written[source_id][2] = written[source_id][1]

    def take(ready):
        results, warnings = ready
        for key, message in warnings:
            warn(key, message)
        for result in results:
            if isinstance(result, Rejection):
                reject(result.where, result.reason)
            else:
                batch.append(result)
            if len(batch) >= batch_size:
                flush()

    def flush():
        for outcome in writer.write(batch):
            if outcome.action == "rejected":
                reject(outcome.prepared.where, outcome.detail)
            elif outcome.action == "duplicate":
                report.duplicate_count += 1
                if len(report.duplicates) < KEEP_LISTED:
                    report.duplicates.append((outcome.prepared.where, outcome.detail))
            else:
                setattr(report, outcome.action, getattr(report, outcome.action) + 1)
                source_id = outcome.prepared.source_id
                if source_id is not None and outcome.action != "unchanged":
                    entry = written.setdefault(
                        source_id, [outcome.prepared.source_name, 0, LEARN_MIN_ARTICLES // 2]
                    )
                    entry[1] += 1
        batch.clear()
        learn_as_sources_grow()

    index = get_engine().index
    try:
        with index.bulk_writing(), transaction.atomic() if dry_run else nullcontext():
            writer = BatchWriter(gazetteer, sources, allow_generated=allow_generated)
            for item in walk(paths):
                if isinstance(item, tuple):
                    report.skipped_files += 1
                    continue
                if isinstance(item, Rejection):
                    reject(item.where, item.reason)
                    continue
                report.files += 1
                extra = manifest_fields(entries, item.name)
                if extra is not None:
                    used_entries.add(id(extra))
                for record in read_records(item, encoding=encoding):
                    if isinstance(record, Rejection):
                        reject(record.where, record.reason)
                        continue
                    report.records += 1
                    if extra and record.single:
                        record.fields = {**record.fields, **extra}
                    take(preparer.add(record))
                    if bar:
                        bar.update(done_bytes, report)
                with suppress(OSError):
                    done_bytes += item.path.stat().st_size
                if bar:
                    bar.update(done_bytes, report)
            take(preparer.finish())
            if batch:
                flush()
            # The run's first articles of a source were cleaned before its furniture was known.
            learned_sources.update(learn_furniture(written))
            report.furniture_learned = len(learned_sources)
            report.recleaned = reclean_articles(list(written)).changed
            if dry_run:
                raise _Rollback
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
        preparer.close()
        if writer is not None:
            writer.close()
        if bar:
            bar.update(done_bytes, report, force=True)
            bar.close()
    if entries:
        unused = [name for name, fields in entries.items() if id(fields) not in used_entries]
        if unused:
            warn(
                "manifest",
                f"{len(unused)} manifest entr{'y' if len(unused) == 1 else 'ies'} matched no "
                f"file: {', '.join(unused[:5])}{'…' if len(unused) > 5 else ''}",
            )
    if not (dry_run or report.aborted) and (report.created or report.updated):
        # Search plans depend on the planner's statistics (0.2 s at 100,000 articles).
        index.analyze()
    if writer is not None:
        report.mentions = writer.mentions
        report.suggestions = writer.book.names
        report.translations = writer.stories.translations
        report.copies = writer.stories.copies
    report.sources_created = sources.created
    report.elapsed = time.monotonic() - started
    return report
