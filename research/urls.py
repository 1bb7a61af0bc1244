from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from articles.sitemaps import SITEMAPS

from . import views

app_name = "research"


class CitationFormatConverter:
    regex = "bib|ris|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CitationFormatConverter, "citation_format")

urlpatterns = [
    path("search/export.csv", views.export_csv, name="export_csv"),
    path("search/export.jsonl", views.export_jsonl, name="export_jsonl"),
    path("search/feed.atom", views.feed, name="feed"),
    path("search/cite.<citation_format:fmt>", views.search_citations, name="search_cite"),
    path("search/compare/", views.compare, name="compare"),
    path("search/months/", views.search_months, name="search_months"),
    path(
        "articles/<slug:slug>/cite.<citation_format:fmt>",
        views.article_citation,
        name="article_cite",
    ),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "research:sitemap"},
        name="sitemap_index",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
