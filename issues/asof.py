"""As of a past date (DESIGN "Reports"): every issue as it stood at the end of a day.

`issues_as_of(day, among=…)` rebuilds the issues from their history rows (django-simple-history
keeps a full copy of the issue at every change): for each issue, its latest history row written
before the next midnight in Beijing. Issues raised later have no such row and are absent; an
issue deleted by then is absent too.

The answer is a queryset of history rows that reads like one of issues: it takes the list's
filters by the same field names (state, chain, department, due_date …), counts, orders and
pages in the database, and it yields `Issue` instances - built from the rows, never saved -
whose deadline rules (`is_overdue`, `days_overdue`, `warning` …) answer for that day, not
today (`Issue.as_of`). So the list, the API, the ledger and the dashboard's figures take it
where they take an issue queryset.

Co-departments (协办) as they stood come the same way from the history of `IssueDepartment`
(one row per department ever involved, with its role and whether it is involved). Rows
written before that history existed (none in a database migrated with it; `bench_scale`
bulk-creates without it) have no past, so as of a day they are absent.

Queries: one for the rows (the last row per issue by a correlated subquery on SQLite, by
`DISTINCT ON` on PostgreSQL), one per chunk of rows for their co-departments.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues import deadlines
from issues.models import (
    Issue,
    IssueDepartment,
    Role,
    extension_count,
    notice_count,
)
from issues.states import OPEN_STATES
from liaison.formats import cn_date

HistoricalIssue = Issue.history.model
HistoricalIssueDepartment = IssueDepartment.history.model
INVALID_DATE = gettext_lazy("请输入有效的日期，格式为 YYYY-MM-DD。")

# Issue fields a history row carries (all but `updated_at`, excluded from the history).
_FIELDS = [
    f
    for f in Issue._meta.concrete_fields
    if f.attname in {h.attname for h in HistoricalIssue._meta.concrete_fields}
]
_RELATIONS = [f.name for f in _FIELDS if f.is_relation]
RELATED = ("chain__union", "category", "measure", "department", "raised_by")
CHUNK = 1000  # rows turned into issues (and their co-departments fetched) at a time


def end_of(day: date) -> datetime:
    """The next midnight after `day` in Beijing: the end of that day."""
    tz = timezone.get_default_timezone()  # TIME_ZONE, Asia/Shanghai
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)


def validate_as_of(day: date) -> None:
    """A past day or today; the future has no history yet."""
    if day > deadlines.today():
        raise ValidationError(_("查询日期不能晚于今天。"), code="future")


def parse_as_of(value: str | None) -> date | None:
    """`as_of=YYYY-MM-DD` of a request: None when absent, else the date, else ValidationError."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(INVALID_DATE, code="invalid") from None
    validate_as_of(day)
    return day


def banner(day: date) -> str:
    """The line every as-of page shows above what it rebuilt."""
    return _("以下为 %(day)s 日终时的状态，根据历史记录重建。") % {"day": cn_date(day)}


def issues_as_of(day: date, *, among: QuerySet | None = None) -> AsOfQuerySet:
    """Every issue (of `among`, an issue queryset: who may see what) as it stood at the end
    of `day`, Beijing time."""
    queryset: AsOfQuerySet = AsOfQuerySet(model=HistoricalIssue).filter(
        history_id__in=_last_rows(HistoricalIssue, day, "id")
    )
    if among is not None:
        queryset = queryset.filter(id__in=among.order_by().values("pk"))
    queryset.as_of = day
    return (
        queryset.select_related(*RELATED)
        .with_extension_count()
        .with_notice_count()
        .order_by("-raised_at", "-id")
    )


def _last_rows(history, day: date, *keys: str) -> QuerySet:
    """The ids of the history rows of `history` that stood at the end of `day`: for each value
    of `keys` (one object), the last row written before then, unless it records a deletion."""
    # "Last" is the last written (history_id), not the latest history_date: a back-dated
    # row (seed_demo writes each moment's changes under time_machine, not always in order)
    # must never hide a change written after it, or as of today would differ from now.
    rows = history.objects.filter(history_date__lt=end_of(day))
    if connection.vendor == "postgresql":
        last = rows.order_by(*keys, "-history_id").distinct(*keys)
    else:
        newest = rows.filter(**{key: OuterRef(key) for key in keys}).order_by("-history_id")
        last = rows.filter(history_id=Subquery(newest.values("history_id")[:1]))
    # On PostgreSQL the deletion is left out after DISTINCT ON picked it, never before.
    return (
        history.objects.filter(history_id__in=last.values("history_id"))
        .exclude(history_type="-")
        .values("history_id")
    )


