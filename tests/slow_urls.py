"""The archive's URLs plus one page whose statement runs for about a second,
for the statement-timeout tests."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from archive.urls import urlpatterns as archive_urlpatterns

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


urlpatterns = [*archive_urlpatterns, path("slow", slow_page)]
