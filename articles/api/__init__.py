"""The read-only JSON API under ``/api/``, documented at ``/api/schema/``.

Built with django-ninja: the response schemas in :mod:`.schemas` both shape the
output and generate the OpenAPI document, so the two cannot drift apart.  Every
route answers GET and HEAD; every other method is answered with 405.  An empty
query parameter (``?kind=``, as an empty form field sends it) is one not given.
"""

from django.core.validators import slug_re
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.parser import Parser

from .. import models, month_counts
from ..search import search_articles
from ..search.errors import describe_search_errors
from ..version import archive_version
from . import schemas
from .pagination import PageLinks


class EmptyMeansAbsentParser(Parser):
    """Reads ``?kind=&page=`` as no ``kind`` and no ``page``: the defaults apply."""

    def parse_querydict(self, data, list_fields, request):
        given = QueryDict(mutable=True)
        for name, values in data.lists():
            values = [value for value in values if value.strip()]
            if values:
                given.setlist(name, values)
        return super().parse_querydict(given, list_fields, request)


class ArchiveAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The document, each optional query parameter marked as accepting an
        empty value (``allowEmptyValue``), which the parser reads as not given."""
        document = super().get_openapi_schema(**kwargs)
        for operations in document["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query" and not parameter.get("required"):
                        parameter["allowEmptyValue"] = True
        return document

    def get(self, path, **kwargs):
        """A GET route that answers HEAD too (documented once, as GET)."""

        def register(view):
            self.api_operation(["HEAD"], path, include_in_schema=False, **kwargs)(view)
            return super(ArchiveAPI, self).get(path, **kwargs)(view)

        return register


api = ArchiveAPI(
    title="War-analysis archive API",
    version=archive_version(),
    description=(
        "Read-only access to the archive's published articles, actors, locations and "
        "sources. Lists are paginated with `page` and `page_size` (at most 100)."
    ),
    openapi_url="/schema/",
    docs_url="/docs/",
    urls_namespace="api",
    parser=EmptyMeansAbsentParser(),
)


@api.exception_handler(ValidationError)
def bad_parameters(request, exc):
    """Bad parameters are the client's error: 400 with what was wrong, not ninja's 422."""
    return api.create_response(request, {"detail": exc.errors}, status=400)


def _by_slug(queryset, slug):
    """The object of ``queryset`` with ``slug``; 404 (as JSON) for one that is not
    a slug at all, which never reaches the database (PostgreSQL refuses NUL)."""
    if not slug_re.fullmatch(slug):
        raise Http404("Not a slug.")
    return get_object_or_404(queryset, slug=slug)


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
    response={200: list[schemas.ArticleSummary], 400: schemas.Error, 404: schemas.Error},
    tags=["articles"],
)
@paginate(PageLinks)
def search(request, filters: Query[schemas.SearchParams]):
    """Search the published articles with the search page's parameters and order.

    400 for a malformed parameter; 404 when a filter names a source, actor or
    location the archive does not have; a date range that ends before it starts
    finds nothing."""
    params = request.GET.copy()
    for name in ("page", "page_size"):  # the API's own paging
        params.pop(name, None)
    results = search_articles(params)
    unknown = results.filterset.unknown_entities()
    malformed = [
        problem
        for problem in results.errors
        if problem not in unknown and problem not in results.filterset.reversed_dates()
    ]
    if malformed:
        raise HttpError(400, describe_search_errors(malformed))
    if unknown:
        raise HttpError(404, describe_search_errors(unknown))
    return results.queryset.select_related("source")


@api.get(
    "/articles/{slug}",
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
    return _by_slug(queryset, slug)


@api.get("/actors/", response={200: list[schemas.Actor], 400: schemas.Error}, tags=["actors"])
@paginate(PageLinks)
def actors(request, kind: Query[schemas.ActorKind | None] = None):
    """Actors by name, each with the number of published articles that mention it."""
    queryset = _entities(models.Actor)
    return queryset.filter(kind=kind) if kind else queryset


@api.get("/actors/{slug}", response={200: schemas.Actor, 404: schemas.Error}, tags=["actors"])
def actor(request, slug: str):
    return _by_slug(_entities(models.Actor), slug)


@api.get(
    "/locations/", response={200: list[schemas.Location], 400: schemas.Error}, tags=["locations"]
)
@paginate(PageLinks)
def locations(request, kind: Query[schemas.LocationKind | None] = None):
    """Locations by name, with their parent region and coordinates where known."""
    queryset = _entities(models.Location).select_related("parent")
    return queryset.filter(kind=kind) if kind else queryset


@api.get(
    "/locations/{slug}",
    response={200: schemas.Location, 404: schemas.Error},
    tags=["locations"],
)
def location(request, slug: str):
    return _by_slug(_entities(models.Location).select_related("parent"), slug)


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


@api.get("/sources/{slug}", response={200: schemas.Source, 404: schemas.Error}, tags=["sources"])
def source(request, slug: str):
    return _by_slug(_sources(), slug)
