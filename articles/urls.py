from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("actors/", views.actor_list, name="actor_list"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor_detail"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/<slug:slug>/", views.location_detail, name="location_detail"),
    path("sources/", views.source_list, name="source_list"),
    # A leading underscore: no slug the archive makes (slugify) can take this address.
    path("sources/_unknown/", views.source_unknown, name="source_unknown"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
]
