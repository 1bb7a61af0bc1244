"""An article's paragraphs sorted into body and furniture, and back.

Cleaning (:mod:`.cleaning`) turns a page into paragraphs; this module then
takes out what is not the article's own running text, keeping each piece
with its place so that nothing is lost:

* a source's learned or editor-added furniture (:class:`~articles.models.SourceFurniture`):
  standing notices and section headings, matched by :func:`fingerprint`;
* a byline at the top (a "By …" line, or a line that restates the authors);
* a dateline at the top ("June 5, 5:15 pm ET", "5 June 2024", "KYIV, June 5 —");
* footnote markers such as ``[12]`` or ``[3][4]``.

The pieces are stored in ``Article.furniture`` as a list of items
``{"kind", "text", "at"}`` (``at``: the paragraph's index among the
original paragraphs; footnotes add ``offset`` in the stripped paragraph, an
inline dateline has ``inline``; an item ``{"kind": "lede", "at": i}``
marks the paragraph that became the lede).  :func:`original_paragraphs`
rebuilds the original exactly from the body, the lede and these items.
Cleaning puts before them the lines it took out as site furniture
(:mod:`.furniture`'s rules: "Sign up to …", image placeholders, teaser
links, a repeated headline), as ``{"kind": "removed", "rule", "text"}``:
kept for editors to see, not placed back.

This module imports no Django code, so worker processes can use it freely.
"""

import datetime
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

NOTICE, HEADING, BYLINE, DATELINE, FOOTNOTE, LEDE = (
    "notice",
    "heading",
    "byline",
    "dateline",
    "footnote",
    "lede",
)
REMOVED = "removed"  # a line cleaning took out by a site-furniture rule
LOCATION = "location"  # the gazetteer's kind of a place (see articles.linking)
WHOLE_PARAGRAPH = (NOTICE, HEADING, BYLINE, DATELINE)
TOP_ZONE = 3  # bylines and datelines are looked for among the first paragraphs only
# An inline dateline ("KYIV, Dec 7 (Reuters) — ") may open the second or third paragraph
# of the text, after a standfirst of paragraphs this short.
STANDFIRST_PARAGRAPHS = 2
STANDFIRST_MAX = 400
FINGERPRINT_MAX = 3000  # longer paragraphs are article text, never furniture

