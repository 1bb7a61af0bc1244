"""Reading files: which files a run takes, how they are decoded, and the
records each format holds.

Every reader is a generator that yields :class:`RawRecord` or
:class:`Rejection` and holds at most one record (plus a read buffer) in
memory, so a JSON Lines, JSON or CSV file of any size streams.
"""

import codecs
import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
}
# Files a folder holds beside its articles; skipped when walking a folder
# (a file named on the command line is always read).
NOT_ARTICLES = re.compile(r"(?i)^(readme|license|licence|changelog|manifest)(\.[\w.]+)?$")

MAX_TEXT_FILE = 20 * 1024 * 1024  # one article a file: anything larger is not an article
MAX_RECORD = 16 * 1024 * 1024  # one JSON value inside an array
CHUNK = 1024 * 1024

_BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"{\\rtf": "an RTF document",
}
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


@dataclass
class RawRecord:
    fields: dict
    where: str  # for messages: the path as given, with line or record number
    provenance: str  # stored on the article: the path inside the import root (+ record)
    single: bool  # the only article of its file, so the file identifies it


@dataclass
class Rejection:
    where: str
    reason: str


class FileRejected(Exception):
    """A whole file cannot be read; the message says why."""


@dataclass
class SourceFile:
    path: Path
    name: str  # relative to the folder it was found in, or its own name
    format: str | None


def walk(paths):
    """Yield a :class:`SourceFile` for each file to read and a :class:`Rejection`
    for each path that does not exist; also a count of skipped files (not
    articles) as ``("skipped", path)`` tuples."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk_folder(path, path)
        elif path.is_file():
            yield SourceFile(path, path.name, FORMATS.get(path.suffix.lower()))
        else:
            yield Rejection(str(path), "no such file or folder")


def _walk_folder(root, folder):
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield Rejection(str(folder), f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk_folder(root, path)
        elif entry.is_file():
            fmt = FORMATS.get(path.suffix.lower())
            if fmt is None or NOT_ARTICLES.match(entry.name):
                yield ("skipped", path)
            else:
                yield SourceFile(path, path.relative_to(root).as_posix(), fmt)


# --- decoding ---------------------------------------------------------------


def sniff_encoding(path, fallback=None):
    """The encoding to read ``path`` with: from its BOM, else UTF-8 when the
    whole file is valid UTF-8, else ``fallback`` if the user gave one.
    Raises :class:`FileRejected` for empty, binary or undecodable files."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
        if not head:
            raise FileRejected("empty file")
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                return encoding
        for signature, what in _BINARY_SIGNATURES.items():
            if head.startswith(signature):
                raise FileRejected(f"binary file ({what}), not text")
        if b"\x00" in head:
            raise FileRejected("binary file (contains NUL bytes), not text")
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if fallback:
                return fallback
            position = offset + exc.start
            raise FileRejected(
                f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {position}); "
                "re-save it as UTF-8 or name its encoding with --encoding"
            ) from None
    return "utf-8"


def read_text(path, fallback=None):
    size = path.stat().st_size
    if size > MAX_TEXT_FILE:
        raise FileRejected(f"{size:,} bytes is too large for one article")
    encoding = sniff_encoding(path, fallback)
    try:
        return path.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileRejected(f"cannot be decoded as {encoding}: {exc.reason}") from None


def open_text(path, fallback=None, newline=None):
    encoding = sniff_encoding(path, fallback)
    return open(path, encoding=encoding, newline=newline)


# --- formats ----------------------------------------------------------------


def read_records(source, *, encoding=None):
    """Yield the records of one file (and rejections for those that are bad)."""
    reader = {
        "text": _read_text_file,
        "markdown": _read_markdown,
        "jsonl": _read_jsonl,
        "json": _read_json,
        "csv": _read_csv,
    }.get(source.format)
    if reader is None:
        yield Rejection(str(source.path), f"unsupported file type {source.path.suffix or '(none)'}")
        return
    try:
        yield from reader(source, encoding)
    except FileRejected as exc:
        yield Rejection(str(source.path), str(exc))
    except OSError as exc:
        yield Rejection(str(source.path), f"cannot read: {exc.strerror or exc}")


def _read_text_file(source, encoding):
    text = read_text(source.path, encoding)
    yield RawRecord({"body": text}, str(source.path), source.name, single=True)


_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(text):
    """The prose of a Markdown body: images dropped, links and headings as text."""
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)


def _read_markdown(source, encoding):
    text = read_text(source.path, encoding).replace("\r\n", "\n").lstrip("\ufeff")
    fields = {}
    if text.startswith("---\n"):
        end = _FRONT_MATTER_END.search(text, 4)
        if end is None:
            raise FileRejected("front matter opened with --- but never closed")
        try:
            meta = yaml.safe_load(text[4 : end.start()])
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" at line {mark.line + 2}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise FileRejected(f"invalid YAML front matter{line}: {problem}") from None
        if meta is not None and not isinstance(meta, dict):
            raise FileRejected("front matter is not a set of 'field: value' lines")
        fields.update(meta or {})
        text = text[end.end() :]
    fields["body"] = markdown_to_text(text)
    yield RawRecord(fields, str(source.path), source.name, single=True)


