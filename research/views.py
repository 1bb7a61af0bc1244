"""Views of the research tools: citations, exports, feeds and the compare chart.

Everything that works on a search takes the search page's own query string and
asks :func:`articles.search.search_articles` for the results, so an export, a
feed or a chart always shows the articles the page shows, in the same order.
"""

import json

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from articles.models import Article
from articles.search import search_articles
from articles.search.errors import describe_search_errors

from .charts import MAX_SERIES, Series, share_toggle_urls, timeline_chart, wants_share
from .citations import Citation, bibtex_entry, csl_item, ris_record
from .exports import (
    csv_lines,
    export_header_lines,
    export_metadata,
    export_records,
    jsonl_lines,
    search_params,
)
from .feeds import search_feed

CITATION_FORMATS = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "json": "application/vnd.citationstyles.csl+json",
}


def article_citation(request, slug, fmt):
    article = get_object_or_404(Article.objects.published().select_related("source"), slug=slug)
    citations = [_citation(request, article)]
    response = HttpResponse(
        "".join(_citation_file(citations, fmt, meta=None)), content_type=_content_type(fmt)
    )
    response["Content-Disposition"] = f'attachment; filename="{article.slug}.{fmt}"'
    return response


def search_citations(request, fmt):
    """Every result of the search as one citation file, streamed."""
    params = search_params(request)
    results = search_articles(params)
    if results.errors:
        return _bad_search(results)
    meta = export_metadata(request, params)
    articles = results.queryset.select_related("source").iterator(chunk_size=1000)
    citations = (_citation(request, article) for article in articles)
    return _download(_citation_file(citations, fmt, meta), _content_type(fmt), "citations", fmt)


def export_csv(request):
    return _export(request, csv_lines, "text/csv; charset=utf-8", "csv")


def export_jsonl(request):
    return _export(request, jsonl_lines, "application/jsonl; charset=utf-8", "jsonl")


def feed(request):
    """The search as an Atom feed, newest first whatever the page's sort."""
    params = search_params(request, sort="newest")
    results = search_articles(params)
    if results.errors:
        return _bad_search(results)
    articles = results.queryset.select_related("source")
    atom = search_feed(request, articles, export_metadata(request, params))
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    return response


def compare(request):
    """Up to four queries on one chart, each under the same filters."""
    queries = [q.strip() for q in request.GET.getlist("q") if q.strip()][:MAX_SERIES]
    series, errors = [], []
    for query in queries:
        params = search_params(request, q=query)
        results = search_articles(params)
        if results.errors:
            errors.append((query, describe_search_errors(results.errors)))
            continue
        series.append(Series(query, results.counts_by_month(), params))
    count_url, share_url = share_toggle_urls(request)
    context = {
        "queries": queries + [""] * (MAX_SERIES - len(queries)),
        "errors": errors,
        "chart": timeline_chart(series, share=wants_share(request.GET)) if series else None,
        "chart_id": "timeline",
        "heading": "Articles per month: " + " against ".join(f"“{s.label}”" for s in series),
        "count_url": count_url,
        "share_url": share_url,
        "compared": bool(queries),
    }
    return render(request, "research/compare.html", context, status=400 if errors else 200)


def search_months(request):
    """The chart of a search's matches per month, on a page of its own.  The
    search page draws the chart in place from the matches it has read when
    it has read them all; past that it links here, and its script loads this
    chart after the page: counting every match by month took 0.4 s for
    "forces" at 1,000,000 synthetic articles on PostgreSQL."""
    params = search_params(request)
    results = search_articles(params)
    if results.errors:
        return _bad_search(results)
    return render(request, "research/search_months.html", {"results": results})


def _export(request, write_lines, content_type, extension):
    params = search_params(request)
    results = search_articles(params)
    if results.errors:
        return _bad_search(results)
    meta = export_metadata(request, params)
    records = export_records(results.queryset, request)
    return _download(write_lines(records, meta), content_type, "search", extension)


def _download(lines, content_type, name, extension):
    response = StreamingHttpResponse(lines, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="archive-{name}-{stamp}.{extension}"'
    return response


def _citation(request, article):
    return Citation.for_article(article, request.build_absolute_uri(article.get_absolute_url()))


def _content_type(fmt):
    return f"{CITATION_FORMATS[fmt]}; charset=utf-8"


def _citation_file(citations, fmt, meta):
    """The text of a citation file, piece by piece; ``meta`` (for a result set)
    goes where the format allows: BibTeX comments, RIS lines before the first
    record, and each CSL-JSON item's ``note``."""
    header = export_header_lines(meta) if meta else []
    if fmt == "bib":
        yield "".join(f"% {line}\n" for line in header) + "\n" * bool(header)
        for citation in citations:
            yield bibtex_entry(citation) + "\n"
    elif fmt == "ris":
        yield "".join(f"{line}\n" for line in header) + "\n" * bool(header)
        for citation in citations:
            yield ris_record(citation)
    else:
        note = meta and (
            f"Found by the search {meta['search_url']} in the War-analysis archive "
            f"(version {meta['archive_version']}) on {meta['exported_at']}."
        )
        yield "["
        for n, citation in enumerate(citations):
            item = csl_item(citation)
            if note:
                item["note"] = note
            yield ("," if n else "") + "\n" + json.dumps(item, ensure_ascii=False, indent=2)
        yield "\n]\n"


def _bad_search(results):
    return HttpResponse(
        "The search could not be run: " + describe_search_errors(results.errors) + "\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )
