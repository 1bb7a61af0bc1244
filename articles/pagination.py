"""Pages of results, shared by the search page, the actor, place and source
pages and the indexes: one COUNT, one slice, and a bad page number reported
rather than raised."""

import math
from dataclasses import dataclass, field

from django.conf import settings

from .statements import in_bulk


@dataclass
class Page:
    number: int
    num_pages: int
    count: int
    size: int
    items: list
    links: list = field(default_factory=list)  # (number, url); number None marks a gap
    previous_url: str = ""
    next_url: str = ""

    @property
    def articles(self):
        """The items, by the name the search page has always given them."""
        return self.items

    @property
    def start_index(self):
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def end_index(self):
        return self.start_index + len(self.items) - 1 if self.items else 0


def parse_page_number(raw):
    """(page number, problem or "") from a ``page`` parameter; 1 when it is bad."""
    if raw in (None, ""):
        return 1, ""
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1 or len(raw) > 12:
        return 1, f"page: “{str(raw)[:20]}” is not a page number; page 1 is shown."
    return number, ""


def page_window(number, num_pages, around=2):
    """Page numbers to link: the first, the last and those around ``number``;
    None marks a gap."""
    shown = {1, num_pages, *range(number - around, number + around + 1)}
    pages, previous = [], 0
    for n in sorted(p for p in shown if 1 <= p <= num_pages):
        if n - previous > 1:
            pages.append(None)
        pages.append(n)
        previous = n
    return pages


class InIdOrder:
    """The articles of ``ids`` in that order, read a slice at a time (as
    ``paginate`` slices a queryset); a slice past them is ``rest``'s, the
    same articles and more in the same order, up to ``end``.  ``name``
    stands for ``queryset``'s shape (see ``statements.in_bulk``)."""

    def __init__(self, name, queryset, ids, rest, end):
        self.name, self.queryset, self.ids, self.rest, self.end = name, queryset, ids, rest, end

    def __getitem__(self, window):
        window = slice(window.start, min(window.stop, self.end))
        if window.stop > len(self.ids):
            return self.rest[window]
        chunk = self.ids[window]
        found = in_bulk(self.name, self.queryset, chunk)
        return [found[pk] for pk in chunk if pk in found]


def paginate(queryset, number, url_for, *, size=None, count=None):
    """Page ``number`` of ``queryset`` (the last page if it is past the end) and
    whether it was past the end.  ``url_for(n)`` links page n; ``count``, when
    the caller already has it, saves the COUNT query."""
    size = size or settings.ARCHIVE_PAGE_SIZE
    count = queryset.count() if count is None else count
    num_pages = max(1, math.ceil(count / size))
    past_the_end = number > num_pages
    number = min(number, num_pages)
    page = Page(
        number=number,
        num_pages=num_pages,
        count=count,
        size=size,
        items=list(queryset[(number - 1) * size : number * size]),
        links=[(n, url_for(n) if n else "") for n in page_window(number, num_pages)],
        previous_url=url_for(number - 1) if number > 1 else "",
        next_url=url_for(number + 1) if number < num_pages else "",
    )
    return page, past_the_end
