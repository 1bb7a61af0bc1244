"""From a record as read (any format) to an article ready to save.

Field names are the same in every format: ``title``, ``body`` (or ``text``),
``lede``, ``source``, ``authors``, ``url``, ``published``, ``language``,
``tags``, ``generated`` (true for the corpus generator's made-up articles).
A value of the wrong shape (a date that is no date, a URL that is no URL)
rejects the record with the field's name and the value: the archive never
stores a guess.
"""

import contextlib
import datetime
import email.utils
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..linking import article_text
from ..models import Article, Language
from ..search.vocabulary import article_words
from .cleaning import clean_text
from .language import detect_language, language_code
from .signatures import signature
from .structure import written_date
from .suggestions import find_candidates

FIELDS = frozenset(
    ["title", "body", "text", "lede", "source", "authors", "url", "published", "language", "tags"]
    + ["translation_of", "original_url", "generated"]
)
_TRUE = frozenset(["true", "1", "yes"])
_FALSE = frozenset(["false", "0", "no", ""])
_LIST_SEPARATORS = re.compile(r"\s*(?:[;|,]|\s&\s|\sand\s)\s*")
_BY = re.compile(r"(?i)^by\s+")
_DATE_FORMATS = [
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
]
# A date field's label ("Updated March 4, 2022", "Published: 4 March 2022", "Оновлено …").
_DATE_LABEL = re.compile(
    r"(?i)^(?:last\s+)?(?:updated|published|posted|modified|date|оновлено|опубліковано"
    r"|обновлено|опубликовано|дата)(?:\s+(?:on|at))?\s*:?\s+"
)
# A Unix time stamp: seconds (9 or 10 digits) or milliseconds (12 or 13).
_TIMESTAMP = re.compile(r"(?P<seconds>\d{9,10}|(?P<ms>\d{12,13}))(?:\.\d+)?")
_validate_url = URLValidator(schemes=["http", "https"])


@dataclass
class Analysis:
    """What the gazetteer finds in an article: mention counts by entity id
    (outlets by source id), and the candidate names it does not know (see
    :mod:`.suggestions`); and the article's vocabulary words (see
    :func:`~articles.search.vocabulary.article_words`)."""

    actors: dict
    locations: dict
    sources: dict
    candidates: dict
    words: str


def analyse(prepared, gazetteer):
    """Link a prepared article's text and find its candidate names, in one
    scan, and its vocabulary words: CPU work that the preparing workers do
    beside the writer."""
    text = article_text(prepared)
    scan = gazetteer.scan(text)
    read = len(prepared.lede) + 1 + len(prepared.body)  # the lede and body: see article_text
    candidates = find_candidates(scan, text, read)
    words = article_words(prepared.lede, prepared.body, scan.folded[: scan.words_before(read)])
    return Analysis(scan.actors, scan.locations, scan.sources, candidates, words)


class RecordError(ValueError):
    """A record that cannot become an article; the message says why."""


@dataclass
class Prepared:
    """One article as the import will save it."""

    where: str
    provenance: str
    single: bool
    title: str
    lede: str
    body: str
    captions: list
    source_name: str
    authors: list
    url: str
    published: datetime.date | None
    language: str
    tags: list
    content_hash: str
    word_count: int
    generated: bool = False
    source_id: int | None = None
    analysis: "Analysis | None" = None
    search_vector: str | None = None  # see SearchIndex.search_vectors
    story_key: int | None = None  # set by the writer, see writer.StoryGrouper
    translation_of: str = ""  # the URL of the article this one translates
    signature: list = field(default_factory=list)  # near-copy bands, see .signatures
    furniture: list = field(default_factory=list)  # see .structure
    cleaned_with: str = ""  # the digest of the source furniture applied

    @property
    def key(self):
        """What identifies the article across runs when its text changes."""
        return self.url or (self.provenance if self.single else None)


def _text(value, name, *, limit=None):
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RecordError(f"{name}: expected text, found {type(value).__name__}")
    value = " ".join(value.split()) if name != "body" else value
    if limit and len(value) > limit:
        raise RecordError(f"{name}: {len(value)} characters, at most {limit}")
    return value


def _list(value, name):
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = _LIST_SEPARATORS.split(value)
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise RecordError(f"{name}: expected a list or text, found {type(value).__name__}")
    result = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name", "")
        if not isinstance(item, str | int | float):
            raise RecordError(f"{name}: expected names, found {type(item).__name__}")
        item = _BY.sub("", " ".join(str(item).split())) if name == "authors" else str(item).strip()
        if name == "authors" and item.isupper() and " " in item:
            item = item.title()  # "By OLENA ROE", as a byline in capitals is read
        if item and item not in result:
            result.append(item[:200])
    return result


