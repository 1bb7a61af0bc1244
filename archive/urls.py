from django.contrib import admin
from django.urls import include, path

from archive.views import api_index, favicon, healthz
from articles.api import api

handler404 = "archive.views.not_found"

admin.site.site_header = "War-analysis archive"
admin.site.site_title = "Archive admin"
admin.site.index_title = "Curation"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path("", include("research.urls")),
    path("api/", api_index, name="api_index"),
    path("api/", api.urls),
    path("favicon.ico", favicon, name="favicon"),
]
