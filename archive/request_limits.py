"""A clear refusal of an address too long to serve.

gunicorn refuses a request line longer than its ``limit_request_line``
(gunicorn.conf.py) with a bare 400 before the archive sees it.  The archive
refuses a query string over ``ARCHIVE_MAX_QUERY_STRING`` bytes itself, below
that limit, with a page that says what to shorten: so a search that grows too
long by its filters gets an answer a reader understands.
"""

from django.conf import settings
from django.shortcuts import render

from articles.filters import MAX_VALUES
from articles.search.query import MAX_QUERY_LENGTH


class QueryStringLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > settings.ARCHIVE_MAX_QUERY_STRING:
            context = {"max_query_length": MAX_QUERY_LENGTH, "max_values": MAX_VALUES}
            return render(request, "414.html", context, status=414)
        return self.get_response(request)
