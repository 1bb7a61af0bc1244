"""The read-only JSON API under ``/api/``, documented at ``/api/schema/``.

Built with django-ninja: the response schemas in :mod:`.schemas` both shape the
output and generate the OpenAPI document, so the two cannot drift apart.  Only
GET routes exist; every other method is answered with 405.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate

from .. import models, month_counts
from ..search import search_articles
from ..search.errors import describe_search_errors
from ..version import archive_version
from . import schemas
from .pagination import PageLinks

api = NinjaAPI(
    title="War-analysis archive API",
    version=archive_version(),
    description=(
        "Read-only access to the archive's published articles, actors, locations and "
        "sources. Lists are paginated with `page` and `page_size` (at most 100)."
    ),
    openapi_url="/schema/",
    docs_url="/docs/",
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def bad_parameters(request, exc):
    """Bad parameters are the client's error: 400 with what was wrong, not ninja's 422."""
    return api.create_response(request, {"detail": exc.errors}, status=400)


def _published_articles():
    return models.Article.objects.published().select_related("source")


def _entities(model):
    kind = month_counts.ACTOR if model is models.Actor else month_counts.LOCATION
    return (
        month_counts.with_totals(model.objects.all(), kind, "article_count")
        .prefetch_related("aliases")
        .order_by("name", "pk")
    )


@api.get(
    "/articles/",
    response={200: list[schemas.ArticleSummary], 400: schemas.Error},
    tags=["articles"],
)
@paginate(PageLinks)
def search(request, filters: Query[schemas.SearchParams]):
    """Search the published articles with the search page's parameters and order."""
    params = request.GET.copy()
    for name in ("page", "page_size"):  # the API's own paging
        params.pop(name, None)
    results = search_articles(params)
    if results.errors:
        raise HttpError(400, describe_search_errors(results.errors))
    return results.queryset.select_related("source")


@api.get(
    "/articles/{slug:slug}",
    response={200: schemas.ArticleDetail, 404: schemas.Error},
    tags=["articles"],
)
def article(request, slug: str):
    """One published article with its text and the actors and places it mentions."""
    queryset = _published_articles().prefetch_related(
        Prefetch(
            "actor_mentions",
            models.ActorMention.objects.select_related("actor").order_by("-count", "actor__name"),
        ),
        Prefetch(
            "location_mentions",
            models.LocationMention.objects.select_related("location").order_by(
                "-count", "location__name"
            ),
        ),
    )
    return get_object_or_404(queryset, slug=slug)


@api.get("/actors/", response={200: list[schemas.Actor], 400: schemas.Error}, tags=["actors"])
@paginate(PageLinks)
def actors(request, kind: Query[schemas.ActorKind | None] = None):
    """Actors by name, each with the number of published articles that mention it."""
    queryset = _entities(models.Actor)
    return queryset.filter(kind=kind) if kind else queryset


@api.get("/actors/{slug:slug}", response={200: schemas.Actor, 404: schemas.Error}, tags=["actors"])
def actor(request, slug: str):
    return get_object_or_404(_entities(models.Actor), slug=slug)


@api.get(
    "/locations/", response={200: list[schemas.Location], 400: schemas.Error}, tags=["locations"]
)
@paginate(PageLinks)
def locations(request, kind: Query[schemas.LocationKind | None] = None):
    """Locations by name, with their parent region and coordinates where known."""
    queryset = _entities(models.Location).select_related("parent")
    return queryset.filter(kind=kind) if kind else queryset


@api.get(
    "/locations/{slug:slug}",
    response={200: schemas.Location, 404: schemas.Error},
    tags=["locations"],
)
def location(request, slug: str):
    return get_object_or_404(_entities(models.Location).select_related("parent"), slug=slug)


def _sources():
    return month_counts.with_totals(
        models.Source.objects.all(), month_counts.SOURCE, "article_count"
    ).order_by("name", "pk")


@api.get("/sources/", response={200: list[schemas.Source], 400: schemas.Error}, tags=["sources"])
@paginate(PageLinks)
def sources(request, kind: Query[schemas.SourceKind | None] = None):
    """Sources by name, each with its number of published articles."""
    queryset = _sources()
    return queryset.filter(kind=kind) if kind else queryset


@api.get(
    "/sources/{slug:slug}", response={200: schemas.Source, 404: schemas.Error}, tags=["sources"]
)
def source(request, slug: str):
    return get_object_or_404(_sources(), slug=slug)
