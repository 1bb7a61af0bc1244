"""The HTML of the parts that the list pages repeat for every row: a
facet's values, an article's line of source, date and language, an article
in a list.  Built here in Python, once a row, and put in the pages by
template tags (``templatetags/pages.py``): as template includes in loops
these were most of a search page's template time: 17 of its 63 ms of
Python went to rendering (CPU time through the test client, a phrase search
over 20,000 generated articles on SQLite)."""

import html

from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.text import add_truncation_text

ITEM_SNIPPET_WORDS = 35


def escape(text):
    """``django.utils.html.escape`` without its check for lazy strings,
    which cost as much as the escaping: a search page escapes some 500
    values here."""
    return html.escape(str(text))


def first_words(text, count, truncate=None):
    """``Truncator(text).words(count, truncate)`` without splitting the whole
    text into words: a list's 20 articles' bodies took a page 1.4 ms so."""
    words = str(text).split(None, count)
    if len(words) <= count:
        return " ".join(words)
    return add_truncation_text(" ".join(words[:count]), truncate)


def count_text(n):
    """``n`` with thousands separators, as ``intcomma`` writes it in English."""
    return f"{n:,}"


_SELECTED = {True: " selected", False: ""}
_CURRENT = {True: ' aria-current="true"', False: ""}
_REMOVE = {True: " (selected, click to remove)", False: ""}


def facet_values_html(values):
    """The ``<li>`` of each facet value: its toggle link with the count, and
    the link that excludes it where there is one."""
    parts = []
    for value in values:
        label = escape(value.label)
        selected = value.selected
        parts.append(
            f'<li class="facet-value{_SELECTED[selected]}">\n'
            f'  <a href="{escape(value.url)}" class="toggle"{_CURRENT[selected]}>'
            f'<span class="box" aria-hidden="true"></span><span class="label">{label}</span>'
            f'<span class="visually-hidden">{_REMOVE[selected]}, </span>'
            f'<span class="count">{count_text(value.count)}</span></a>\n'
        )
        if value.exclude_url and not selected:
            parts.append(
                f'  <a href="{escape(value.exclude_url)}" class="exclude" '
                f'title="Exclude {label}"><span aria-hidden="true">−</span>'
                f'<span class="visually-hidden">Exclude {label}</span></a>\n'
            )
        parts.append("</li>")
    return mark_safe("".join(parts))


def date_text(date):
    """A date as the pages write it: 24 February 2022."""
    return f"{date.day} {MONTHS[date.month]} {date.year}"


def article_meta_html(article):
    """An article's source (linked), date and, when not English, language;
    and whether it was generated."""
    source = article.source
    if source is not None:
        parts = [f'<a href="{source.get_absolute_url()}">{escape(source.name)}</a>']
    else:
        parts = ["<span>Source unknown</span>"]
    published = article.published
    if published:
        parts.append(
            f'\n<span aria-hidden="true">·</span> <time datetime="{published.isoformat()}">'
            f"{date_text(published)}</time>"
        )
    else:
        parts.append('\n<span aria-hidden="true">·</span> <span>date unknown</span>')
    if article.language != "en":
        language = escape(article.get_language_display())
        parts.append(f'\n<span aria-hidden="true">·</span> <span>{language}</span>')
    if article.generated:
        parts.append(
            '\n<span aria-hidden="true">·</span> <span class="generated-badge">Generated</span>'
        )
    return mark_safe("".join(parts))


def article_item_html(article):
    """An article in a list (home, entity and source pages): headline, meta
    line and the start of its lede or text."""
    text = first_words(article.lede or article.body, ITEM_SNIPPET_WORDS, truncate=" …")
    return mark_safe(
        f'<li class="article-item">\n  <h3><a href="{article.get_absolute_url()}">'
        f"{escape(article.title)}</a></h3>\n"
        f'  <p class="meta">{article_meta_html(article)}</p>\n'
        f'  <p class="lede-snippet">{escape(text)}</p>\n</li>'
    )


def story_links_html(story, *, show_copies=False):
    """The links to an article's translations (each named in its language)
    and, with ``show_copies``, to its near-copies; empty without any."""
    copies = story.copies if show_copies else []
    if not (story.translations or copies):
        return ""
    parts = ['<p class="story-links">\n  ']
    if story.translations:
        links = ", ".join(
            f'<a href="{other.get_absolute_url()}" hreflang="{escape(other.language)}" '
            f'lang="{escape(other.language)}">{escape(other.native_language)}</a>'
            for other in story.translations
        )
        parts.append(f'<span class="story-label">Also in</span>\n  {links}')
    if copies:
        if story.translations:
            parts.append('<span aria-hidden="true">·</span>')
        links = ", ".join(
            f'<a href="{other.get_absolute_url()}">'
            f"{escape(other.source.name if other.source else other.title)}</a>"
            for other in copies
        )
        parts.append(f'\n  <span class="story-label">Also published by</span>\n  {links}')
    parts.append("\n</p>")
    return mark_safe("".join(parts))


def search_result_html(article):
    """A line of search results: the headline and snippet with the matches
    marked (``SearchResults`` decorates the article with them), the meta
    line, the story's other members and the main actors and places."""
    language = escape(article.language)
    parts = [
        f'<li class="result">\n        <h2 class="result-title">'
        f'<a href="{escape(article.search_url)}" lang="{language}">{article.title_html}</a></h2>\n'
        f'        <p class="meta">{article_meta_html(article)}</p>\n'
    ]
    if article.snippet_html:
        parts.append(f'        <p class="snippet" lang="{language}">{article.snippet_html}</p>\n')
    story = getattr(article, "story", None)
    if story is not None:
        parts.append(story_links_html(story, show_copies=True))
    if article.main_actors or article.main_locations:
        links = "".join(
            f'<a class="entity entity-actor" href="{actor.url}">{escape(actor.name)}</a>'
            for actor in article.main_actors
        ) + "".join(
            f'<a class="entity entity-location" href="{location.url}" '
            f'title="Place">{escape(location.name)}</a>'
            for location in article.main_locations
        )
        parts.append(
            f'\n        <p class="about"><span class="about-label">About</span>\n'
            f"          {links}\n        </p>\n"
        )
    parts.append("      </li>")
    return mark_safe("".join(parts))
