"""Search: the one interface that views, exports, feeds and the API call.

::

    results = search_articles(request.GET)
    results.queryset  # every matching published Article in the page's order, unsliced
    results.filtered  # the same matches unordered, for counting
    results.errors    # what was wrong with the parameters, in words (the page answers 400)
    results.parsed    # how the query was read (terms, phrases, exclusions, expansions)
    results.page      # the requested page: headlines and snippets highlighted, main actors
    results.facets    # the count beside every filter choice

Parameters (all optional, all plain GET): ``q``; ``source``, ``actor``,
``location`` and ``exclude_source``, ``exclude_actor``, ``exclude_location``
(slugs, repeatable); ``language``; ``date_from``, ``date_to`` (ISO dates);
``dated`` (yes/no); ``sort`` (relevance, newest, oldest); ``exact`` (1: no
other names, spellings or word forms); ``page``.

The engine is the database's: PostgreSQL (tsvector and GIN) or SQLite (FTS5),
each implementing the contract in ``base.py``; ``ENGINES`` names them.  Bad
parameters never raise: each is left out and described in ``errors``; the
rest of the search still runs.
"""

import math
from collections import Counter
from functools import cache, cached_property, lru_cache
from operator import itemgetter
from typing import NamedTuple
from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, router
from django.db.models import Case, Value, When
from django.http import QueryDict
from django.utils.html import escape
from django.utils.module_loading import import_string

from .. import month_counts
from ..filters import ArticleFilter
from ..models import (
    ActorMention,
    Article,
    IdList,
    Language,
    Location,
    LocationMention,
    Source,
    slug_url,
)
from ..month_counts import ACTOR, ARCHIVE, LOCATION, SOURCE
from ..pagination import InIdOrder, paginate, parse_page_number
from ..presentation import first_words
from ..statements import placeholders, read_connection, read_models, read_rows
from .aliases import expand_aliases
from .base import NEWEST, OLDEST
from .facets import FACET_BASES, compute_facets
from .forms import expand_word_forms
from .highlight import has_mark, marked_html
from .query import parse_query
from .rescore import RESCORE_WINDOW, rescored
from .vocabulary import closest_spellings

SORTS = {"relevance": "Best match", "newest": "Newest first", "oldest": "Oldest first"}
MAIN_ENTITIES = 3  # actors and places shown beside each result
PLAIN_SNIPPET_WORDS = 45
ROW_FIELDS = ("pk", "published", "source_id", "language")
LISTED = "articles for lists"  # the shape of ``Article.objects.for_lists()``
# The texts that rescoring reads, of the articles of some ids.
_TEXTS_SQL = 'SELECT "id", "title", "lede", "body" FROM "articles_article" WHERE "id" IN ({})'
FEW_RESULTS = 3  # fewer matches than this and the page offers other spellings
MAX_UNITS_CORRECTED = 4
MAX_SPELLING_OFFERS = 3


# The search engine of each database, by ``connection.vendor``.
ENGINES = {
    "postgresql": "articles.search.postgres.PostgresEngine",
    "sqlite": "articles.search.sqlite.SQLiteEngine",
}


def get_engine(using=None):
    """The search engine (see ``base.SearchEngine``) of ``using``, a
    connection (the default one unless given)."""
    using = using or connection
    if using.vendor not in ENGINES:
        supported = " and ".join(sorted(ENGINES))
        raise ImproperlyConfigured(f"Search supports {supported}, not {using.vendor}.")
    return _engine_class(using.vendor)(using)


@cache
def _engine_class(vendor):
    return import_string(ENGINES[vendor])


def search_articles(params):
    """Search published articles with ``params`` (a QueryDict such as request.GET)."""
    return SearchResults(params)


def _as_querydict(params):
    """``params`` as a QueryDict without empty values: an empty parameter (an
    empty form field) is one not given."""
    if isinstance(params, QueryDict):
        items = params.lists()
    else:
        items = (
            (key, value if isinstance(value, list | tuple) else [value])
            for key, value in dict(params or {}).items()
        )
    querydict = QueryDict(mutable=True)
    for key, values in items:
        values = [value for value in values if str(value).strip()]
        if values:
            querydict.setlist(key, values)
    return querydict