def _co_departments_then(day: date) -> QuerySet:
    """The co-departments (协办) of every issue at the end of `day`: the involvement rows that
    stood then, as co-department and involved."""
    rows = _last_rows(HistoricalIssueDepartment, day, "issue_id", "department_id")
    return HistoricalIssueDepartment.objects.filter(history_id__in=rows, role=Role.CO, active=True)


class AsOfQuerySet(QuerySet):
    """History rows as issues as of `as_of`: the methods of `IssueQuerySet` the filters and
    figures use, with the deadline rules on that day."""

    as_of: date

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._iterable_class = _IssueIterable

    def _clone(self):
        clone = super()._clone()  # type: ignore[misc]  # private to Django, absent from stubs
        clone.as_of = getattr(self, "as_of", None)
        return clone

    def _on(self, on: date | None) -> date:
        return on or self.as_of

    def involving(self, department) -> AsOfQuerySet:
        """Led by `department` then, or with it as a co-department then."""
        co = _co_departments_then(self.as_of).filter(department=department)
        return self.filter(Q(department=department) | Q(id__in=co.values("issue_id")))

    def open(self) -> AsOfQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, on=None, *, by_more_than=None) -> AsOfQuerySet:
        return self.filter(deadlines.overdue_q(self._on(on), by_more_than=by_more_than))

    def due_soon(self, on=None) -> AsOfQuerySet:
        return self.filter(deadlines.due_soon_q(self._on(on)))

    def warning(self, level: str, on=None) -> AsOfQuerySet:
        rule = {"red": deadlines.red_q, "yellow": deadlines.yellow_q}[level]
        return self.filter(rule(self._on(on)))

    def unacknowledged(self, on=None) -> AsOfQuerySet:
        return self.filter(deadlines.unacknowledged_q(self._on(on)))

    def escalated(self, on=None) -> AsOfQuerySet:
        return self.filter(deadlines.escalated_q(self._on(on)))

    def with_related(self) -> AsOfQuerySet:
        return self.select_related(*RELATED)

    def with_extension_count(self) -> AsOfQuerySet:
        """`extension_count`: the extension requests approved by the end of that day."""
        return self.annotate(extension_count=extension_count(outer="id", before=self._end))

    def with_notice_count(self) -> AsOfQuerySet:
        """`notice_count`: the 催办/督办 notices issued by the end of that day."""
        return self.annotate(notice_count=notice_count(outer="id", before=self._end))

    @property
    def _end(self):
        return end_of(self.as_of)

    def with_co_departments(self) -> AsOfQuerySet:
        return self  # every issue yielded carries its co-departments then (`_IssueIterable`)


class _IssueIterable(ModelIterable):
    """Yields each history row as an unsaved `Issue` as of the queryset's day."""

    def __iter__(self):
        queryset = self.queryset
        assert isinstance(queryset, AsOfQuerySet)
        day = queryset.as_of
        annotations = list(queryset.query.annotations)
        rows = super().__iter__()
        while chunk := list(islice(rows, CHUNK)):
            issues = [_issue(row, day, annotations) for row in chunk]
            _attach_co_departments(issues, day)
            yield from issues


def _issue(row, day: date, annotations: list[str]) -> Issue:
    issue = Issue.from_db(
        row._state.db, [f.attname for f in _FIELDS], [getattr(row, f.attname) for f in _FIELDS]
    )
    for name in _RELATIONS:  # what select_related fetched with the row
        if name in row._state.fields_cache:
            issue._state.fields_cache[name] = row._state.fields_cache[name]
    for name in annotations:
        setattr(issue, name, getattr(row, name))
    issue.as_of = day
    return issue


def _attach_co_departments(issues: list[Issue], day: date) -> None:
    by_issue: dict[int, list] = {issue.pk: [] for issue in issues}
    rows = (
        _co_departments_then(day)
        .filter(issue_id__in=by_issue)
        .select_related("department")
        .order_by("department__code")
    )
    for row in rows:
        by_issue[row.issue_id].append(row)
    for issue in issues:
        issue.co_involvements = by_issue[issue.pk]  # type: ignore[attr-defined]  # as with_co_departments
