"""Template tags that put the research tools on the public pages with one line each."""

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import Truncator

from articles.models import Actor, Article, Location, Source

from ..charts import (
    SHARE_PARAM,
    Series,
    axes_html,
    bars_html,
    rows_html,
    share_toggle_urls,
    timeline_chart,
    wants_share,
)
from ..citations import Citation, readable

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, obj):
    """The absolute canonical URL of ``obj``: its ``get_absolute_url`` on this host."""
    return context["request"].build_absolute_uri(obj.get_absolute_url())


@register.inclusion_tag("research/_citation.html", takes_context=True)
def article_citation(context, article):
    citation = Citation.for_article(article, absolute_url(context, article))
    return {"article": article, "citation": citation, "readable": readable(citation)}


@register.inclusion_tag("research/_social_meta.html", takes_context=True)
def social_meta(context, obj):
    """Canonical link and Open Graph tags for an article or an entity page."""
    is_article = isinstance(obj, Article)
    if is_article:
        title = obj.title
        description = obj.lede or next(iter(obj.paragraphs), "")
    else:
        title = obj.name
        description = getattr(obj, "description", "")
    return {
        "canonical_url": absolute_url(context, obj),
        "title": title,
        "description": Truncator(" ".join(description.split())).chars(200),
        "article": obj if is_article else None,
    }


# The search parameter that filters by an entity of each kind.
SEARCH_PARAMETERS = {Actor: "actor", Location: "location", Source: "source"}


@register.inclusion_tag("research/_timeline_chart.html", takes_context=True)
def entity_timeline(context, entity, counts):
    """The per-month chart of the published articles that mention ``entity`` (or
    come from it); ``counts`` are their counts_by_month(), which the page has."""
    request = context["request"]
    series = Series(entity.name, counts, QueryDict(mutable=True))
    series.params[SEARCH_PARAMETERS[type(entity)]] = entity.slug
    return _chart_context(request, [series], f"Articles about {entity.name} per month")


def _chart_context(request, series, heading):
    count_url, share_url = share_toggle_urls(request)
    return {
        "chart": timeline_chart(series, share=wants_share(request.GET)),
        "chart_id": "timeline",
        "heading": heading,
        "count_url": count_url,
        "share_url": share_url,
    }


def _search_query(request):
    """The search's query string without the page number and the chart switch."""
    params = request.GET.copy()
    for name in ("page", SHARE_PARAM):
        params.pop(name, None)
    return params.urlencode()


@register.inclusion_tag("research/_search_feed_link.html", takes_context=True)
def search_feed_link(context):
    """<link rel=alternate> to the Atom feed of the current search, for the page's <head>."""
    return {"query": _search_query(context["request"])}


@register.inclusion_tag("research/_search_exports.html", takes_context=True)
def search_exports(context):
    """Export, cite, follow and compare links for the current search."""
    return {"query": _search_query(context["request"])}


@register.inclusion_tag("research/_timeline_chart.html", takes_context=True)
def search_timeline(context, results):
    """The chart of the current search's matching articles per month (see
    ``search_timeline_link`` for a search with more matches than it read)."""
    request = context["request"]
    filters = "; ".join(f"{label}: {value}" for label, value, _ in results.active_filters)
    series = Series(
        request.GET.get("q", "").strip() or filters or "All articles",
        results.counts_by_month(),
        request.GET.copy(),
    )
    return _chart_context(request, [series], "Matching articles per month")


@register.inclusion_tag("research/_timeline_link.html", takes_context=True)
def search_timeline_link(context, results):
    """A link to the chart of the current search's matches per month, which
    ``archive.js`` replaces with the chart itself (``research.views.search_months``)."""
    url = reverse("research:search_months")
    query = _search_query(context["request"])
    return {
        "url": f"{url}?{query}" if query else url,
        "heading": "Matching articles per month",
        "count": results.shown_count,
        "capped": results.count_is_capped,
    }


register.simple_tag(axes_html, name="chart_axes")
register.simple_tag(bars_html, name="chart_bars")
register.simple_tag(rows_html, name="chart_rows")