def _flag(value, name):
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().casefold()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise RecordError(f"{name}: {value!r} is not true or false")


def parse_date(value):
    """A date from ISO 8601, RFC 2822, a written-out date (after a label such as
    "Updated"), YYYY/MM/DD or a Unix time stamp; None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RecordError(f"published: expected a date, found {type(value).__name__}")
    text = value.strip()
    date = _timestamp_date(text) or _written_out_date(_DATE_LABEL.sub("", text))
    if date is None:
        raise RecordError(f"published: {text!r} is not a date (use YYYY-MM-DD)")
    if date.year < 1900 or date > datetime.date.today() + datetime.timedelta(days=1):
        raise RecordError(f"published: {date.isoformat()} is not a plausible publication date")
    return date


def _timestamp_date(text):
    """The UTC date of a Unix time stamp in seconds or milliseconds, or None."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    seconds = float(text) / (1000 if match.group("ms") else 1)
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).date()


def _written_out_date(text):
    date = None
    try:
        date = datetime.datetime.fromisoformat(text).date()
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                date = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            with contextlib.suppress(TypeError, ValueError, IndexError):
                date = email.utils.parsedate_to_datetime(text).date()
            if date is None:
                date = written_date(text)
    return date


def _url(value, name="url"):
    url = _text(value, name, limit=500).strip()
    if url:
        try:
            _validate_url(url)
        except ValidationError:
            raise RecordError(f"{name}: {url!r} is not an http(s) URL") from None
    return url


def prepare(raw, *, warn, furniture=None, gazetteer=None):
    """A :class:`Prepared` article from a :class:`~.readers.RawRecord`.

    ``warn(key, message)`` reports something worth knowing once per run
    (an unknown field); ``furniture``: the sources' known furniture (see
    :func:`.cleaning.clean_text`); ``gazetteer``: tells a dateline's place
    from an organisation's name.  Raises :class:`RecordError`.
    """
    fields = {}
    for name, value in raw.fields.items():
        folded = str(name).strip().casefold()
        if folded in FIELDS:
            fields[folded] = value
        else:
            warn(("field", folded), f"unknown field {name!r} ignored (first in {raw.where})")
    body = fields.get("body")
    if body in (None, ""):
        body = fields.get("text")
    if body is None or (isinstance(body, str) and not body.strip()):
        raise RecordError("no text: the record has no 'body' or 'text', or it is empty")
    body = _text(body, "body")
    authors = _list(fields.get("authors"), "authors")
    published = parse_date(fields.get("published"))
    source_name = _text(fields.get("source"), "source", limit=200)
    url = _url(fields.get("url"))

    clean = clean_text(
        body,
        title=_text(fields.get("title"), "title", limit=300),
        lede=_text(fields.get("lede"), "lede"),
        authors=authors,
        published=published,
        source=source_name,
        furniture=furniture,
        url=url,
        name_kinds=gazetteer.kinds_named if gazetteer is not None else None,
    )
    if not clean.body:
        raise RecordError("no text left once the headline and site furniture are removed")

    if fields.get("language") in (None, ""):
        language = detect_language(clean.body)
    else:
        language = language_code(fields["language"])
        if language is None:
            known = ", ".join(Language.values)
            raise RecordError(f"language: {fields['language']!r} is not one of {known}")

    translation_of = _url(fields.get("translation_of"), "translation_of") or _url(
        fields.get("original_url"), "original_url"
    )
    return Prepared(
        where=raw.where,
        provenance=raw.provenance[:500],
        single=raw.single,
        title=clean.title,
        lede=clean.lede,
        body=clean.body,
        captions=clean.captions,
        source_name=source_name or clean.publisher,
        authors=authors or [name[:200] for name in clean.authors],
        url=url,
        published=published or clean.published,
        language=language,
        tags=_list(fields.get("tags"), "tags"),
        generated=_flag(fields.get("generated"), "generated"),
        content_hash=Article.hash_content(clean.title, clean.body),
        word_count=len(clean.body.split()),
        translation_of="" if translation_of == url else translation_of,
        signature=signature(clean.body),
        furniture=clean.furniture,
        cleaned_with=clean.cleaned_with,
    )
