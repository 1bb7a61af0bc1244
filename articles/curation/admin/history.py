"""Article versions: what the admin shows when an editor compares two of them.

Versions themselves are django-reversion's (a serialized copy of the article
per save in the admin); this module turns two of them into a readable,
escaped diff and makes sure the text an article had before its first edit in
the admin is kept as a version too.
"""

import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

import reversion
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from reversion.models import Version

from ...models import Article, Source

TEXT_FIELDS = ["title", "lede", "body"]
COMPARED_FIELDS = [
    *TEXT_FIELDS,
    "status",
    "source",
    "published",
    "url",
    "language",
    "authors",
    "tags",
    "captions",
]

_TOKENS = re.compile(r"\s+|[^\s]+")


def record_initial_versions(articles):
    """Store the current state of those ``articles`` that have no version yet (those
    imported and never edited in the admin), so that their first edit can be undone.
    Returns the new versions, as a queryset."""
    articles = list(articles)
    versioned = set(
        Version.objects.get_for_model(Article)
        .filter(object_id__in=[str(article.pk) for article in articles])
        .values_list("object_id", flat=True)
    )
    unversioned = [article for article in articles if str(article.pk) not in versioned]
    if unversioned:
        with reversion.create_revision():
            reversion.set_comment("The text as it was before its first change in the admin.")
            for article in unversioned:
                reversion.add_to_revision(article)
    return Version.objects.get_for_model(Article).filter(
        object_id__in=[str(article.pk) for article in unversioned]
    )


def _escaped(tokens):
    return escape("".join(tokens))


def word_diff(old, new):
    """``new`` with the words ``old`` had and it lacks in <del>, and the words it
    gained in <ins>; all text escaped."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(_escaped(a[i1:i2]))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(parts))


def paragraph_diff(old, new):
    """Paragraph by paragraph: unchanged ones as they are, changed ones word by word
    (paired in order), and the rest of a changed run as removed or added."""
    a = [p.strip() for p in normalize_newlines(old).split("\n\n") if p.strip()]
    b = [p.strip() for p in normalize_newlines(new).split("\n\n") if p.strip()]
    paragraphs = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            paragraphs.extend(escape(p) for p in a[i1:i2])
            continue
        paired = min(i2 - i1, j2 - j1)
        paragraphs.extend(
            word_diff(x, y) for x, y in zip(a[i1 : i1 + paired], b[j1 : j1 + paired], strict=True)
        )
        paragraphs.extend(format_html("<del>{}</del>", p) for p in a[i1 + paired : i2])
        paragraphs.extend(format_html("<ins>{}</ins>", p) for p in b[j1 + paired : j2])
    return paragraphs


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    paragraphs: list


def _display(field, value, sources):
    if value is None or value == "":
        return "—"
    if field.name == "source":
        source = sources.get(value)
        return str(source) if source else f"source #{value} (since deleted)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def field_values(version_or_article):
    """The compared fields of a reversion ``Version`` or of a live ``Article``, by attname."""
    if isinstance(version_or_article, Article):
        return {
            Article._meta.get_field(name).attname: getattr(
                version_or_article, Article._meta.get_field(name).attname
            )
            for name in COMPARED_FIELDS
        }
    return version_or_article.field_dict


def compare(old, new):
    """The fields that differ between two states of an article (versions or the
    article itself), oldest first, as ``FieldChange``s ready to show."""
    old_values, new_values = field_values(old), field_values(new)
    fields = [Article._meta.get_field(name) for name in COMPARED_FIELDS]
    source_ids = {values.get("source_id") for values in (old_values, new_values)} - {None}
    sources = Source.objects.in_bulk(source_ids)
    changes = []
    for field in fields:
        before, after = old_values.get(field.attname), new_values.get(field.attname)
        if before == after:
            continue
        label = str(field.verbose_name).capitalize()
        if field.name in TEXT_FIELDS:
            changes.append(FieldChange(label, "", "", paragraph_diff(before or "", after or "")))
        else:
            changes.append(
                FieldChange(
                    label, _display(field, before, sources), _display(field, after, sources), []
                )
            )
    return changes