def _flag(value):
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


class SearchResults:
    def __init__(self, params, *, parsed=None):
        """``parsed``: the query of ``params`` (``q`` and ``exact``) as
        another search read and expanded it (see ``with_filters``)."""
        self.params = _as_querydict(params)
        self.errors, self.notices = [], []
        # The query part of the engine, on the database this request reads.
        self.compiler = get_engine(connections[router.db_for_read(Article)]).query

        self.exact = _flag(self.params.get("exact"))
        if parsed is None:
            parsed = parse_query(self.params.get("q", ""))
            if not self.exact:
                expand_aliases(parsed)
                expand_word_forms(parsed)
        self.parsed = parsed
        self.notices += self.parsed.notes

        published = Article.objects.published()
        self.filterset = ArticleFilter(self.params, queryset=published)
        self.errors += self.filterset.problems()

        self.sort = self.params.get("sort") or ""
        if self.sort and self.sort not in SORTS:
            self.errors.append(f"sort: “{self.sort[:40]}” is not one of {', '.join(SORTS)}.")
            self.sort = ""
        self.has_terms = bool(self.parsed.groups)
        if not self.sort or (self.sort == "relevance" and not self.has_terms):
            self.sort = "relevance" if self.has_terms else "newest"

        self.requested_page, problem = parse_page_number(self.params.get("page"))
        if problem:
            self.errors.append(problem)
        self.matched = self.compiler.filter(published, self.parsed)
        self._rows = {}  # see rows()
        self.filtered = self.filterset.filter_queryset(self.matched)

    def with_filters(self, params):
        """The search of ``params``, which keep this search's ``q`` and
        ``exact`` under other filters, its query read and expanded once: the
        names and forms cost a search up to three statements."""
        return SearchResults(params, parsed=self.parsed)

    @cached_property
    def queryset(self):
        """Every result in the page's order: by relevance, when the page ranks
        every match (``ranks_the_newest_only`` is False), the best
        ``RESCORE_WINDOW`` rescored as the page rescores them (see
        ``rescore``), so that exports and the API list what the page lists.
        Past that the page ranks only the newest matches and exports rank
        them all: rescoring theirs would cost one more ranking of every match
        (4.7 s for "forces" at 1,000,000 synthetic articles on PostgreSQL)."""
        ordered = self.filtered.order_by(*self._ordering())
        if self.sort != "relevance" or self.ranks_the_newest_only:
            return ordered
        best = list(ordered.values_list("pk", flat=True)[:RESCORE_WINDOW])
        rescored_best = self._written_first(best)
        if rescored_best == best:
            return ordered
        position = Case(
            *(When(pk=pk, then=Value(n)) for n, pk in enumerate(rescored_best)),
            default=Value(len(rescored_best)),
        )
        return ordered.order_by(position, *self._ordering())

    def _ordering(self):
        if self.sort == "oldest":
            return OLDEST
        if self.sort == "relevance":
            return [*self.compiler.rank_order(self.parsed), *NEWEST]
        return NEWEST

    # What the page shows --------------------------------------------------

    def rows(self, skip=frozenset()):
        """``(id, published, source id, language)`` of the matches under every
        filter but those named in ``skip``: the newest (the oldest, sorted so)
        ``ARCHIVE_SEARCH_WINDOW`` and one more, to tell whether there are
        more.

        The page, the facets and, when these are all the matches, the count
        and the month chart come from these rows: each statement that tested
        the match again cost as much as this one (at 100,000 synthetic
        articles on PostgreSQL, 120 to 190 ms each for "forces" or "air
        defence", seven of them a page).  The rows of the results and of each
        facet (see ``facets.FACET_BASES``) are read together, by one plan."""
        active = self.filterset.active_names()
        if not self._rows:
            plan, wanted = self._reading_plan, settings.ARCHIVE_SEARCH_WINDOW + 1
            order = OLDEST if self.sort == "oldest" else NEWEST
            # A plan may read the rows from the matches written another way.
            matched = getattr(plan, "matched", None)
            matched = self.matched if matched is None else matched
            with self.compiler.planned(plan and plan.settings):
                for base in {frozenset(), *(base & active for base in FACET_BASES)}:
                    articles = self.filterset.filter_queryset(matched, skip=base)
                    found = articles.order_by(*order).values_list(*ROW_FIELDS)
                    rows = []
                    if plan and plan.since:  # the newest are probably all since then
                        rows = list(found.filter(published__gte=plan.since)[:wanted])
                    if len(rows) < wanted:
                        rows = list(found[:wanted])
                    self._rows[base] = rows
        return self._rows[frozenset(skip) & active]

    @cached_property
    def _reading_plan(self):
        """How the database reads the rows (see the engine's reading_plan):
        decided for the results, and kept for the facets' rows, which differ
        from them by a filter."""
        return self.compiler.reading_plan(
            self.filterset.filter_queryset(self.matched),
            self.filterset.filter_queryset(Article.objects.published()),
            self.parsed,
            settings.ARCHIVE_SEARCH_WINDOW,
            newest=self.sort != "oldest",
        )

    @property
    def has_every_row(self):
        """True when ``rows()`` holds every result."""
        return len(self.rows()) <= settings.ARCHIVE_SEARCH_WINDOW

    @cached_property
    def count(self):
        """Matching articles, counted no further than one past
        ``ARCHIVE_SEARCH_COUNT_LIMIT`` (see ``count_is_capped``): from the
        rows when they are read and hold every match, else by a statement.
        A search asked only its count (the undated articles a date range
        leaves out, another spelling's) reads no rows: at 100,000 synthetic
        articles on SQLite, the undated "ceasefire" read 2,001 rows (11 ms)
        before counting 4,580 (26 ms)."""
        if not self._rows and self._kept_counts:  # the kept counts answer it unread
            kind, entity_id, languages = self._kept_counts
            dated_only = self.clean_params.get("dated") == ["yes"]
            total = month_counts.total(kind, entity_id, languages, dated_only=dated_only)
            return min(total, settings.ARCHIVE_SEARCH_COUNT_LIMIT + 1)
        if self._rows and self.has_every_row:
            return len(self.rows())
        limit = settings.ARCHIVE_SEARCH_COUNT_LIMIT + 1
        filters = self.filterset.active_names()
        if not filters:
            counted = self.compiler.count_published_matches(self.parsed, limit)
            if counted is not None:
                return counted
        with self.compiler.counting_matches(self.parsed):
            published = Article.objects.published()
            matched = self.compiler.filter_for_counting(published, self.parsed, filters)
            return self.filterset.filter_queryset(matched).order_by()[:limit].count()

    @property
    def count_is_capped(self):
        """True when there are more matches than were counted: the page shows
        "10,000+"."""
        return self.count > settings.ARCHIVE_SEARCH_COUNT_LIMIT

    @property
    def count_limit(self):
        return settings.ARCHIVE_SEARCH_COUNT_LIMIT

    @property
    def shown_count(self):
        """The count the page shows, with "+" when ``count_is_capped``."""
        return min(self.count, settings.ARCHIVE_SEARCH_COUNT_LIMIT)

    @property
    def window(self):
        return settings.ARCHIVE_SEARCH_WINDOW

    @property
    def facets_are_sampled(self):
        """True when some facet counted the newest ``ARCHIVE_SEARCH_WINDOW``
        of more matches (each facet drops its own filter, so its matches may be
        more than the results)."""
        self.rows()  # reads the rows of every facet
        return any(len(rows) > settings.ARCHIVE_SEARCH_WINDOW for rows in self._rows.values())

    @property
    def ranks_the_newest_only(self):
        """True when the page ranks by relevance only the newest
        ``ARCHIVE_SEARCH_WINDOW`` matches, the ones it has read (exports rank
        them all).  Ranking reads every ranked match's tsvector: for "forces",
        572,166 of 1,000,000 articles on PostgreSQL, the first page's
        statement took 4.7 s ranking them all, 0.35 s finding and ranking the
        newest 10,000."""
        return self.sort == "relevance" and not self.has_every_row

    def counts_by_month(self):
        """Matching articles per month, for the chart (every match, not the
        newest only)."""
        if self._rows and self.has_every_row:  # read already: nothing to ask
            return months_of(map(itemgetter(1), self.rows()))
        kept = self._kept_months()
        if kept is not None:
            return kept
        if self.has_every_row:
            return months_of(map(itemgetter(1), self.rows()))
        with self.compiler.counting_matches(self.parsed):
            return self.filtered.counts_by_month()

    def ranked_ids(self, limit):
        """The ids of the first ``limit`` results in the pages' order, by
        relevance the rows' ids ranked as ``page`` ranks them (for measuring
        relevance: ``manage.py evaluate_search``)."""
        ids = [row[0] for row in self.rows()[: settings.ARCHIVE_SEARCH_WINDOW]]
        if self.sort != "relevance":
            return ids[:limit]
        ranked = self.compiler.rank_window(ids, self.parsed)
        if ranked is None:
            matches = Article.objects.filter(pk__in=IdList(ids))
            ranked = self.compiler.for_ranking(matches, self.parsed).order_by(*self._ordering())
            ranked = list(ranked.values_list("pk", flat=True))
        return self._written_first(ranked)[:limit]

    def _written_first(self, ranked):
        """``ranked`` with its best ``RESCORE_WINDOW`` rescored (see
        ``rescore``): those holding the query's words as written first."""
        best = ranked[:RESCORE_WINDOW]
        if not best or not any(unit.kind != "prefix" for unit in self.parsed.units):
            return ranked
        ids_sql, ids_params = IdList(best).sql_for(read_connection(Article))
        texts = read_rows(Article, _TEXTS_SQL.format(ids_sql), ids_params)
        written = {pk: "\n".join(parts) for pk, *parts in texts}
        nearness = not self.compiler.ranks_nearness
        return rescored(best, written, self.parsed, nearness=nearness) + ranked[RESCORE_WINDOW:]

    def _kept_months(self):
        """The months from the kept month counts, when they answer this
        search (see ``_kept_counts``); else None."""
        kept = self._kept_counts
        return month_counts.months(*kept) if kept else None

    @cached_property
    def _kept_counts(self):
        """``(kind, entity id, languages)`` of the kept month counts
        (``articles.month_counts``) when they answer this search: no words,
        at most one actor, place or source, perhaps languages and "dated";
        else None."""
        active = self.filterset.active_names() - {"dated"}
        if self.has_terms or self.errors or self.clean_params.get("dated") == ["no"]:
            return None
        kinds = {"actor": ACTOR, "location": LOCATION, "source": SOURCE}
        entities = [(name, self.filterset.selected(name)) for name in active & set(kinds)]
        if active - set(kinds) - {"language"} or len(entities) > 1:
            return None
        languages = tuple(self.clean_params.get("language", ()))
        if not entities:
            return ARCHIVE, 0, languages
        ((name, selected),) = entities
        if len(selected) != 1:
            return None
        return kinds[name], selected[0].pk, languages

    @cached_property
    def window_ids(self):
        """The ids of ``rows()`` (up to ``ARCHIVE_SEARCH_WINDOW``), which the
        page ranks and the actor and place facets count, as one ``IdList``:
        written once for every statement that passes them."""
        return IdList(map(itemgetter(0), self.rows()[: settings.ARCHIVE_SEARCH_WINDOW]))

    @cached_property
    def page(self):
        """The requested page of results, each article decorated for display.
        By relevance, the rows' ids ranked; newest or oldest first, the page's
        slice of the rows' ids, and past them (up to the count limit) the
        page's slice of every result in that order."""
        ids = self.window_ids.ids
        shown = Article.objects.for_lists()
        ranked = self.compiler.rank_window(ids, self.parsed) if self.sort == "relevance" else None
        size = settings.ARCHIVE_PAGE_SIZE
        last_page = max(1, math.ceil(len(ids) / size))
        rescoring = min(self.requested_page, last_page) * size <= RESCORE_WINDOW
        if ranked is not None:
            ranked = self._written_first(ranked) if rescoring else ranked
            articles, pageable = InIdOrder(LISTED, shown, ranked, None, len(ranked)), len(ranked)
        elif self.sort == "relevance":
            articles = self.compiler.for_ranking(shown.filter(pk__in=self.window_ids), self.parsed)
            articles, pageable = articles.order_by(*self._ordering()), len(ids)
            if rescoring:  # the best rescored, the rest as ranked
                best = self.compiler.best_of_window(self.window_ids, self.parsed, RESCORE_WINDOW)
                if best is None:
                    best = list(articles.values_list("pk", flat=True)[:RESCORE_WINDOW])
                articles = InIdOrder(LISTED, shown, self._written_first(best), articles, pageable)
        else:
            rest = self.queryset.for_lists()
            articles, pageable = (
                InIdOrder(LISTED, shown, ids, rest, self.shown_count),
                self.shown_count,
            )
        page, past_the_end = paginate(
            articles, self.requested_page, lambda n: self.url(page=n), count=pageable
        )
        if past_the_end and pageable < self.count:
            further = " (sort newest first to page further)" if self.sort == "relevance" else ""
            self.notices.append(
                f"Only the first {pageable:,} results can be paged through{further}; "
                "this is the last page. Narrow the search to see the rest."
            )
        elif past_the_end:
            pages = (
                "is only one page" if page.num_pages == 1 else f"are only {page.num_pages} pages"
            )
            self.notices.append(f"There {pages} of results; this is the last.")
        self._decorate(page.items)
        return page

    def _decorate(self, articles):
        """Headline and snippet with the matches marked, main actors and places."""
        ids = [a.pk for a in articles]
        snippets = self.compiler.snippets(ids, self.parsed)
        actors = main_mentions(ActorMention, "actor", ids)
        locations = main_mentions(LocationMention, "location", ids)
        for article in articles:
            title, lede, body = snippets.get(article.pk, (None, None, None))
            article.title_html = marked_html(title) if has_mark(title) else escape(article.title)
            if has_mark(body):
                article.snippet_html = marked_html(body)
            elif has_mark(lede):
                article.snippet_html = marked_html(lede)
            else:
                plain = article.lede or article.body
                article.snippet_html = escape(first_words(plain, PLAIN_SNIPPET_WORDS))
            article.main_actors = actors.get(article.pk, [])
            # Russia the state and Russia the country are one name to a reader.
            actor_names = {actor.name for actor in article.main_actors}
            article.main_locations = [
                location
                for location in locations.get(article.pk, [])
                if location.name not in actor_names
            ]
            article.search_url = self.article_url(article)

    def article_url(self, article):
        """The article's page, carrying the query so that it is highlighted there."""
        return article.get_absolute_url() + self._highlighting_query

    @cached_property
    def _highlighting_query(self):
        if not self.has_terms:
            return ""
        pairs = [("q", self.parsed.text)] + ([("exact", "1")] if self.exact else [])
        return "?" + urlencode(pairs)

    def highlight(self, article):
        """The article's headline, lede and body with every match of the
        query's positive terms marked (see ``highlight.marked_html``), or
        None when none of them occurs."""
        return self.compiler.highlight(article, self.parsed)

    @cached_property
    def facets(self):
        return compute_facets(self)

    @cached_property
    def spelling_offers(self):
        """``[(query, count, url)]`` when the query found fewer than
        ``FEW_RESULTS``: the query with one word or name spelt as the
        gazetteer (first) or the archive spells it, for each spelling that
        finds more."""
        if self.exact or not self.has_terms or self.errors or self.count >= FEW_RESULTS:
            return []
        offers, offered = [], []
        for unit in self.parsed.units[:MAX_UNITS_CORRECTED]:
            if unit.kind == "prefix" or unit.expansion is not None:
                continue
            for spelling in closest_spellings(unit.typed):
                query = self.parsed.text.replace(unit.typed, spelling, 1)
                params = self.params.copy()
                params["q"] = query
                params.pop("page", None)
                corrected = SearchResults(params)
                if corrected.count > self.count and not any(
                    corrected.finds_the_same_as(other) for other in offered
                ):
                    offered.append(corrected)
                    offers.append((query, corrected.count, self.url(q=query)))
        return offers[:MAX_SPELLING_OFFERS]

    def finds_the_same_as(self, other):
        """Whether this search finds the same articles as ``other``: two
        spellings of one name (Zelensky, Zelenskyy) or two forms of one stem
        (sanction, sanctions) are one offer, not two."""
        return self.count == other.count and self.window_ids.ids == other.window_ids.ids

    @cached_property
    def named_pages(self):
        """(kind, entity) for the actors, places and sources whose exact name is
        the query: the page offers theirs at the top."""
        pages = []
        if len(self.parsed.groups) == 1 and len(self.parsed.groups[0]) == 1:
            expansion = self.parsed.groups[0][0].expansion
            if expansion and not self.parsed.excluded:
                pages += [(_kind_label(entity), entity) for entity in expansion.entities]
        if self.parsed.text and not self.parsed.excluded:
            pages += [("Source", source) for source in _sources_named(self.parsed.text)]
        return pages

    # Links ------------------------------------------------------------------

    @cached_property
    def clean_params(self):
        """The parameters as they were understood: values that were left out
        are gone, so links from this page never repeat a mistake."""
        params = {}
        if self.parsed.text:
            params["q"] = [self.parsed.text]
        form = self.filterset.form
        for name in ArticleFilter.ENTITY_FILTERS:
            params[name] = [obj.slug for obj in self.filterset.selected(name)]
        params["language"] = list(form.cleaned_data.get("language") or [])
        for name in ("date_from", "date_to"):
            value = form.cleaned_data.get(name)
            params[name] = [value.isoformat()] if value else []
        dated = form.cleaned_data.get("dated")
        params["dated"] = [dated] if dated else []
        if self.params.get("sort") in SORTS:
            params["sort"] = [self.params["sort"]]
        if self.exact:
            params["exact"] = ["1"]
        return {name: values for name, values in params.items() if values}

    def url(self, *, add=None, remove=None, **replace):
        """This search's URL with changes: ``add``/``remove`` are (name, value)
        pairs for repeatable parameters; keyword arguments replace a parameter
        (None drops it).  Any change but the page goes back to page 1."""
        # Encoded "name=value" pieces, the parameters' own encoded once: a page
        # builds some 250 of these URLs (cProfile, 20,000 generated articles).
        pieces = {name: list(encoded) for name, encoded in self._encoded_params.items()}
        if add:
            piece = _piece(*add)
            if piece not in pieces.setdefault(add[0], []):
                pieces[add[0]].append(piece)
        if remove:
            piece = _piece(*remove)
            pieces[remove[0]] = [p for p in pieces.get(remove[0], []) if p != piece]
        for name, value in replace.items():
            pieces[name] = [] if value is None else [_piece(name, str(value))]
        if "page" in replace and replace["page"] == 1:
            pieces["page"] = []
        return "?" + "&".join(piece for encoded in pieces.values() for piece in encoded)

    @cached_property
    def _encoded_params(self):
        return {
            name: [_piece(name, value) for value in values]
            for name, values in self.clean_params.items()
        }

    @cached_property
    def active_filters(self):
        """(label, value label, URL without it) for every filter in force."""
        active = []
        labels = {
            "source": "Source",
            "actor": "Mentions",
            "location": "Mentions",
            "exclude_source": "Not from",
            "exclude_actor": "Not mentioning",
            "exclude_location": "Not mentioning",
        }
        for name, label in labels.items():
            for obj in self.filterset.selected(name):
                active.append((label, obj.name, self.url(remove=(name, obj.slug))))
        languages = dict(Language.choices)
        for code in self.clean_params.get("language", []):
            active.append(
                ("Language", languages.get(code, code), self.url(remove=("language", code)))
            )
        for name, label in (("date_from", "From"), ("date_to", "To")):
            for value in self.clean_params.get(name, []):
                active.append((label, value, self.url(**{name: None})))
        for value in self.clean_params.get("dated", []):
            text = "date known" if value == "yes" else "date unknown"
            active.append(("Only", text, self.url(dated=None)))
        return active

    @property
    def exact_url(self):
        return self.url(exact=1)

    @property
    def expanded_url(self):
        return self.url(exact=None)

    @property
    def sort_links(self):
        if not self.has_terms:
            choices = {k: v for k, v in SORTS.items() if k != "relevance"}
        else:
            choices = SORTS
        return [
            (key, label, self.url(sort=key), key == self.sort) for key, label in choices.items()
        ]