# English, Ukrainian and Russian (as dates write them: "26 липня 2022 року").
_MONTH_NAMES_BY_LANGUAGE = (
    "january|february|march|april|may|june|july|august|september|october|november|december",
    "січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня",
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря",
)
_MONTH_ABBREVIATIONS = "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
_MONTHS = "|".join(_MONTH_NAMES_BY_LANGUAGE) + "|" + _MONTH_ABBREVIATIONS
_MONTH_NUMBER = {
    name: i for names in _MONTH_NAMES_BY_LANGUAGE for i, name in enumerate(names.split("|"), 1)
}
_YEAR_WORD = r"(?:\s+(?:року|р\.|года|г\.))?"  # "2022 року", "2022 г."
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
    "|понеділок|вівторок|середа|четвер|пʼятниця|п'ятниця|п’ятниця|субота|неділя"
    "|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье"
)
# "Updated: …" before a dateline, in English, Ukrainian and Russian.
_STAMPS = "updated|published|posted|оновлено|опубліковано|обновлено|опубликовано"
_DATE = (
    rf"(?:(?:{_WEEKDAYS})\.?,?\s+)?"
    rf"(?:(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month1>{_MONTHS})\.?"
    rf"(?:,?\s+(?P<year1>\d{{4}}){_YEAR_WORD})?"
    rf"|(?P<month2>{_MONTHS})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year2>\d{{4}}))?"
    rf"|(?P<day3>\d{{1,2}})\.(?P<month3>\d{{1,2}})\.(?P<year3>\d{{4}}){_YEAR_WORD}"  # 26.07.2022
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))"
)
_TIME = (
    r"(?:(?:,?\s*(?:(?:at|о|об|в)\s+)?|\s*[-–—|]\s*)"
    r"\d{1,2}(?:[:.]\d{2}\s*(?:[apAP]\.?[mM]\.?)?|\s*[apAP]\.?[mM]\.?)"
    r"(?:\s*(?:[A-Z]{2,4}|(?:GMT|UTC)\s*[+-]?\s*\d{0,2}))?)?"
)
# A time written before the date ("5:30pm ET, December 7, 2026", "14:05 GMT, 7 Dec 2026").
_TIME_FIRST = (
    r"(?:(?:at\s+)?\d{1,2}(?:[:.]\d{2}\s*(?:[apAP]\.?[mM]\.?)?|\s*[apAP]\.?[mM]\.?)"
    r"(?:\s*(?:(?:GMT|UTC)\s*[+-]\s*\d{1,2}|[A-Z]{2,4}))?\s*(?:,|\s[-–—|]|\son)?\s+)?"
)
_PLACE = r"[^\W\d_][^\W\d_'’.\- ]*(?:[ '’.\-][^\W\d_]+){0,3}"
_PLACES = rf"{_PLACE}(?:/{_PLACE})?"  # a wire's two cities ("LONDON/KYIV")
_DATELINE = re.compile(
    rf"(?i:(?:(?:{_STAMPS})\s*:?\s*)?)(?-i:{_TIME_FIRST})(?i:{_DATE})(?-i:{_TIME})\s*\.?",
    re.IGNORECASE,
)
# A place and a date alone ("Kyiv, 4 December 2026"): a dateline among the first
# paragraphs, but a headline when it opens a text ("Eastern Front Assessment, March 3").
_PLACE_AND_DATE = re.compile(rf"(?i:{_PLACE},\s+{_DATE})(?-i:{_TIME})\s*\.?", re.IGNORECASE)
_WRITTEN_DATE = re.compile(rf"(?-i:{_TIME_FIRST}){_DATE}{_TIME}\s*\.?", re.IGNORECASE)
# A place and a date opening the first paragraph, up to a dash.
# The place may name its country or state ("KHARKIV, Ukraine, March 3"); a wire's
# tag may follow the date ("/PRNewswire/", "(Reuters)").
_INLINE_DATELINE = re.compile(
    rf"(?P<place>{_PLACES}(?:,\s+{_PLACE})?),\s+{_DATE}{_TIME}"
    r"\s*(?:\([^)]{1,40}\)\s*|/[^/\n]{2,40}/\s*)?[—–-]+\s+(?=\S)",
    re.IGNORECASE,
)
# A place alone in capitals opening the first paragraph, up to a dash: a
# newspaper's dateline without its date ("KHARKIV, Ukraine — ", "ZAPORIZHZHIA — ",
# "KYIV (Reuters) - ", "КИЇВ — ").  The sentence after it starts with a capital.
_PLACE_DATELINE = re.compile(
    rf"(?P<place>{_PLACES})(?:,\s+{_PLACE}\.?)?\s*(?:\([^)]{{1,40}}\)\s*|/[^/\n]{{2,40}}/\s*)?"
    r"(?:\s*[—–]|\s+--?)\s*(?=[\"“‘«]?[^\W\d_])"
)
PLACE_DATELINE_MIN_LETTERS = 4  # "UN —", "EU —" are a subject and an aside, not a place
# "By Ann Roe and Bo Lee", "Authors: …"; "Автор: Олена Коваль", "Авторы: Анна Ли и Борис Ким".
_BY_LINE = re.compile(r"(?i)(?:by:?|authors?:|автор(?:и|ы|ка)?:)\s+(?P<names>.{2,200})")
_NAME_SEPARATORS = re.compile(
    r"\s*(?:,\s*and\s+|,|;|&|\band\b|\bwith\b|\bі\b|\bта\b|\bй\b|\bи\b)\s*", re.IGNORECASE
)
_NAME = re.compile(r"[^\W\d_][\w’'.\-]*(?:\s+[^\W\d_][\w’'.\-]*){0,4}")
# Where the writers were ("in Kyiv", "in Kyiv and Moscow" at the end): no part of a name.
_WHERE = re.compile(
    r"\s+in\s+[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,2}(?:\s+and\s+[A-Z][\w'’.\-]*$)?"
    r"(?=\s*(?:,|;|&|\band\b|$))"
)
# A byline's parts that name a role or a newsroom, not a person ("Staff Reporter",
# "Kyiv correspondent", "The Associated Press").
_ROLE_WORDS = frozenset(
    [
        "reporter",
        "reporters",
        "correspondent",
        "editor",
        "writer",
        "staff",
        "contributor",
        "columnist",
        "analyst",
        "fellow",
        "director",
        "bureau",
        "press",
        "news",
        "agency",
        "desk",
        "service",
    ]
)
# Footnote marks after a word, " [12]" or "[3][4]": the pattern starts with the
# space or the bracket, and looks behind them, so the engine skips to them fast
# (4 -> 1.3 us a paragraph with a "[", prepare_batch of 3,000 generated records).
_BRACKET_FOOTNOTES = re.compile(
    r"( (?<=[^\s\[] )(?:\[\d{1,3}\])+|\[(?<=[^\s\[]\[)\d{1,3}\](?:\[\d{1,3}\])*)"
)
# Superscript digits ("Svatove.¹²") after punctuation or a word of three letters or
# more ("km²" is a unit); plain digits glued to a sentence's end ("Bakhmut.3 Ukrainian"),
# what a page's <sup>3</sup> becomes when its tags are dropped.  One character class
# first, for the same fast skipping.
_DIGIT_FOOTNOTES = re.compile(
    r"([0-9⁰¹²³⁴-⁹](?:"
    r"(?:(?<=[^\W\d_]{3}[⁰¹²³⁴-⁹])|(?<=[.,;:!?\"'”’»)][⁰¹²³⁴-⁹]))[⁰¹²³⁴-⁹]*"
    r"|(?:(?<=[^\W\d_]{3}[.,;:!?][0-9])|(?<=[^\W\d_][.,!?][\"”’»)][0-9]))[0-9]{0,2}(?=\s|$)))"
)
# What a press release ends with: a section about its publisher ("About Acme
# Relief"), then contacts ("Media contact:", "Press enquiries: …", "Notes to editors").
_ABOUT_HEADING = re.compile(r"(?:About|ABOUT)\s+[^\W\d_].{1,80}")
_CONTACT_HEADING = re.compile(
    r"(?:(?:media|press|news)\s+)?(?:contacts?|enquiries|inquiries)(?:\s+(?:information|details|us))?"
    r"\s*(?::.{0,200})?|for (?:further|more) information,?(?: (?:please )?contact)?\s*:.{0,200}"
    r"|notes? (?:to|for) editors?\s*:?",
    re.IGNORECASE,
)
TRAILER_MAX_ABOUT = 3  # paragraphs an "About …" section may hold before the contacts or the end
TRAILER_PARAGRAPH_MAX = 1000
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
_ASCII_LETTER_RUNS = re.compile(r"[a-z]+")
# Folded out of fingerprints: the English names only, so that the fingerprints
# of furniture learned from Ukrainian and Russian texts stay what they were.
_MONTH_NAMES = frozenset(f"{_MONTH_NAMES_BY_LANGUAGE[0]}|{_MONTH_ABBREVIATIONS}".split("|"))
_SENTENCE_CLOSERS = "\"'”’»)]"


