"""Stories: an article, its translations and its near-copies.

The import puts articles that tell one story under one ``Article.story_key``
(see :class:`articles.importing.writer.StoryGrouper`).  Members in another
language are the article's translations; members in its own language are
near-copies (a syndicated text, a re-sent briefing).  This module is how
pages, the API and the admin read and change that grouping.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Q

from .importing.signatures import signature
from .importing.writer import StoryGrouper, story_key_for_text
from .models import Article

# Each language named in itself, as a reader looking for it would.
NATIVE_NAMES = {
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
    "de": "Deutsch",
    "fr": "Français",
    "pl": "Polski",
    "es": "Español",
    "it": "Italiano",
    "be": "Беларуская",
    "ro": "Română",
    "und": "Other language",
}


@dataclass
class Story:
    translations: list
    copies: list


def _story(article, members):
    for member in members:
        member.native_language = native_name(member.language)
    return Story(
        translations=[m for m in members if m.language != article.language],
        copies=[m for m in members if m.language == article.language],
    )


def story_of(article):
    """The article's published translations and near-copies (cached on it)."""
    if not hasattr(article, "story"):
        article.story = _story(article, article.story_members())
    return article.story


def alternates(request, article):
    """``(language, absolute URL)`` of the article and its translations, one
    a language, for ``hreflang`` links; empty when it has no translation."""
    story = story_of(article)
    if not story.translations:
        return []
    found = {}
    for member in [article, *story.translations]:
        if member.language != "und":  # no language code to offer
            url = request.build_absolute_uri(member.get_absolute_url())
            found.setdefault(member.language, url)
    return list(found.items())


def native_name(language):
    return NATIVE_NAMES.get(language, language)


def fold_results(articles):
    """Keep one line per story on a page of results: the first member shown
    stays, with its ``story`` (the story's other published members, on this
    page or not) beside it; later members on the same page are dropped.
    Returns the kept articles."""
    keys = {article.story_key for article in articles if article.story_key is not None}
    by_key = {}
    if keys:
        members = (
            Article.objects.published()
            .filter(story_key__in=keys)
            .select_related("source")
            .order_by("pk")
            .only("pk", "slug", "title", "language", "story_key", "source__name")
        )
        for member in members:
            by_key.setdefault(member.story_key, []).append(member)
    kept, shown_keys = [], set()
    for article in articles:
        key = article.story_key
        if key is not None and key in shown_keys:
            continue
        if key is not None:
            shown_keys.add(key)
        article.story = _story(article, [m for m in by_key.get(key, ()) if m.pk != article.pk])
        kept.append(article)
    return kept


@transaction.atomic
def detach(articles):
    """Take each article out of its story into a story of its own; returns
    how many were in a story with others."""
    detached = 0
    for article in articles:
        if article.story_key is not None and (
            Article.objects.filter(story_key=article.story_key).exclude(pk=article.pk).exists()
        ):
            detached += 1
        article.story_key = story_key_for_text(f"detached:{article.pk}")
        Article.objects.filter(pk=article.pk).update(story_key=article.story_key)
    return detached


@transaction.atomic
def group(articles):
    """Put the articles, with the stories they are in, in one story: the story
    of the oldest of them.  Returns how many articles the story then has."""
    articles = sorted(articles, key=lambda article: article.pk)
    if len(articles) < 2:
        return 0
    key = articles[0].story_key or story_key_for_text(f"grouped:{articles[0].pk}")
    keys = {article.story_key for article in articles} - {None}
    members = Q(pk__in=[article.pk for article in articles]) | Q(story_key__in=keys)
    return Article.objects.filter(members).update(story_key=key)


def group_archived(batch_size=500):
    """Give every article without a story (saved before stories existed, or
    added in admin) one: with its translations and near-copies among the
    articles already in stories, or alone, as the import would have.  Returns
    ``(articles read, translations, near-copies)``; a second run reads none."""
    grouper = StoryGrouper()
    read = 0
    while True:
        with transaction.atomic():
            batch = list(
                Article.objects.filter(story_key__isnull=True)
                .order_by("pk")
                .values_list("pk", "url", "content_hash", "body", "title", "published")[:batch_size]
            )
            if not batch:
                return read, grouper.translations, grouper.copies
            pending = [
                SimpleNamespace(
                    pk=pk,
                    url=url,
                    translation_of="",
                    content_hash=content_hash,
                    story_key=None,
                    signature=signature(body),
                    title=title,
                    published=published,
                )
                for pk, url, content_hash, body, title, published in batch
            ]
            urls = {p.url for p in pending if p.url}
            by_url = {}
            grouped = (
                Article.objects.filter(url__in=urls, story_key__isnull=False)
                .exclude(url="")
                .order_by("pk")
                .values("pk", "url", "story_key")
            )
            for row in grouped:
                by_url.setdefault(row["url"], []).append(row)
            grouper.assign(pending, by_url)
            Article.objects.bulk_update(
                [Article(pk=p.pk, story_key=p.story_key) for p in pending], ["story_key"]
            )
            grouper.write_signatures([(p.pk, p) for p in pending], replaced=[p.pk for p in pending])
            grouper.commit()
            read += len(batch)
