"""Pages of long lists that cost the same at a thousand rows as at a million (issue 14).

A page of a list must not count every row it could show, nor read every row before it
(`OFFSET`). Shared by the issue list page and the API's pagination (`liaison.api.pagination`):

- `BoundedPaginator` counts at most `COUNT_LIMIT` rows (one `COUNT(*)` over a `LIMIT`): below
  that the count is exact; above it the page says "1,000+" (`count_exact` false), or the API
  gives PostgreSQL's planner estimate (`estimate=True`). Pages past the counted rows still
  exist: a page reads one row more than it shows to know whether there is a next one.
- `Sections`: a list read as several querysets one after another, each in the order of its own
  index (the most overdue first: the overdue issues by due date, then the others), where one
  ORDER BY mixing them (`CASE … THEN 0`) would sort every row of the list per page.
- Keyset pages: when a list is ordered by one non-null field and the primary key in the same
  direction (the issues' `-raised_at, -id`, served by an index), the next page's link carries a
  cursor, the last row's (value, id), and that page starts there by index instead of skipping
  everything before it. The page number travels beside the cursor for display and for the
  previous link (an ordinary numbered page). A deep numbered page without a cursor skips
  over ids only, then reads its own rows (one query more, past `DEEP_OFFSET` rows).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

# 1,000, as GitLab counts its lists ("1,000+"): a bounded count reads up to this many index
# entries per page view, and a common search word matches hundreds of thousands of issues at
# 1M — at 10,000 its count cost 120–275 ms of PostgreSQL per page under load, at 1,000 ~10 ms
# (issue 16). Exact figures are the dashboard's and the reports' (the rollups), not a list's.
COUNT_LIMIT = 1_000
DEEP_OFFSET = 1_000  # from this many rows skipped, a numbered page skips ids first


class InvalidCursor(InvalidPage):
    pass


def count_source(queryset: QuerySet) -> QuerySet:
    """What to count for the rows of `queryset`: its `count_source()` when its class offers one
    (as many rows, cheaper to count: a department's issues are its involvement rows,
    `issues.models.IssueQuerySet`), else the queryset itself."""
    source = getattr(queryset, "count_source", None)
    return source() if callable(source) else queryset


def bounded_count(queryset: QuerySet | Sections, limit: int = COUNT_LIMIT) -> int:
    """The number of rows, counted up to `limit + 1` (which then means "more than `limit`")."""
    if isinstance(queryset, Sections):
        return min(limit + 1, sum(bounded_count(part, limit) for part in queryset.parts))
    return count_source(queryset).order_by().values("pk")[: limit + 1].count()


def estimated_count(queryset: QuerySet | Sections) -> int:
    """PostgreSQL's planner estimate of the rows of `queryset` (elsewhere the exact count)."""
    if isinstance(queryset, Sections):
        return sum(estimated_count(part) for part in queryset.parts)
    queryset = count_source(queryset)
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def rows_between(queryset: QuerySet, bottom: int, top: int) -> list:
    """The rows `bottom` to `top` (excluded) of an ordered queryset. Deep in the list, the ids
    are skipped over first (an index-only walk), then the page's rows and their joins are read:
    OFFSET on the full query would join every skipped row."""
    if bottom < DEEP_OFFSET:
        return list(queryset[bottom:top])
    ids = list(queryset.values_list("pk", flat=True)[bottom:top])
    return list(queryset.filter(pk__in=ids)) if ids else []


class Sections:
    """The rows of `parts` one after another, each queryset in its own order (an index's).

    What a `Paginator` needs of a list (`count()`, slices, iteration), without one query over
    the whole: a slice reads the part it starts in and, when that part ends within the slice,
    the next one from its beginning. Where a part ends is found from the rows read (or, for a
    slice past its end, by counting it: an index-only count of that part alone).
    """

    def __init__(self, *parts: QuerySet):
        self.parts = parts

    def count(self) -> int:
        return sum(part.count() for part in self.parts)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        for part in self.parts:
            yield from part

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("Sections are read in slices")
        bottom, top = index.start or 0, index.stop
        rows: list = []
        for part in self.parts:
            if top is not None and bottom >= top:
                break
            # Deep in the list, maybe past this part: counted first (no order, an index-only
            # count) rather than asked for an OFFSET past its end, which the planner may sort.
            counted = bounded_count(part, bottom) if bottom >= DEEP_OFFSET else None
            if counted is not None and counted <= bottom:
                rows_here, size = [], counted
            else:
                rows_here = (
                    rows_between(part, bottom, top) if top is not None else list(part[bottom:])
                )
                # How many rows this part has, so that the next part's slice starts at its top.
                size = bottom + len(rows_here) if rows_here or bottom == 0 else part.count()
            rows += rows_here
            bottom = max(0, bottom - size)
            top = None if top is None else top - size
        return rows


