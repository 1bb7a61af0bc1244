"""Highlighted text made safe: the engines mark matches with two private-use
characters; the text is escaped first and only then are the marks turned into
``<mark>`` elements, so nothing from the database is ever output as HTML."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

MARK_START = "\ue000"
MARK_END = "\ue001"


def has_mark(text):
    return MARK_START in (text or "")


def strip_marks(text):
    return (text or "").replace(MARK_START, "").replace(MARK_END, "")


def marked_html(text):
    """``text`` escaped, with each marked stretch inside ``<mark>``; always
    well-formed, whatever the marks' balance."""
    html, inside = [], False
    for char_run, marker in _runs(text or ""):
        html.append(escape(char_run))
        if marker == MARK_START and not inside:
            html.append("<mark>")
            inside = True
        elif marker == MARK_END and inside:
            html.append("</mark>")
            inside = False
    if inside:
        html.append("</mark>")
    return mark_safe("".join(html))


def _runs(text):
    """(text before a marker, the marker or ""), up to the end of ``text``."""
    start = 0
    for index, char in enumerate(text):
        if char in (MARK_START, MARK_END):
            yield text[start:index], char
            start = index + 1
    yield text[start:], ""
