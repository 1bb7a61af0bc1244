"""Highlighted text made safe: the engines mark matches with two private-use
characters; the text is escaped first and only then are the marks turned into
``<mark>`` elements, so nothing from the database is ever output as HTML."""

import re
from html import escape

from django.utils.safestring import mark_safe

MARK_START = "\ue000"
MARK_END = "\ue001"
# Splits a text into its runs and the marks between them (kept, the group).
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


def has_mark(text):
    return MARK_START in (text or "")


def strip_marks(text):
    return (text or "").replace(MARK_START, "").replace(MARK_END, "")


def marked_html(text):
    """``text`` escaped, with each marked stretch inside ``<mark>``; always
    well-formed, whatever the marks' balance."""
    # Runs at even places, marks at odd ones; the runs escaped as
    # ``django.utils.html.escape`` does, without its check for lazy strings
    # (a search page marks some 60 texts, character by character before).
    pieces = _MARKS.split(text or "")
    html, inside = [escape(pieces[0])], False
    for index in range(1, len(pieces), 2):
        marker = pieces[index]
        if marker == MARK_START and not inside:
            html.append("<mark>")
            inside = True
        elif marker == MARK_END and inside:
            html.append("</mark>")
            inside = False
        html.append(escape(pieces[index + 1]))
    if inside:
        html.append("</mark>")
    return mark_safe("".join(html))