@dataclass(frozen=True)
class Keyset:
    """An order `field, pk` (both ascending or both descending) and how to start after a row."""

    field: str
    descending: bool

    @classmethod
    def of(cls, queryset: QuerySet) -> Keyset | None:
        """The keyset of the queryset's order, or None when its order is not of that form."""
        order = [o for o in queryset.query.order_by if isinstance(o, str)]
        if len(order) != 2 or len(queryset.query.order_by) != 2:
            return None
        first, second = order
        descending = first.startswith("-")
        if second.lstrip("-") not in ("pk", "id") or second.startswith("-") != descending:
            return None
        name = first.lstrip("-")
        try:
            field = queryset.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if field.null or not field.concrete or field.is_relation:
            return None
        return cls(name, descending)

    def cursor(self, row) -> str:
        value = getattr(row, self.field)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        text = json.dumps([value, row.pk], separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def after(self, queryset: QuerySet, cursor: str) -> QuerySet:
        """The rows of `queryset` after the one the cursor names, in the same order."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            raw, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
            value = queryset.model._meta.get_field(self.field).to_python(raw)
            pk = int(pk)
        except (ValueError, TypeError, ValidationError) as exc:  # binascii and JSON errors too
            raise InvalidCursor(str(exc) or "invalid cursor") from exc
        # `field <= value AND (field < value OR pk < id)`: the first term bounds the index
        # scan, which a bare OR would not.
        if self.descending:
            return queryset.filter(
                Q(**{f"{self.field}__lte": value}),
                Q(**{f"{self.field}__lt": value}) | Q(pk__lt=pk),
            )
        return queryset.filter(
            Q(**{f"{self.field}__gte": value}),
            Q(**{f"{self.field}__gt": value}) | Q(pk__gt=pk),
        )


class BoundedPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool, next_cursor: str = ""):
        super().__init__(object_list, number, paginator)
        self.more = more
        self.next_cursor = next_cursor

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        if not self.more:
            raise EmptyPage("no next page")
        return self.number + 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class BoundedPaginator(Paginator):
    """A `Paginator` that counts at most `COUNT_LIMIT` rows and pages by keyset when it can."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        cursor: str | None = None,
        estimate: bool = False,
        count_limit: int | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.cursor = cursor or None
        self.estimate = estimate
        self.count_limit = count_limit or COUNT_LIMIT
        self.queryset: QuerySet | None = object_list if isinstance(object_list, QuerySet) else None
        self.keyset = Keyset.of(self.queryset) if self.queryset is not None else None
        # What is counted with a bound (never `len()`, which would read every row).
        self.countable = object_list if isinstance(object_list, QuerySet | Sections) else None

    @cached_property
    def counted(self) -> int:
        if self.countable is not None:
            return bounded_count(self.countable, self.count_limit)
        return len(self.object_list)

    @cached_property
    def count_exact(self) -> bool:
        return self.counted <= self.count_limit

    @cached_property
    def count(self) -> int:
        if self.count_exact:
            return self.counted
        if self.estimate and self.countable is not None:
            return max(estimated_count(self.countable), self.count_limit + 1)
        return self.count_limit  # shown as "1,000+"

    def validate_number(self, number) -> int:
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.count_exact or int(number) < 1:
                raise
            return int(number)  # past the counted rows: the page itself says whether it exists

    def page(self, number) -> BoundedPage:
        number = self.validate_number(number)
        if self.cursor and self.keyset is not None and self.queryset is not None:
            rows = list(self.keyset.after(self.queryset, self.cursor)[: self.per_page + 1])
        elif self.cursor:
            raise InvalidCursor("this order has no cursor")
        elif self.queryset is not None:
            bottom = (number - 1) * self.per_page
            rows = rows_between(self.queryset, bottom, bottom + self.per_page + 1)
        else:
            bottom = (number - 1) * self.per_page
            rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("that page contains no results")
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        next_cursor = self.keyset.cursor(rows[-1]) if more and self.keyset else ""
        return BoundedPage(rows, number, self, more=more, next_cursor=next_cursor)

    def get_page(self, number) -> BoundedPage:
        """Like Django's: a bad page number gives the first page, one too far the last counted."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except InvalidCursor:
            self.cursor = None
            return self.get_page(number)
        except EmptyPage:
            self.cursor = None
            return self.page(max(1, min(self.num_pages, int(number))))
