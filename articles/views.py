"""The public pages.  Views stay thin: searching is ``articles.search``, the
page queries are ``articles.browsing``.  A page with a bad parameter still
renders, says what was wrong and answers 400."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import get_object_or_404, render

from . import browsing, month_counts
from .article_layout import article_layout
from .curation.merging import redirect_merged_or_404
from .models import Actor, Alias, Location, MovedActor, Source, SourceMention
from .pagination import InIdOrder, paginate, parse_page_number
from .search import search_articles
from .search.highlight import marked_html
from .stories import alternates, fold_results, story_of

HOME_NEWEST = 10
HOME_ENTITIES = 12
INDEX_PAGE_SIZE = 100
NAMED_IN_SHOWN = 10  # articles of other sources naming an outlet, on its page


def home(request):
    return render(
        request,
        "articles/home.html",
        {
            "newest": browsing.published_articles().newest_first()[:HOME_NEWEST],
            "top_actors": browsing.most_mentioned(Actor, HOME_ENTITIES),
            "top_locations": browsing.most_mentioned(Location, HOME_ENTITIES),
            "article_count": month_counts.total(month_counts.ARCHIVE),
        },
    )


def search(request):
    results = search_articles(request.GET)
    page = results.page
    page.items[:] = fold_results(page.items)  # one line per story, see articles.stories
    context = {
        "results": results,
        "page": page,
        "facets": results.facets,
        "query": results.parsed.text,
        **_undated_left_out(results),
    }
    return render(request, "articles/search.html", context, status=400 if results.errors else 200)


def _undated_left_out(results):
    """How many articles a date range leaves out for having no date, and the
    search that lists them (``dated=no``), when a range is in force."""
    params = results.clean_params
    if not ("date_from" in params or "date_to" in params):
        return {}
    undated = QueryDict(mutable=True)
    for name, values in params.items():
        if name not in ("date_from", "date_to", "dated", "sort"):
            undated.setlist(name, values)
    undated["dated"] = "no"
    count = results.with_filters(undated).count
    if not count:
        return {}
    return {"undated_count": count, "undated_url": f"?{undated.urlencode()}"}


def article_detail(request, slug):
    article = get_object_or_404(browsing.published_articles(), slug=slug)
    actor_mentions, location_mentions = browsing.article_mentions(article)
    context = {
        "article": article,
        "actor_mentions": actor_mentions,
        "location_mentions": location_mentions,
        "related": browsing.related_articles(
            article,
            [mention.actor_id for mention in actor_mentions],
            [mention.location_id for mention in location_mentions],
        ),
        "captions": _captions(article),
        "story": story_of(article),
        "alternates": alternates(request, article),
        "outlet_mentions": article.source_mentions.select_related("source")
        .only("count", "article_id", "source__name", "source__slug")
        .order_by("-count", "source__name"),
        **_highlighting(request, article),
    }
    return render(request, "articles/article_detail.html", context)


def _captions(article):
    captions = article.captions if isinstance(article.captions, list) else []
    return [
        {"text": c.get("text", ""), "credit": c.get("credit", "")}
        if isinstance(c, dict)
        else {"text": str(c), "credit": ""}
        for c in captions
    ]


def _highlighting(request, article):
    """The headline, lede and body (with its headings and footnote marks) with
    the search terms marked, when the reader arrives from a search (``?q=``),
    and the first marked paragraph."""
    blocks, lede_html, notices = article_layout(article, article.paragraphs, article.lede)
    context = {
        "title_html": article.title,
        "lede_html": lede_html,
        "paragraphs": blocks,
        "notices": notices,
    }
    if not request.GET.get("q"):
        return context
    results = search_articles(_search_params(request))
    marked = results.highlight(article)
    context = {**context, "search": results, "query": results.parsed.text}
    if not marked:
        return context
    title, lede, body = marked
    paragraphs = [p for p in (part.strip() for part in body.split("\n\n")) if p]
    blocks, lede_html, _ = article_layout(article, paragraphs, lede)
    first = next((block["number"] for block in blocks if block.get("marked")), None)
    return {
        **context,
        "title_html": marked_html(title),
        "lede_html": lede_html,
        "paragraphs": blocks,
        "first_match": first,
        "highlighted": True,
    }


def _search_params(request):
    params = QueryDict(mutable=True)
    for name in ("q", "exact"):
        if name in request.GET:
            params[name] = request.GET[name]
    return params


def _page_url(params):
    """``url_for(n)`` for paginate: these parameters and page n."""

    def url_for(number):
        query = params.copy()
        if number > 1:
            query["page"] = str(number)
        return "?" + query.urlencode() if query else "?"

    return url_for


def _entity_page(request, entity, template, extra=None):
    """An actor's, place's or source's page: its articles newest first, their
    chart by month and the entities mentioned alongside.

    The total and the chart come from the kept month counts
    (``articles.month_counts``): counting every article of the busiest actor
    by month took 0.5 to 1 s at 1,000,000 synthetic articles on PostgreSQL.
    The pages stop at ``ARCHIVE_SEARCH_COUNT_LIMIT`` articles, as the
    search's do."""
    number, problem = parse_page_number(request.GET.get("page"))
    articles = browsing.articles_mentioning(entity).newest_first()
    limit = settings.ARCHIVE_SEARCH_COUNT_LIMIT
    count, months = month_counts.total_and_months(browsing.count_kind(entity), entity.pk)
    # The newest articles, read once for the first pages and the co-mentions:
    # each of the three sorted all of the busiest actor's articles on SQLite
    # (33 to 41 ms each at 100,000 synthetic articles).
    newest = list(articles.values_list("pk", flat=True)[: browsing.CO_MENTION_SAMPLE])
    shown = InIdOrder(
        "published articles for lists",
        browsing.published_articles().for_lists(),
        newest,
        articles.for_lists(),
        min(count, limit),
    )
    page, past_the_end = paginate(
        shown, number, _page_url(QueryDict(mutable=True)), count=min(count, limit)
    )
    problems = [problem] if problem else []
    if past_the_end and count > limit:
        problems.append(
            f"Only the newest {limit:,} articles can be paged through here; "
            "search these articles to narrow them by date."
        )
    actors, locations = browsing.co_mentioned(newest, exclude=entity)
    context = {
        "entity": entity,
        "page": page,
        "count_is_capped": count > limit,
        "total": count,
        "months": months,
        "co_actors": actors,
        "co_locations": locations,
        "co_mentions_sampled": (
            browsing.CO_MENTION_SAMPLE if page.count > browsing.CO_MENTION_SAMPLE else None
        ),
        "problems": problems,
        **(extra or {}),
    }
    status = 400 if problem else 200
    return render(request, template, context, status=status)


