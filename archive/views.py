import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request):
    """For a load balancer: 200 "ok" while the database answers, 503 when it does
    not.  The body says nothing more; the reason goes to the log."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable: %s", exc)
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


API_ENDPOINTS = [
    ("/api/articles/", "Published articles, searched and filtered as on the search page"),
    ("/api/articles/{slug}", "One article with its text, captions and mentions"),
    ("/api/actors/", "Actors with their aliases and article counts"),
    ("/api/locations/", "Places with their aliases, parents and coordinates"),
    ("/api/sources/", "Sources with their article counts"),
]


@require_safe
def api_index(request):
    """What ``/api/`` offers: a page for a person, the same links as JSON for a
    client that asks for JSON and not HTML."""
    links = {
        "docs": reverse("api:openapi-view"),
        "schema": reverse("api:openapi-json"),
    }
    accept = request.headers.get("Accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return JsonResponse({**links, "endpoints": {path: text for path, text in API_ENDPOINTS}})
    return render(request, "api_index.html", {**links, "endpoints": API_ENDPOINTS})


FAVICON = settings.BASE_DIR / "static" / "img" / "favicon.svg"


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: the SVG icon."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/svg+xml")


def not_found(request, exception):
    """The 404 page; under /api/ the API's own JSON answer, as for its other errors."""
    if request.path.startswith(reverse("api_index")):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return page_not_found(request, exception)