def _fold(text):
    """The words of ``text``, casefolded, without numbers (footnote marks
    included), month names and punctuation."""
    if text.isascii():  # NFKC changes no ASCII, and its letters are a-z once folded
        words = _ASCII_LETTER_RUNS.findall(text.lower())
    else:
        words = _LETTER_RUNS.findall(unicodedata.normalize("NFKC", text).casefold())
    return " ".join(itertools.filterfalse(_MONTH_NAMES.__contains__, words))


def fingerprint(text):
    """A short key under which near-exact repeats of a paragraph meet: case,
    spacing, digits, month names, punctuation and footnote marks folded.
    Empty for text that is too long to be furniture or has no words."""
    if len(text) > FINGERPRINT_MAX:
        return ""
    folded = _fold(text)
    if not folded:
        return ""
    return hashlib.blake2b(folded.encode(), digest_size=16).hexdigest()


def furniture_kind(text):
    """A short line that does not end like a sentence is a heading; anything
    else that recurs is a standing notice."""
    words = text.split()
    stripped = text.rstrip(_SENTENCE_CLOSERS)
    if 1 <= len(words) <= 20 and len(text) <= 160 and stripped[-1:] not in tuple(".,;:…!"):
        return HEADING
    return NOTICE


def furniture_digest(entries):
    """What identifies a source's applied furniture: ``entries`` are
    ``{fingerprint: kind}``; empty when there is none."""
    if not entries:
        return ""
    text = "\n".join(f"{kind}:{fp}" for fp, kind in sorted(entries.items()))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass
