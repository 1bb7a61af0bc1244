"""Page-number pagination with links to the neighbouring pages."""

from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE = 100_000


class PageLinks(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(20, ge=1, le=100)

    class Output(Schema):
        count: int
        page: int
        pages: int
        next: str | None
        previous: str | None
        results: list

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination, request, **params):
        count = self._items_count(queryset)
        size = pagination.page_size
        start = (pagination.page - 1) * size
        pages = max(1, -(-count // size))
        return {
            "count": count,
            "page": pagination.page,
            "pages": pages,
            "next": _page_url(request, pagination.page + 1) if pagination.page < pages else None,
            "previous": (
                _page_url(request, min(pagination.page - 1, pages)) if pagination.page > 1 else None
            ),
            "results": list(queryset[start : start + size]),
        }


def _page_url(request, page):
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
