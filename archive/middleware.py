"""When the database is away, answer with a polite 503 instead of a 500.

Django's own connection handling does the recovering: with CONN_HEALTH_CHECKS a
dead persistent connection is noticed at the start of the next request and a
new one is opened, so once the database is back the site is too.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable_response():
    """The 503 page.  It is rendered without the request, so that no context
    processor (session, messages, user) can reach for the missing database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable while serving %s: %s", request.path, exception)
        return database_unavailable_response()