class Structured:
    lede: str
    paragraphs: list  # the body's paragraphs
    items: list = field(default_factory=list)  # Article.furniture
    authors: list = field(default_factory=list)  # from a byline, when the record had none
    published: datetime.date | None = None  # from a dateline, when the record had none

    @property
    def body(self):
        return "\n\n".join(self.paragraphs)


def _names(text):
    parts = [part.strip(" .") for part in _NAME_SEPARATORS.split(text)]
    parts = [part for part in parts if part]
    if not parts or not all(_NAME.fullmatch(part) and part[0].isupper() for part in parts):
        return []
    return parts


def _fold_name(name):
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def byline_names(paragraph, authors):
    """The names a byline gives, or None when ``paragraph`` is no byline: a
    "By …" line of names, or a line made only of the record's ``authors``."""
    if len(paragraph) > 250:
        return None
    by = _BY_LINE.fullmatch(paragraph)
    if by:
        names = _names(_WHERE.sub("", by.group("names")))
        if names and all(len(name.split()) <= 5 for name in names):
            return _writers(names)
        return None
    names = _names(_WHERE.sub("", paragraph))
    if not authors:
        return _writers(names) if _reads_as_author_list(names) else None
    known = {_fold_name(author) for author in authors}
    if names and all(_fold_name(name) in known for name in names):
        return names
    return None


def _writers(names):
    """The people among a byline's ``names``: no roles or newsrooms, and no
    one-word name ("Reuters") beside a person's; names in capitals as names."""
    people = [
        name.title() if name.isupper() and " " in name else name
        for name in names
        if name.split()[0].casefold() != "the"
        and not _ROLE_WORDS.intersection(name.casefold().split())
    ]
    if any(" " in name for name in people):
        people = [name for name in people if " " in name]
    return people


def _reads_as_author_list(names):
    """Several people's names ("Ann Roe, Bo Lee, and Cy Day"): two to four
    capitalised words each; one name alone may as well be a heading."""
    return len(names) >= 2 and all(
        2 <= len(words := name.split()) <= 4 and all(word[0].isupper() for word in words)
        for name in names
    )


def is_dateline(line):
    """Whether ``line`` is a dateline alone ("June 5, 5:15 pm ET", "26 липня 2022 року")."""
    return _DATELINE.fullmatch(line) is not None


def written_date(text):
    """The date ``text`` writes out in full ("26 липня 2022 року", "June 5,
    2024, 5:15 pm"), or None."""
    match = _WRITTEN_DATE.fullmatch(text.strip())
    return _date(match, set()) if match else None


def _date(match, context_years):
    if match.group("iso"):
        try:
            return datetime.date.fromisoformat(match.group("iso"))
        except ValueError:
            return None
    if match.group("day3"):
        try:
            date = datetime.date(
                int(match.group("year3")), int(match.group("month3")), int(match.group("day3"))
            )
        except ValueError:
            return None
        return date if _plausible(date) else None
    day = match.group("day1") or match.group("day2")
    month = (match.group("month1") or match.group("month2")).lower()
    year = match.group("year1") or match.group("year2")
    if year is None:
        if len(context_years) != 1:
            return None  # without a year, only an unambiguous one from the context will do
        year = next(iter(context_years))
    number = _MONTH_NUMBER.get(month) or next(
        n for name, n in _MONTH_NUMBER.items() if name.startswith(month[:3])
    )
    try:
        date = datetime.date(int(year), number, int(day))
    except ValueError:
        return None
    return date if _plausible(date) else None


def _plausible(date):
    return date.year >= 1900 and date <= datetime.date.today() + datetime.timedelta(days=1)