@lru_cache(maxsize=4096)
def _piece(name, value):
    """``name=value`` as ``urlencode`` writes it (the names are plain words):
    a search page writes the same few hundred slugs of its facets each time."""
    return f"{name}={quote_plus(value)}"


def months_of(dates):
    """``[(first day of month, number of dates), ...]``, oldest month first, as
    ``ArticleQuerySet.counts_by_month()`` gives them; ``None`` is left out."""
    # Counted by day first, in C, then folded: a search page's chart counted
    # its 2,000 rows' months one by one in Python (0.6 ms, CPU time).
    months = Counter()
    for date, n in Counter(dates).items():
        if date is not None:
            months[date.replace(day=1)] += n
    return sorted(months.items())


# Stands for the name in the statement of ``_sources_named``.
_NAME_MARK = "\ue002source name"


def _sources_named(name):
    """The first three sources whose name is ``name`` but for case, by a
    statement compiled once (see ``statements.read_models``)."""
    connection = read_connection(Source)
    return read_models(
        "sources named",
        Source,
        lambda: Source.objects.filter(name__iexact=_NAME_MARK).only("name", "slug")[:3],
        [connection.ops.prep_for_iexact_query(_NAME_MARK)],  # as the lookup passes it
        [connection.ops.prep_for_iexact_query(name)],
    )


