"""The Atom feed of a search: follow a query and see what arrives."""

import datetime
import re

from django.utils import feedgenerator
from django.utils.html import escape

FEED_LENGTH = 50
# Characters XML 1.0 cannot carry at all, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text):
    return NOT_XML.sub("", text or "")


class ArchiveAtomFeed(feedgenerator.Atom1Feed):
    """Atom with a <generator> naming the archive version that wrote it."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement(
            "generator",
            "War-analysis archive",
            {"uri": self.feed["generator_uri"], "version": self.feed["archive_version"]},
        )


def search_feed(request, articles, meta):
    """An Atom feed of ``articles`` (already newest first) for the search that
    ``meta`` (see :func:`.exports.export_metadata`) describes."""
    described = ", ".join(
        [f"“{meta['query']}”"] * bool(meta["query"])
        + [f"{name}: {', '.join(values)}" for name, values in meta["filters"].items()]
    )
    feed = ArchiveAtomFeed(
        title=xml_text(f"War-analysis archive: {described or 'all articles'}"),
        link=meta["search_url"],
        feed_url=request.build_absolute_uri(),
        feed_guid=request.build_absolute_uri(),
        description="",
        subtitle=(
            f"Newest articles matching the search {meta['query_string'] or '(everything)'}; "
            f"generated {meta['exported_at']} by archive version {meta['archive_version']}."
        ),
        author_name="War-analysis archive",
        language="en",
        generator_uri=request.build_absolute_uri("/"),
        archive_version=meta["archive_version"],
    )
    for article in articles[:FEED_LENGTH]:
        url = request.build_absolute_uri(article.get_absolute_url())
        published = (
            datetime.datetime.combine(article.published, datetime.time(), tzinfo=datetime.UTC)
            if article.published
            else None
        )
        feed.add_item(
            title=xml_text(article.title),
            link=url,
            unique_id=url,
            # Atom1Feed marks summaries type="html": escape so readers show text, not markup.
            description=xml_text(escape(article.lede or next(iter(article.paragraphs), ""))),
            author_name=xml_text(", ".join(article.authors)) or None,
            pubdate=published,
            updateddate=article.updated,
            categories=[xml_text(article.source.name)] if article.source else None,
        )
    return feed
