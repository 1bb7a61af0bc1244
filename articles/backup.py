"""Back up the whole archive to one file, and restore it into an empty database.

The file is JSON Lines, gzip-compressed when its name ends in ``.gz``.  The
first line is a header::

    {"format": "war-analysis-archive-backup", "format_version": 1,
     "archive_version": "0.1.0", "created": "2025-01-31T12:00:00+00:00",
     "database": "postgresql", "migrations": {"articles": ["0001_initial", ...]},
     "counts": {"articles.article": 1234, ...}}

and every further line is one database row in Django's serialization format
(``{"model": ..., "pk": ..., "fields": {...}}``), model by model, in primary-key
order.  References to content types, permissions, users and groups are written
by natural key, so they survive a database whose own rows of those tables were
numbered differently.

What is in it: every row of every installed app's models, discovered from the
app registry, so that models added later are included without a change here.
That covers articles, sources, the gazetteer and its aliases, mentions,
suggestions, editors' history, and also the editors' accounts (users with their
password hashes, and groups) and Django admin's change log: a backup that
restores the archive but not who may edit it, or not who changed what, would not
be a backup.  The file is therefore as confidential as the database itself.

What is left out, because ``migrate`` recreates it or it is worthless after a
restore: content types, permissions and sessions.
"""

import datetime
import gzip
import io
import json
import os
import zlib
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from .search import get_engine
from .version import archive_version

FORMAT = "war-analysis-archive-backup"
FORMAT_VERSION = 1
BATCH_SIZE = 1000

LEFT_OUT = {"contenttypes.contenttype", "auth.permission", "sessions.session"}

# Rows that migrations may already have created in an empty database (such as a
# group of editors); they are matched by natural key instead of primary key.
MATCHED_BY_NATURAL_KEY = {"auth.group"}


class BackupError(Exception):
    """Why a backup could not be written or restored, in words for the user."""


def archive_models():
    """The models whose rows make up the archive, those that others refer to by
    natural key first."""
    every_app = [(app_config, None) for app_config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(every_app, allow_cycles=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in LEFT_OUT
    ]


class LosslessJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup keeps microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ArchiveSerializer(jsonl.Serializer):
    """Django's JSON Lines, made exact and repeatable: full-precision times,
    sorted keys and sorted many-to-many values, so that the same data gives the
    same bytes from either database."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs.update(cls=LosslessJSONEncoder, sort_keys=True, separators=(",", ":"))

    def handle_m2m_field(self, obj, field):
        super().handle_m2m_field(obj, field)
        if field.name in self._current:
            self._current[field.name].sort()

    def end_object(self, obj):
        # One json.dumps (the C encoder) and one write per row; json.dump
        # would encode in Python and write piece by piece, several times slower.
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


def applied_migrations():
    applied = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _rows(model):
    natural_refs = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and hasattr(field.related_model, "natural_key")
    ]
    rows = model._base_manager.order_by("pk")
    if natural_refs:
        rows = rows.select_related(*natural_refs)
    return rows.iterator(chunk_size=2000)


def _open_for_writing(path, *, compressed):
    if compressed:
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=6)
    return open(path, "w", encoding="utf-8")


def export_archive(path):
    """Write the whole archive to ``path`` and return the header written.

    Rows are streamed, so memory stays flat however large the archive.  The file
    appears under its name only once complete."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose another name or remove it first.")
    partial = path.with_name(path.name + ".partial")
    models = archive_models()
    try:
        compressed = path.suffix == ".gz"
        engine = get_engine()
        with (
            engine.index.consistent_reads(),
            _open_for_writing(partial, compressed=compressed) as stream,
        ):
            header = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "archive_version": archive_version(),
                "created": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": engine.name,
                "migrations": applied_migrations(),
                "counts": {m._meta.label_lower: m._base_manager.count() for m in models},
            }
            stream.write(json.dumps(header, sort_keys=True) + "\n")
            for model in models:
                ArchiveSerializer().serialize(
                    _rows(model),
                    stream=stream,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=model._meta.label_lower in MATCHED_BY_NATURAL_KEY,
                )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return header


class BackupReader:
    """The header and then the rows of a backup file, counting lines so that an
    error can say where it is."""

    def __init__(self, stream, name):
        self.stream = stream
        self.name = name
        self.line = 0
        self.header = self._header()

    def _next_line(self):
        try:
            text = next(self.stream, None)
        except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
            raise BackupError(f"{self.name} is damaged or cut short: {exc}") from exc
        if text is not None:
            self.line += 1
        return text

    def _header(self):
        text = self._next_line()
        try:
            header = json.loads(text or "")
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise BackupError(f"{self.name} is not an archive backup (no backup header).")
        if header.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{self.name} is in backup format version {header.get('format_version')}; "
                f"this version of the archive reads version {FORMAT_VERSION}."
            )
        return header

    def __iter__(self):
        while (text := self._next_line()) is not None:
            if not text.strip():
                continue
            try:
                yield json.loads(text)
            except ValueError as exc:
                raise BackupError(f"{self.name}, line {self.line}: not JSON ({exc}).") from exc