def _context_years(context):
    return {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", context or "")}


def _strip_footnotes(paragraph, at, items):
    matches = list(_DIGIT_FOOTNOTES.finditer(paragraph))
    if "[" in paragraph:
        matches = sorted([*matches, *_BRACKET_FOOTNOTES.finditer(paragraph)], key=re.Match.start)
    if not matches:
        return paragraph
    kept, position = [], 0
    for match in matches:
        kept.append(paragraph[position : match.start()])
        offset = sum(map(len, kept))
        items.append({"kind": FOOTNOTE, "text": match.group(1), "at": at, "offset": offset})
        position = match.end()
    kept.append(paragraph[position:])
    return "".join(kept)


def _place_and_date(paragraph):
    """The match of a place-and-date line, or None."""
    if not paragraph[:1].isupper() or len(paragraph) > 80:
        return None
    return _PLACE_AND_DATE.fullmatch(paragraph)


def _place_dateline(paragraph, name_kinds=None):
    """The match of a place-only dateline opening ``paragraph``, or None.
    ``name_kinds(name)``: the kinds of entity the gazetteer knows a name as; a
    name it knows, but never as a location ("NATO — ", "OSCE — "), is no place."""
    match = _PLACE_DATELINE.match(paragraph)
    if match is None or match.end() == len(paragraph):
        return None
    place = match.group("place")
    if not place.isupper() or sum(map(str.isalpha, place)) < PLACE_DATELINE_MIN_LETTERS:
        return None
    if name_kinds is not None and any(
        (kinds := name_kinds(part)) and LOCATION not in kinds for part in place.split("/")
    ):
        return None
    following = paragraph[match.end() :].lstrip('"“‘«')
    return match if following[:1].isupper() else None


def _reads_as_wire_dateline(match):
    """Whether a dated dateline after a standfirst reads as one: its place in
    capitals or a wire's tag after the date ("Kyiv, Dec 7 (Ukrinform) — ")."""
    text = match.group(0)
    return match.group("place").isupper() or "(" in text or text.count("/") >= 2


def _is_heading(paragraph):
    return len(paragraph.split()) <= 10 and paragraph.rstrip(_SENTENCE_CLOSERS)[-1:] not in ".,;…"


def trailer_start(paragraphs):
    """Where a press release's trailer begins (an "About …" section, then
    contacts, to the end), or None: never the first paragraph, never more
    than the text before it."""
    for at in range(1, len(paragraphs)):
        paragraph = paragraphs[at]
        about = _ABOUT_HEADING.fullmatch(paragraph) and _is_heading(paragraph)
        if not about and not _CONTACT_HEADING.fullmatch(paragraph):
            continue
        rest = paragraphs[at:]
        if about:
            contacts = next(
                (i for i, p in enumerate(rest) if i and _CONTACT_HEADING.fullmatch(p)), len(rest)
            )
            if contacts - 1 > TRAILER_MAX_ABOUT:
                continue
        if max(map(len, rest)) <= TRAILER_PARAGRAPH_MAX and sum(map(len, rest)) <= sum(
            map(len, paragraphs[:at])
        ):
            return at
    return None


def structure(
    paragraphs,
    *,
    lede="",
    authors=(),
    published=None,
    furniture=None,
    context="",
    take_lede=None,
    name_kinds=None,
):
    """Sort ``paragraphs`` into the body, a lede and furniture items.

    ``lede``: the record's own lede (then none is taken from the text);
    ``authors``, ``published``: the record's (a byline or dateline fills
    them only when they are empty); ``furniture``: the source's applied
    furniture, ``{fingerprint: kind}``; ``context``: text whose years may
    complete a dateline without one (headline, URL); ``take_lede(paragraph)``:
    whether a first paragraph reads as a lede; ``name_kinds(name)``: the
    kinds of entity the gazetteer knows ``name`` as (see :func:`_place_dateline`).
    """
    items = []
    found_authors, found_date = [], None
    body = []
    first_content = None
    dateline_wanted, standfirsts = True, 0  # an inline dateline: in the first paragraphs, once
    years = None
    trailer = trailer_start(paragraphs)
    for at, paragraph in enumerate(paragraphs):
        if trailer is not None and at >= trailer:
            items.append({"kind": NOTICE, "text": paragraph, "at": at})
            continue
        if at < TOP_ZONE and first_content is None:
            names = byline_names(paragraph, authors)
            if names is not None:
                items.append({"kind": BYLINE, "text": paragraph, "at": at})
                if names and not authors and not found_authors:
                    found_authors = names
                    items[-1]["filled"] = True
                continue
            dateline = _DATELINE.fullmatch(paragraph) or _place_and_date(paragraph)
            if dateline:
                items.append({"kind": DATELINE, "text": paragraph, "at": at})
                if published is None and found_date is None:
                    years = _context_years(context) if years is None else years
                    found_date = _date(dateline, years)
                    if found_date is not None:
                        items[-1]["filled"] = True
                continue
        if furniture:
            kind = furniture.get(fingerprint(paragraph))
            if kind is not None:
                items.append({"kind": kind, "text": paragraph, "at": at})
                continue
        if first_content is None:
            first_content = at
            dateline_wanted = at < TOP_ZONE
        if dateline_wanted:
            inline = _INLINE_DATELINE.match(paragraph)
            if inline is not None and standfirsts and not _reads_as_wire_dateline(inline):
                inline = None
            if inline is None:
                inline = _place_dateline(paragraph, name_kinds)
                if inline is not None:
                    items.append(
                        {"kind": DATELINE, "text": inline.group(0), "at": at, "inline": True}
                    )
                    paragraph = paragraph[inline.end() :]
                    inline = None
                    dateline_wanted = False
            if inline and inline.end() < len(paragraph):
                items.append({"kind": DATELINE, "text": inline.group(0), "at": at, "inline": True})
                if published is None and found_date is None:
                    years = _context_years(context) if years is None else years
                    found_date = _date(inline, years)
                    if found_date is not None:
                        items[-1]["filled"] = True
                paragraph = paragraph[inline.end() :]
                dateline_wanted = False
            # A short standfirst may come before the dateline's paragraph, a longer one may not.
            standfirsts += 1
            if standfirsts > STANDFIRST_PARAGRAPHS or len(paragraph) > STANDFIRST_MAX:
                dateline_wanted = False
        body.append((at, _strip_footnotes(paragraph, at, items)))

    if not body and furniture and any(item["kind"] in (NOTICE, HEADING) for item in items):
        # A text made only of its source's furniture is that text: nothing is taken.
        return structure(
            paragraphs,
            lede=lede,
            authors=authors,
            published=published,
            context=context,
            take_lede=take_lede,
            name_kinds=name_kinds,
        )
    if not lede and len(body) > 1 and take_lede and body[0][0] == first_content:
        at, candidate = body[0]
        if take_lede(candidate):
            lede = candidate
            body.pop(0)
            items.append({"kind": LEDE, "at": at})
    items.sort(key=lambda item: (item["at"], item.get("offset", -1)))
    return Structured(
        lede=lede,
        paragraphs=[paragraph for _, paragraph in body],
        items=items,
        authors=found_authors,
        published=found_date,
    )


def original_paragraphs(lede, body, items):
    """The paragraphs :func:`structure` was given, rebuilt from what it made."""
    items = items or []
    whole = {item["at"]: item["text"] for item in items if _is_whole(item)}
    lede_at = next((item["at"] for item in items if item["kind"] == LEDE), None)
    if lede_at is not None:
        whole[lede_at] = lede
    remaining = iter([p for p in body.split("\n\n") if p] if body else [])
    paragraphs = []
    total = len(whole) + sum(1 for p in body.split("\n\n") if p)
    for at in range(total):
        paragraphs.append(whole[at] if at in whole else next(remaining, ""))
    marks = {}
    for item in items:
        if item["kind"] == FOOTNOTE:
            marks.setdefault(item["at"], []).append(item)
    for at, footnotes in marks.items():
        if at < len(paragraphs):
            paragraphs[at] = restore_footnotes(paragraphs[at], footnotes)
    for item in items:
        if item["kind"] == DATELINE and item.get("inline") and item["at"] < len(paragraphs):
            paragraphs[item["at"]] = item["text"] + paragraphs[item["at"]]
    return paragraphs


def _is_whole(item):
    return item["kind"] in WHOLE_PARAGRAPH and not item.get("inline")


def restore_footnotes(paragraph, footnotes, wrap=None):
    """``paragraph`` with its footnote markers back at their offsets;
    ``wrap(marker text, paragraph text before it)`` renders each marker."""
    parts, position = [], 0
    for footnote in sorted(footnotes, key=lambda item: item["offset"]):
        offset = footnote["offset"]
        parts.append(paragraph[position:offset])
        parts.append(wrap(footnote["text"]) if wrap else footnote["text"])
        position = offset
    parts.append(paragraph[position:])
    return "".join(parts)
