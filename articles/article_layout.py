"""An article's page layout: its body paragraphs with the section headings
and footnote marks that cleaning kept out of the body put back in place, and
its standing notices apart (see ``articles.importing.structure``).  A
paragraph too long to read (a text flattened by its scraper) is shown in
paragraphs of a few sentences; the stored text keeps it whole."""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .importing.structure import FOOTNOTE, HEADING, LEDE, NOTICE, WHOLE_PARAGRAPH
from .search.highlight import MARK_END, MARK_START, has_mark, marked_html, strip_marks

_FOOTNOTE_PLACE = "\ue002"  # private use, like the search marks: never in a text


_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _footnote_html(marker):
    marker = marker.translate(_SUPERSCRIPT_DIGITS)  # set as <sup> already
    numbers = ", ".join(part for part in marker.strip().strip("[]").split("]["))
    return format_html('<sup class="footnote-mark" title="Footnote {}">{}</sup>', numbers, numbers)


def _with_footnotes(text, footnotes):
    """``text`` (possibly with search marks) as HTML, with its footnote marks
    at their offsets, which count the text's own characters only."""
    markers = sorted(footnotes, key=lambda item: item["offset"])
    if markers:
        placed, counted, wanted = [], 0, iter(markers)
        current = next(wanted, None)
        for char in text:
            while current is not None and counted == current["offset"]:
                placed.append(_FOOTNOTE_PLACE)
                current = next(wanted, None)
            placed.append(char)
            if char not in (MARK_START, MARK_END):
                counted += 1
        while current is not None:
            placed.append(_FOOTNOTE_PLACE)
            current = next(wanted, None)
        text = "".join(placed)
    html = marked_html(text) if has_mark(text) else escape(text)
    for marker in markers:
        html = html.replace(_FOOTNOTE_PLACE, _footnote_html(marker["text"]), 1)
    return mark_safe(html)


def article_layout(article, paragraphs, lede):
    """``(blocks, lede html, standing notices)`` for the page.  ``paragraphs``:
    the body's paragraphs as shown (search marks included); each block is
    ``{"heading": text}`` or ``{"html", "marked", "number"}``."""
    items = article.furniture if isinstance(article.furniture, list) else []
    items = [item for item in items if isinstance(item, dict) and "at" in item]
    whole = {item["at"]: item for item in items if item.get("kind") in WHOLE_PARAGRAPH}
    whole = {at: item for at, item in whole.items() if not item.get("inline")}
    lede_at = next((item["at"] for item in items if item.get("kind") == LEDE), None)
    footnotes = {}
    for item in items:
        if item.get("kind") == FOOTNOTE:
            footnotes.setdefault(item["at"], []).append(item)

    blocks, remaining, at, number = [], iter(paragraphs), 0, 0
    total = len(paragraphs) + len(whole) + (lede_at is not None)
    while at < total:
        item = whole.get(at)
        if item is not None:
            if item["kind"] == HEADING:
                blocks.append({"heading": item["text"]})
        elif at != lede_at:
            text = next(remaining, None)
            if text is None:
                break
            for piece, piece_footnotes in _readable_pieces(text, footnotes.get(at, [])):
                number += 1
                blocks.append(
                    {
                        "html": _with_footnotes(piece, piece_footnotes),
                        "marked": has_mark(piece),
                        "number": number,
                    }
                )
        at += 1
    lede_html = _with_footnotes(lede, footnotes.get(lede_at, [])) if lede else ""
    notices = [item["text"] for item in items if item.get("kind") == NOTICE]
    return blocks, lede_html, notices


# A paragraph over LONG_PARAGRAPH characters is shown in pieces of at least
# PIECE characters, cut where a sentence ends; a last piece shorter than
# SHORT_PIECE stays with the one before it.
LONG_PARAGRAPH = 1500
PIECE = 600
SHORT_PIECE = 250
# A sentence's end: its full stop (or ? ! …) and closing quotes, then a space
# before a capital, a digit, an opening quote or a search mark; group 1 is
# the word before it, group 2 the space.
_SENTENCE_END = re.compile(
    rf"(\w*)[.!?…][\"'”’»)\]]*( )(?=[\"'“‘«(\[{MARK_START}]*[A-ZА-ЯІЇЄҐ0-9])"
)
# Words whose full stop ends no sentence: initials ("Vladimir V. Putin",
# "U.S. troops") are caught as single capitals.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "lt",
        "gen",
        "col",
        "sgt",
        "gov",
        "sen",
        "rep",
        "maj",
        "capt",
        "no",
        "vs",
        "etc",
        "approx",
    ]
)


def _readable_pieces(text, footnotes):
    """``(piece, its footnotes)`` for each piece ``text`` is shown in: the
    whole of it unless it is long; footnote offsets (which count the text's
    own characters, not search marks) moved into their piece."""
    if len(text) <= LONG_PARAGRAPH:
        return [(text, footnotes)]
    cuts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        word = match[1]
        if (len(word) == 1 and word.isupper()) or word.casefold() in _ABBREVIATIONS:
            continue
        if match.start(2) - start >= PIECE and len(text) - match.end(2) >= SHORT_PIECE:
            cuts.append((start, match.start(2)))
            start = match.end(2)
    cuts.append((start, len(text)))
    pieces = []
    for start, end in cuts:
        before = len(strip_marks(text[:start]))
        size = len(strip_marks(text[start:end]))
        inside = [
            {**item, "offset": item["offset"] - before}
            for item in footnotes
            if before <= item["offset"] <= before + size
        ]
        pieces.append((text[start:end], inside))
    return pieces