def _aliases(entity):
    """(other names to show, inflected forms) of an actor or a location."""
    shown, inflected = [], []
    for alias in entity.aliases.all():
        if alias.kind == Alias.Kind.NAME:
            continue
        (inflected if alias.kind == Alias.Kind.INFLECTION else shown).append(alias)
    return shown, inflected


def actor_detail(request, slug):
    actor = Actor.objects.filter(slug=slug).first()
    if actor is None:
        moved = MovedActor.objects.select_related("source").filter(slug=slug).first()
        if moved is not None:  # a media outlet that was an actor is a source now
            return HttpResponsePermanentRedirect(moved.source.get_absolute_url())
        # Admin: a merged-away record's slug redirects (curation.merging).
        return redirect_merged_or_404(Actor, slug)
    shown, inflected = _aliases(actor)
    return _entity_page(
        request,
        actor,
        "articles/actor_detail.html",
        {"aliases": shown, "inflections": inflected, "filter_name": "actor"},
    )


def location_detail(request, slug):
    location = Location.objects.select_related("parent").filter(slug=slug).first()
    if location is None:  # Admin: a merged-away record's slug redirects (curation.merging).
        return redirect_merged_or_404(Location, slug)
    shown, inflected = _aliases(location)
    children = browsing.with_article_counts(location.children.all()).order_by("name")
    return _entity_page(
        request,
        location,
        "articles/location_detail.html",
        {
            "aliases": shown,
            "inflections": inflected,
            "children": children,
            "filter_name": "location",
        },
    )


def source_unknown(request):
    """The published articles whose source is unknown, newest first."""
    number, problem = parse_page_number(request.GET.get("page"))
    articles = browsing.published_articles().filter(source__isnull=True).newest_first()
    page, _ = paginate(articles, number, _page_url(QueryDict(mutable=True)))
    context = {"page": page, "problems": [problem] if problem else []}
    return render(request, "articles/source_unknown.html", context, status=400 if problem else 200)