def _read_jsonl(source, encoding):
    with open_text(source.path, encoding) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            where = f"{source.path}:{number}"
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Rejection(where, f"broken JSON line: {exc.msg} at character {exc.pos + 1}")
                continue
            if not isinstance(value, dict):
                yield Rejection(where, f"expected a JSON object, found {_json_type(value)}")
                continue
            yield RawRecord(value, where, f"{source.name}:{number}", single=False)


def _json_type(value):
    return {list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _read_json(source, encoding):
    with open_text(source.path, encoding) as stream:
        values = iter_json_values(stream)
        for number, (line, value) in enumerate(values, start=1):
            where = f"{source.path} record {number} (line {line})"
            if not isinstance(value, dict):
                yield Rejection(where, f"expected a JSON object, found {_json_type(value)}")
                continue
            yield RawRecord(value, where, f"{source.name}#{number}", single=False)


_WHITESPACE = re.compile(r"[ \t\r\n]*")


def iter_json_values(stream):
    """``(line, value)`` for one top-level JSON object, or for each element of a
    top-level array, reading the stream in chunks so that a large array never
    sits in memory whole."""
    decoder = json.JSONDecoder()
    buffer, pos, line, eof = "", 0, 1, False

    def fill():
        nonlocal buffer, pos, eof
        chunk = stream.read(CHUNK)
        if not chunk:
            eof = True
        buffer = buffer[pos:] + chunk
        pos = 0

    def skip_whitespace():
        nonlocal pos, line
        while True:
            end = _WHITESPACE.match(buffer, pos).end()
            line += buffer.count("\n", pos, end)
            pos = end
            if pos < len(buffer) or eof:
                return
            fill()

    def value():
        nonlocal pos, line
        while True:
            try:
                result, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as exc:
                if eof or len(buffer) - pos > MAX_RECORD:
                    at = line + buffer.count("\n", pos, exc.pos)
                    raise FileRejected(
                        f"broken JSON at line {at}: {exc.msg}; the records before it were read"
                    ) from None
                fill()
                continue
            if end == len(buffer) and not eof:
                fill()  # a number may continue in the next chunk
                continue
            line += buffer.count("\n", pos, end)
            pos = end
            return result

    fill()
    skip_whitespace()
    if buffer[pos : pos + 1] != "[":
        start = line
        result = value()
        skip_whitespace()
        if pos < len(buffer):
            raise FileRejected(f"unexpected text after the JSON value at line {line}")
        yield start, result
        return
    pos += 1
    skip_whitespace()
    if buffer[pos : pos + 1] == "]":
        return
    while True:
        skip_whitespace()
        start = line
        yield start, value()
        skip_whitespace()
        separator = buffer[pos : pos + 1]
        if separator == ",":
            pos += 1
        elif separator == "]":
            return
        else:
            raise FileRejected(
                f"broken JSON at line {line}: expected ',' or ']' between records"
                if separator
                else "broken JSON: the array is never closed"
            )


def _read_csv(source, encoding):
    csv.field_size_limit(MAX_TEXT_FILE)
    with open_text(source.path, encoding, newline="") as stream:
        reader = csv.reader(stream)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise FileRejected(f"broken CSV header: {exc}") from None
        if not header:
            raise FileRejected("empty CSV: no header row")
        header = [name.strip().lstrip("\ufeff").casefold() for name in header]
        if "body" not in header and "text" not in header:
            raise FileRejected(
                f"the CSV header has no 'body' or 'text' column (columns: {', '.join(header)})"
            )
        while True:
            line = reader.line_num + 1  # where the row starts; it may span lines
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileRejected(f"broken CSV at line {reader.line_num}: {exc}") from None
            where = f"{source.path}:{line}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield Rejection(
                    where,
                    f"{len(row)} fields where the header has {len(header)} ({', '.join(header)})",
                )
                continue
            fields = dict(zip(header, row, strict=True))
            yield RawRecord(fields, where, f"{source.name}:{line}", single=False)


def load_manifest(path):
    """``{file name: fields}`` from a CSV (a ``file`` column) or JSON manifest
    (an object keyed by file name, or an array of objects with ``file``)."""
    path = Path(path)
    source = SourceFile(path, path.name, FORMATS.get(path.suffix.lower()))
    if source.format not in ("csv", "json", "jsonl"):
        raise FileRejected("a manifest is a .csv or .json file")
    entries = {}
    if source.format == "json":
        with open_text(path) as stream:
            data = [value for _, value in iter_json_values(stream)]
        if len(data) == 1 and isinstance(data[0], dict) and "file" not in data[0]:
            rows = [{"file": name, **fields} for name, fields in data[0].items()]
        else:
            rows = data
    else:
        with open_text(path, newline="") as stream:
            rows = list(csv.DictReader(stream))
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise FileRejected(f"entry {number} is not an object")
        row = {str(k).strip().casefold(): v for k, v in row.items() if k is not None}
        name = row.pop("file", None) or row.pop("filename", None) or row.pop("path", None)
        if not name:
            raise FileRejected(f"entry {number} names no file (a 'file' column or key)")
        entries[Path(str(name).strip()).as_posix()] = {
            k: v for k, v in row.items() if v not in (None, "")
        }
    return entries


def manifest_fields(manifest, source_name):
    """The manifest's fields for a file, matched by its relative path or its name."""
    if not manifest:
        return None
    return manifest.get(source_name) or manifest.get(source_name.rsplit("/", 1)[-1])