def _kind_label(entity):
    return "Place" if isinstance(entity, Location) else "Actor"


class MainEntity(NamedTuple):
    """An actor or place shown beside a search result: its name and its page."""

    name: str
    url: str


def main_mentions(mention_model, entity_field, article_ids):
    """``{article id: [MainEntity, ...]}``: the ``MAIN_ENTITIES`` most
    mentioned actors or places of each article, most mentioned first.  One
    statement of plain rows: prefetching the mentions with their entities as
    models took 4 ms of a search page's Python (CPU time through the test
    client, 100,000 synthetic articles on PostgreSQL), and the statement is
    written once (``_main_mentions_sql``), not built by the ORM each time."""
    if not article_ids:
        return {}
    sql = _main_mentions_sql(mention_model, entity_field, len(article_ids))
    rows = read_rows(mention_model, sql, article_ids)
    view_name = f"articles:{entity_field}_detail"
    main = {}
    for article_id, name, slug in rows:
        entities = main.setdefault(article_id, [])
        if len(entities) < MAIN_ENTITIES:
            entities.append(MainEntity(name, slug_url(view_name, slug)))
    return main


@lru_cache(maxsize=256)
def _main_mentions_sql(mention_model, entity_field, articles):
    """``(article id, entity name, slug)`` of every mention of the
    ``articles`` articles (as many ids, the parameters), by article, most
    mentioned first, ties by name."""
    entity = mention_model._meta.get_field(entity_field)
    article_id = mention_model._meta.get_field("article").column
    return (
        f'SELECT m."{article_id}", e."name", e."slug" FROM "{mention_model._meta.db_table}" m '
        f'INNER JOIN "{entity.related_model._meta.db_table}" e ON (m."{entity.column}" = e."id") '
        f'WHERE m."{article_id}" IN ({placeholders(articles)}) '
        'ORDER BY 1 ASC, m."count" DESC, 2 ASC'
    )
