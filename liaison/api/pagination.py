"""The API's pages: `{count, next, previous, results}` (DESIGN "Public API (v1)"), flat at scale.

`count` is exact up to `COUNT_LIMIT` (1,000) matching rows; beyond that it is PostgreSQL's
planner estimate (never below `COUNT_LIMIT` + 1) rather than a count of every row per request. `page`
numbers work as always; in the newest-first (or oldest-first) order the `next` link also carries
a `cursor`, so a client walking every page reads each one by index instead of skipping all the
rows before it. `previous` is a numbered page. See `liaison.pagination`.
"""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from liaison.pagination import COUNT_LIMIT, BoundedPaginator, InvalidPage


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = BoundedPaginator(
            queryset,
            page_size,
            cursor=request.query_params.get(self.cursor_query_param),
            estimate=True,
        )
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:  # a page past the end, or a cursor that means nothing
            raise NotFound(
                self.invalid_page_message.format(page_number=page_number, message=str(exc))
            ) from exc
        if self.page.has_next() or self.page.has_previous():
            self.display_page_controls = self.template is not None
        return list(self.page)

    def get_next_link(self):
        url = super().get_next_link()
        if url is None:
            return None
        cursor = getattr(self.page, "next_cursor", "")  # a BoundedPage's
        if cursor:
            return replace_query_param(url, self.cursor_query_param, cursor)
        return remove_query_param(url, self.cursor_query_param)

    def get_previous_link(self):
        url = super().get_previous_link()
        return remove_query_param(url, self.cursor_query_param) if url else None

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        body["properties"]["count"]["description"] = (
            f"Exact up to {COUNT_LIMIT:,} matching rows; above that PostgreSQL's estimate "
            f"(at least {COUNT_LIMIT + 1:,})."
        )
        body["properties"]["next"]["description"] = (
            "The next page; in the -raised_at (default) and raised_at orders it carries a "
            "`cursor` that starts the page after the last row of this one."
        )
        return body

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque; given in `next` links (then `page` is that page's "
                "number). Unknown or stale: 404.",
                "schema": {"type": "string"},
            }
        )
        return parameters