def source_detail(request, slug):
    source = Source.objects.filter(slug=slug).first()
    if source is None:  # Admin: a merged-away record's slug redirects (curation.merging).
        return redirect_merged_or_404(Source, slug)
    # The articles of other sources that name this outlet, newest first.
    named_in = (
        browsing.published_articles()
        .filter(source_mentions__source=source)
        .exclude(source=source)
        .select_related("source")
        .newest_first()
    )
    extra = {
        "filter_name": "source",
        "named_in": named_in[:NAMED_IN_SHOWN],
        "named_in_count": named_in.count(),
    }
    return _entity_page(request, source, "articles/source_detail.html", extra)


INDEX_SORTS = {"articles": "Most articles", "name": "A–Z"}
WITH_ARTICLES = Q(n__gt=0)


def _index(request, model, template, title, shown=WITH_ARTICLES):
    """An index of actors, places or sources: most articles first (``sort=name``
    for A–Z), those that are not ``shown`` (without a published article) only
    with ``empty=1``, and ``q`` keeping the names (or aliases) that contain it."""
    kinds = browsing.kind_counts(model)
    kind = request.GET.get("kind", "")
    problems = []
    entities = browsing.with_article_counts(model.objects.all())
    if kind:
        if kind in dict(model.Kind.choices):
            entities = entities.filter(kind=kind)
        else:
            problems.append(f"kind: “{kind[:40]}” is not a kind of {model._meta.verbose_name}.")
            kind = ""
    name_filter = " ".join(request.GET.get("q", "").split())[:100]
    if name_filter:
        named = Q(name__icontains=name_filter)
        if model is not Source:
            aliased = model._meta.get_field("aliases").related_model.objects.filter(
                name__icontains=name_filter
            )
            named |= Q(pk__in=aliased.values("entity_id"))
        entities = entities.filter(named)
    show_empty = request.GET.get("empty") == "1"
    empty_count = None
    if not show_empty:
        empty_count = entities.exclude(shown).count()
        entities = entities.filter(shown)
    order = request.GET.get("sort", "")
    if order not in INDEX_SORTS:
        order = "articles"
    entities = entities.order_by("-n", "name") if order == "articles" else entities.order_by("name")
    number, problem = parse_page_number(request.GET.get("page"))
    if problem:
        problems.append(problem)

    def link(**changes):
        """This index's URL with ``changes`` (an empty value drops a parameter), on page 1."""
        values = {"kind": kind, "q": name_filter, "sort": order, "empty": "1" if show_empty else ""}
        values.update(changes)
        if values["sort"] == "articles":
            values["sort"] = ""
        query = QueryDict(mutable=True)
        for name, value in values.items():
            if value:
                query[name] = value
        return f"?{query.urlencode()}" if query else "?"

    params = QueryDict(link()[1:], mutable=True)
    page, _ = paginate(entities, number, _page_url(params), size=INDEX_PAGE_SIZE)
    unknown_source_count = (
        browsing.published_articles().filter(source__isnull=True).count() if model is Source else 0
    )
    context = {
        "title": title,
        "page": page,
        "kinds": [(value, label, n, link(kind=value)) for value, label, n in kinds],
        "all_kinds_url": link(kind=""),
        "kind": kind,
        "name_filter": name_filter,
        "sort_links": [
            (key, label, key == order, link(sort=key)) for key, label in INDEX_SORTS.items()
        ],
        "sort": order if order != "articles" else "",
        "show_empty": show_empty,
        "empty_count": empty_count,
        "show_empty_url": link(empty="1"),
        "hide_empty_url": link(empty=""),
        "clear_filter_url": link(q=""),
        "unknown_source_count": unknown_source_count,
        "problems": problems,
    }
    return render(request, template, context, status=400 if problems else 200)


def actor_list(request):
    return _index(request, Actor, "articles/entity_list.html", "Actors")


def location_list(request):
    return _index(request, Location, "articles/entity_list.html", "Places")


def source_list(request):
    # Outlets the gazetteer knows are listed once the archive has or names them.
    named = Exists(SourceMention.objects.filter(source=OuterRef("pk")))
    shown = WITH_ARTICLES | Q(named)
    return _index(request, Source, "articles/entity_list.html", "Sources", shown)