@contextmanager
def _read(path):
    """A BackupReader over the file at ``path``, compressed or not."""
    path = Path(path)
    with ExitStack() as files:
        try:
            raw = files.enter_context(open(path, "rb"))
        except OSError as exc:
            raise BackupError(f"Cannot read {path}: {exc.strerror}.") from exc
        compressed = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        binary = files.enter_context(gzip.GzipFile(fileobj=raw)) if compressed else raw
        yield BackupReader(io.TextIOWrapper(binary, encoding="utf-8"), path.name)


def _check_migrations(header):
    applied = {(app, name) for app, names in applied_migrations().items() for name in names}
    if not applied:
        raise BackupError("This database has no tables yet: run `manage.py migrate`, then restore.")
    missing = [
        f"{app}.{name}"
        for app, names in header.get("migrations", {}).items()
        for name in names
        if (app, name) not in applied
    ]
    if missing:
        raise BackupError(
            f"The backup was made with {len(missing)} migration(s) this database lacks "
            f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}). Run "
            "`manage.py migrate` with this or a newer version of the archive first."
        )


def _check_empty(models):
    present = [
        f"{count} {model._meta.verbose_name_plural}"
        for model in models
        if model._meta.label_lower not in MATCHED_BY_NATURAL_KEY
        and (count := model._base_manager.count())
    ]
    if present:
        raise BackupError(
            f"The database is not empty: it holds {', '.join(present)}. Restore into a "
            "new database: create it, run `manage.py migrate`, then restore."
        )


def _reset_sequences(models):
    """Make the next new row's id follow the restored ones (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _insert_raw(rows):
    """Insert deserialized rows of one model exactly as they are, in batches.

    This is what loaddata's ``save_base(raw=True)`` does row by row (no custom
    ``save()``, no ``auto_now``), as one INSERT per batch; model signals are
    not sent."""
    model = type(rows[0].object)
    fields = [field for field in model._meta.local_concrete_fields if not field.generated]
    objects = [row.object for row in rows]
    batch_size = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, objects)))
    for start in range(0, len(objects), batch_size):
        model._base_manager._insert(objects[start : start + batch_size], fields=fields, raw=True)
    for row in rows:
        for accessor, values in (row.m2m_data or {}).items():
            getattr(row.object, accessor).set(values)


def _load_rows(backup, models):
    """Write the backup's rows, a batch at a time; return how many of each model.

    A batch is written before the next model's first row is read, so that rows
    referring to it by natural key (a log entry to its user) find it."""
    restorable = {model._meta.label_lower for model in models}
    counts, batch, with_forward_references = Counter(), [], []
    try:
        for record in backup:
            label = record.get("model")
            if label not in restorable:
                raise BackupError(f"{backup.name}, line {backup.line}: {label} is not restored.")
            if batch and (len(batch) == BATCH_SIZE or batch[0].object._meta.label_lower != label):
                _insert_raw(batch)
                batch = []
            for row in Deserializer([record], handle_forward_references=True):
                counts[label] += 1
                if row.deferred_fields:
                    with_forward_references.append(row)
                if label in MATCHED_BY_NATURAL_KEY:
                    row.save()
                else:
                    batch.append(row)
        if batch:
            _insert_raw(batch)
        for row in with_forward_references:
            row.save_deferred_fields()
    except (DeserializationError, DatabaseError, ValueError) as exc:
        raise BackupError(f"{backup.name}, near line {backup.line}: {exc}") from exc
    return counts


def restore_archive(path):
    """Load the backup at ``path`` into this empty, migrated database, all or
    nothing, and return the number of rows restored per model."""
    models = archive_models()
    with _read(path) as backup:
        _check_migrations(backup.header)
        with transaction.atomic():
            _check_empty(models)
            with connection.constraint_checks_disabled():
                counts = _load_rows(backup, models)
            try:
                connection.check_constraints(table_names=[m._meta.db_table for m in models])
            except DatabaseError as exc:
                raise BackupError(f"{backup.name} refers to rows it does not hold: {exc}") from exc
            expected = {label: n for label, n in backup.header.get("counts", {}).items() if n}
            if dict(counts) != expected:
                raise BackupError(
                    f"{backup.name} is incomplete: its header promises {expected}, "
                    f"it holds {dict(counts)}. Nothing was restored."
                )
            _reset_sequences(models)
    return counts
