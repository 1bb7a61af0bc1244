"""The archive's URLs and one view that fails, for the 500 page's test."""

from django.urls import path

from archive.urls import urlpatterns as archive_urlpatterns


def boom(request):
    raise RuntimeError("a deliberate failure")


urlpatterns = [path("boom/", boom), *archive_urlpatterns]
