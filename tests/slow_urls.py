"""The archive's URLs plus pages for the statement-timeout tests."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from archive.urls import urlpatterns as archive_urlpatterns
from articles.models import Source

# Counts to two million one row at a time: a few tenths of a second on either database.
SLOW_STATEMENT = (
    "WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < 500000)"
    " SELECT count(*) FROM numbers"
)


def slow_page(request):
    with connection.cursor() as cursor:
        cursor.execute(SLOW_STATEMENT)
        (count,) = cursor.fetchone()
    return HttpResponse(f"counted {count}\n", content_type="text/plain")


def iterating_page(request):
    """A page whose first statement reads through a server-side cursor on PostgreSQL."""
    count = sum(1 for _ in Source.objects.values_list("pk", flat=True).iterator(chunk_size=2))
    return HttpResponse(f"iterated {count}\n", content_type="text/plain")


urlpatterns = [*archive_urlpatterns, path("slow", slow_page), path("iterating", iterating_page)]
