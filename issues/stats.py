"""Year and period figures: the one source of the dashboard, the annual agenda and report,
and the period bulletin.

What each figure counts is a condition of ``issues.counting`` (the same one the issue list's
filter of that figure selects); here they are aggregated. docs/figures.md defines each figure in
one sentence; ``reports.figures`` gives each its label and its link.

* The **cohort** of a period is every issue *raised* in it (Beijing dates, inclusive on both
  ends), withdrawn and merged ones included in ``raised`` but never counted as open or
  reported. Every figure of ``totals`` and of the grouped rows counts the cohort only, in its
  state now; department rows count an issue for the department that leads it now.
* Rates are fractions in [0, 1] rounded to 4 places, or ``None`` when nothing was counted;
  ``mean_days_to_resolve`` is in working days rounded to 1 place, or ``None``.
* ``by_state``: the cohort counted by its state now, one row per state of the machine.
* ``monthly``: per calendar month of the period, issues raised in it and issues whose current
  ``resolved_at`` falls in it (whatever year they were raised).
* ``escalated`` (督导事项): issues open now and raised up to the period's end that are
  escalated on ``on`` (``issues.deadlines.escalation_reasons``); ``open_problems``: every other
  such open issue. Both oldest first, at most ``listed`` of each (default ``LISTED``: what a
  report prints; ``None``: all), counted in full as ``escalated_total`` and
  ``open_problems_total``: a report of a million issues never builds a row per open issue.

Everything returned is JSON-serialisable (dates as ISO strings) so a meeting agenda can
snapshot it.

Where the numbers come from (issue 14): everyone's figures and an officer's unions' are read
from the rollup that ``issues.rollup`` keeps in the transaction of every change
(``FigureMonth`` per month raised × chain × state, measure or department for the period's
whole months, ``FigureBucket`` per day raised × chain × department × measure × state for its
other days, ``ResolvedDay`` per day resolved × chain): one grouped sum of the months (three
more over the buckets when the period has days outside whole months), one grouped count of
the overdue open issues (the only figure that depends on ``on``, read from the covering
index issue_handling_due_idx), two per month, and the reference rows - flat in the number
of issues. A department's slice (visibility by involvement) and the issues as of a
past day (``issues.asof``) are aggregated live, one query per grouping; the live path is
also the reference the tests hold the rollup to (``live=True``).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from issues import counting, deadlines
from issues.models import (
    OPEN_STATES,
    FigureBucket,
    FigureMonth,
    Issue,
    IssueQuerySet,
    Outcome,
    ResolvedDay,
    Satisfaction,
    State,
    today,
)
from organisation.models import Department, IndustryChain, IndustryUnion, Measure

# The most rows of each open list (escalated, open problems) the figures carry: the annual
# report prints 100 and 50 of them, the bulletin 100, the dashboard none; the rest is counted.
LISTED = 100


def annual_figures(
    year: int, *, on: date | None = None, lists: bool = True, listed: int | None = LISTED
) -> dict[str, Any]:
    """The figures of calendar year ``year`` (issues raised in it), as they stand on ``on``."""
    figures = period_figures(
        date(year, 1, 1), date(year, 12, 31), on=on, lists=lists, listed=listed
    )
    return figures | {"year": year}


def cohort(issues: IssueQuerySet, start: date, end: date) -> IssueQuerySet:
    """The issues raised from ``start`` to ``end`` inclusive (Beijing dates), unordered (the
    figures are sums: the model's ordering would make PostgreSQL sort what it counts)."""
    since, until = _bounds(start, end)
    return issues.filter(raised_at__gte=since, raised_at__lt=until).order_by()


def tallies(on: date) -> dict[str, Any]:
    """Every count of a tally as an aggregate, each over its condition of ``issues.counting``."""
    return stored_tallies() | {"overdue_now": Count("pk", filter=deadlines.overdue_q(on))}


def stored_tallies() -> dict[str, Any]:
    """The aggregates that do not depend on the reference date: what `FigureBucket` keeps
    (``STORED_KEYS``, in this order)."""
    satisfied = {
        level: Count("pk", filter=counting.satisfaction_q(level)) for level in Satisfaction.values
    }
    outcomes = {level: Count("pk", filter=counting.outcome_q(level)) for level in Outcome.values}
    days = counting.working_days("first_assigned_at", "resolved_at")
    reported_with_start = counting.reported_q() & Q(first_assigned_at__isnull=False)
    return {
        "raised": Count("pk"),
        "assigned": Count("pk", filter=counting.held_q()),
        "open": Count("pk", filter=Q(state__in=OPEN_STATES)),
        "resolved": Count("pk", filter=counting.reported_q()),
        "resolved_on_time": Count("pk", filter=counting.resolved_on_time_q()),
        "verified": Count("pk", filter=counting.verified_q()),
        **satisfied,
        **outcomes,
        "accepted": Count("pk", filter=counting.accepted_q()),
        "accepted_on_time": Count("pk", filter=counting.accepted_on_time_q()),
        "extended": Count("pk", filter=counting.extended_q()),
        "urged": Count("pk", filter=counting.noticed_q("urge")),
        "supervised": Count("pk", filter=counting.noticed_q("supervise")),
        "reopened": Count("pk", filter=counting.reopened_q()),
        "days_count": Count("pk", filter=reported_with_start),
        "days_total": Sum(days, filter=reported_with_start),
    }


def as_tally(row: dict[str, Any] | None) -> dict[str, Any]:
    """The counts of one aggregate row, and the rates and the mean made of them."""
    row = row or {}
    counts = {key: row.get(key) or 0 for key in TALLY_KEYS}
    days_count, days_total = row.get("days_count") or 0, row.get("days_total") or 0
    return {
        **counts,
        "on_time_rate": _rate(counts["resolved_on_time"], counts["resolved"]),
        "accept_rate": _rate(counts["accepted_on_time"], counts["accepted"]),
        "reopen_rate": _rate(counts["reopened"], counts["assigned"]),
        "mean_days_to_resolve": round(days_total / days_count, 1) if days_count else None,
        "satisfaction_rate": _rate(counts["satisfied"], counts["verified"]),
    }


TALLY_KEYS = (
    "raised",
    "assigned",
    "open",
    "resolved",
    "resolved_on_time",
    "verified",
    *Satisfaction.values,
    *Outcome.values,
    "overdue_now",
    "accepted",
    "accepted_on_time",
    "extended",
    "urged",
    "supervised",
    "reopened",
)


# The columns of `FigureBucket` that sum `stored_tallies()`.
STORED_KEYS = (
    *(key for key in TALLY_KEYS if key != "overdue_now"),
    "days_count",
    "days_total",
)
# What a bucket is counted by (`issues.rollup`): the groupings of the figures and the state.
BUCKET_KEYS = ("chain_id", "department_id", "measure_id", "state")
# What each grouping of `FigureMonth` keeps of a bucket's key besides the chain (its other two
# keys are null).
MONTH_GROUPINGS = {
    FigureMonth.Grouping.STATE: "state",
    FigureMonth.Grouping.MEASURE: "measure_id",
    FigureMonth.Grouping.DEPARTMENT: "department_id",
}


def grouped(issues: IssueQuerySet, key: str, on: date) -> dict[Any, dict[str, Any]]:
    """One aggregate query: the tally of ``issues`` per value of ``key``."""
    rows = issues.values(key).annotate(**tallies(on)).order_by()
    return {row[key]: as_tally(row) for row in rows}


def period_figures(
    start: date,
    end: date,
    *,
    on: date | None = None,
    issues: IssueQuerySet | None = None,
    union_ids: Iterable[int] | None = None,
    lists: bool = True,
    listed: int | None = LISTED,
    live: bool = False,
) -> dict[str, Any]:
    """The figures of the issues raised from ``start`` to ``end`` inclusive (Beijing dates).

    Which issues count: every issue by default, or those of the unions ``union_ids`` (an
    officer's), or the queryset ``issues`` (a department's slice, the issues as they stood on
    a past day: ``issues.asof``). The first two read the rollup (`FigureBucket`, kept by
    `issues.rollup`), which gives exactly what the live aggregate gives; a queryset, or
    ``live=True`` (the tests' reference), aggregates the issues themselves. Either way
    ``overdue_now``, which depends on ``on``, is counted from the open issues.

    ``lists=False`` leaves out ``escalated`` and ``open_problems`` and their totals, for a page
    that does not show them; otherwise each lists its first ``listed`` rows.
    """
    on = on or today()
    if issues is None and not live:
        figures = _rolled_up(start, end, on, union_ids)
        issues = Issue.objects.all() if union_ids is None else _of_unions(union_ids)
    else:
        issues = Issue.objects.all() if issues is None else issues
        if union_ids is not None:
            issues = issues.filter(chain__union_id__in=list(union_ids))
        figures = _live(issues, start, end, on)
    since, until = _bounds(start, end)
    resolved_by_month = figures.pop("resolved_by_month", None)
    if resolved_by_month is None:
        resolved_by_month = _per_month(
            issues.filter(resolved_at__gte=since, resolved_at__lt=until).order_by(), "resolved_at"
        )
    raised_by_month = figures.pop("raised_by_month")
    result = {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "on": on.isoformat()},
        **_rows(figures),
        "monthly": [
            {
                "month": month,
                "raised": raised_by_month.get(month, 0),
                "resolved": resolved_by_month.get(month, 0),
            }
            for month in _months(start, end)
        ],
    }
    if lists:
        result |= _open_lists(issues, until, on, listed)
    return result


def _live(issues: IssueQuerySet, start: date, end: date, on: date) -> dict[str, Any]:
    """The grouped tallies aggregated over the issues (one query per grouping)."""
    raised = cohort(issues, start, end)
    return {
        "totals": as_tally(raised.aggregate(**tallies(on))),
        "by_union": grouped(raised, "chain__union_id", on),
        "by_chain": grouped(raised, "chain_id", on),
        "by_department": grouped(raised.filter(department__isnull=False), "department_id", on),
        "by_measure": grouped(raised, "measure_id", on),
        "by_state": dict(raised.values_list("state").annotate(n=Count("pk")).order_by()),
        "raised_by_month": _per_month(raised, "raised_at"),
    }


def _of_unions(union_ids: Iterable[int]) -> IssueQuerySet:
    return Issue.objects.filter(chain__union_id__in=list(union_ids))


def _rolled_up(start: date, end: date, on: date, union_ids: Iterable[int] | None) -> dict[str, Any]:
    """The same groupings from the rollup: its whole months from `FigureMonth` (per state,
    per measure, per department: one query of a few hundred rows), the days before and after
    them from `FigureBucket`, the overdue open issues counted from their partial index, the
    months from the rollups; folded here over a few hundred rows, however many issues there
    are."""
    months, edges = _whole_months(start, end)
    monthly = FigureMonth.objects.filter(month__in=months)
    buckets = FigureBucket.objects.none()
    if edges:
        buckets = FigureBucket.objects.filter(
            reduce(operator.or_, (Q(raised_on__gte=a, raised_on__lte=b) for a, b in edges))
        )
    resolved = ResolvedDay.objects.filter(resolved_on__gte=start, resolved_on__lte=end)
    overdue = cohort(Issue.objects.filter(deadlines.overdue_q(on)), start, end)
    if union_ids is not None:
        unions = list(union_ids)
        chains = IndustryChain.objects.filter(union_id__in=unions).values("pk")
        monthly, buckets, resolved = (
            monthly.filter(chain_id__in=chains),
            buckets.filter(chain_id__in=chains),
            resolved.filter(chain_id__in=chains),
        )
        overdue = overdue.filter(chain__union_id__in=unions)
    union_of = dict(IndustryChain.objects.values_list("pk", "union_id"))
    # The overdue open issues of the cohort (tens of thousands at 1,000,000 issues) are read
    # once, grouped finely enough for every folding below.
    overdue_rows = list(
        overdue.values("chain_id", "measure_id", "state", "department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    grouped_rows = _grouped_sums(monthly if months else None, buckets if edges else None)
    by_chain_state = _with_overdue(
        grouped_rows[FigureMonth.Grouping.STATE], overdue_rows, ("chain_id", "state")
    )
    by_measure = _with_overdue(
        grouped_rows[FigureMonth.Grouping.MEASURE], overdue_rows, ("measure_id",)
    )
    by_department = _with_overdue(
        [
            r
            for r in grouped_rows[FigureMonth.Grouping.DEPARTMENT]
            if r["department_id"] is not None
        ],
        [row for row in overdue_rows if row["department_id"] is not None],
        ("department_id",),
    )
    groups: dict[str, dict[Any, dict[str, int]]] = {
        key: {} for key in ("totals", "by_union", "by_chain")
    }
    by_state: dict[str, int] = {}
    for (chain, state), row in by_chain_state.items():
        for key, value in (
            ("totals", None),
            ("by_union", union_of.get(chain)),
            ("by_chain", chain),
        ):
            into = groups[key].setdefault(value, dict.fromkeys(row, 0))
            for name, n in row.items():
                into[name] += n
        if row["raised"]:
            by_state[state] = by_state.get(state, 0) + row["raised"]
    raised_monthly = (
        _months_of(
            monthly.filter(grouped_by=FigureMonth.Grouping.STATE)
            .values_list("month")
            .annotate(n=Sum("raised"))
        )
        if months
        else {}
    )
    if edges:
        raised_monthly |= _months_of(
            buckets.annotate(m=TruncMonth("raised_on")).values_list("m").annotate(n=Sum("raised"))
        )
    resolved_monthly = (
        resolved.annotate(m=TruncMonth("resolved_on")).values_list("m").annotate(n=Sum("resolved"))
    )
    return {
        "totals": as_tally(groups["totals"].get(None)),
        **{
            key: {value: as_tally(row) for value, row in groups[key].items()}
            for key in ("by_union", "by_chain")
        },
        "by_measure": {key[0]: as_tally(row) for key, row in by_measure.items()},
        "by_department": {key[0]: as_tally(row) for key, row in by_department.items()},
        "by_state": by_state,
        "raised_by_month": raised_monthly,
        "resolved_by_month": _months_of(resolved_monthly),
    }


def _grouped_sums(monthly, buckets) -> dict[str, list[Mapping[str, Any]]]:
    """The sums per state (and chain), per measure and per department of the whole months
    (`monthly`: `FigureMonth` rows, one query) and of the other days (`buckets`: one query
    per grouping), either None when the period has none."""
    sums = {key: Sum(key) for key in STORED_KEYS}
    grouped: dict[str, list[Mapping[str, Any]]] = {g: [] for g in FigureMonth.Grouping}
    if monthly is not None:
        for month_row in (
            monthly.values("grouped_by", "chain_id", *MONTH_GROUPINGS.values())
            .annotate(**sums)
            .order_by()
        ):
            grouped[month_row["grouped_by"]].append(month_row)
    if buckets is not None:
        for grouping, key in MONTH_GROUPINGS.items():
            keys = ("chain_id", key) if grouping == FigureMonth.Grouping.STATE else (key,)
            grouped[grouping] += buckets.values(*keys).annotate(**sums).order_by()
    return grouped


def _whole_months(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """The first days of the calendar months wholly inside `start`..`end`, and the ranges of
    days (inclusive) before and after them that the period holds too."""
    first = start if start.day == 1 else next_month(start)
    after = end + timedelta(days=1)
    stop = after.replace(day=1)  # the first day not in a whole month at the end
    if first >= stop:
        return [], [(start, end)]
    months, month = [], first
    while month < stop:
        months.append(month)
        month = next_month(month)
    edges = [(start, first - timedelta(days=1))] if start < first else []
    if stop < after:
        edges.append((stop, end))
    return months, edges


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=1) + timedelta(days=31)).replace(day=1)


def _with_overdue(
    bucket_rows: Iterable[Mapping[str, Any]],
    overdue_rows: list[dict[str, Any]],
    keys: tuple[str, ...],
) -> dict[tuple, dict[str, int]]:
    """The sums of `bucket_rows` and the overdue counts of `overdue_rows` (both grouped at
    least as finely as `keys`) added up per value of `keys`."""
    rows: dict[tuple, dict[str, int]] = {}
    names = (*STORED_KEYS, "overdue_now")
    for row in bucket_rows:
        into = rows.setdefault(tuple(row[k] for k in keys), dict.fromkeys(names, 0))
        for name in STORED_KEYS:
            into[name] += row[name] or 0
    for row in overdue_rows:
        key = tuple(row[k] for k in keys)
        rows.setdefault(key, dict.fromkeys(names, 0))["overdue_now"] += row["n"]
    return rows


def _months_of(rows) -> dict[str, int]:
    return {f"{m.year:04d}-{m.month:02d}": n for m, n in rows.order_by()}


def _rows(figures: dict[str, Any]) -> dict[str, Any]:
    """The grouped tallies as the figures' rows: every union, chain, department and measure
    (in their order, with their names), the departments ranked."""
    by_union, by_chain = figures["by_union"], figures["by_chain"]
    by_department, by_measure, by_state = (
        figures["by_department"],
        figures["by_measure"],
        figures["by_state"],
    )
    return {
        "totals": figures["totals"],
        "by_state": [{"state": value, "count": by_state.get(value, 0)} for value in State.values],
        "by_union": [_row(u, by_union.get(u.pk)) for u in IndustryUnion.objects.all()],
        "by_chain": [
            _row(c, by_chain.get(c.pk), union=c.union.name)
            for c in IndustryChain.objects.select_related("union")
        ],
        "by_department": _league(
            [_row(d, by_department.get(d.pk)) for d in Department.objects.all()]
        ),
        "by_measure": [
            _row(m, by_measure.get(m.pk), number=m.number) for m in Measure.objects.all()
        ]
        + ([_unassigned_measure_row(by_measure[None])] if None in by_measure else []),
    }


def _per_month(issues: IssueQuerySet, field: str) -> dict[str, int]:
    rows = issues.annotate(m=TruncMonth(field)).values_list("m").annotate(n=Count("pk"))
    return {f"{m.year:04d}-{m.month:02d}": n for m, n in rows.order_by()}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(obj, tally: dict[str, Any] | None, **extra) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "code": getattr(obj, "code", str(obj.pk)),
        "name": _name(obj),
        **extra,
        **(tally or as_tally(None)),
    }


def _name(obj) -> str:
    if isinstance(obj, Measure):
        return f"{obj.number}. {obj.title}"
    if isinstance(obj, Department) and obj.short_name:
        return obj.short_name
    return obj.name


def _unassigned_measure_row(tally: dict[str, Any]) -> dict[str, Any]:
    return {"id": None, "code": "", "name": "未关联措施", "number": None, **tally}


def _league(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The department league table: best on-time rate first, then the faster, then the busier."""

    def key(row):
        rate = row["on_time_rate"]
        mean = row["mean_days_to_resolve"]
        return (rate is None, -(rate or 0), mean is None, mean or 0, -row["assigned"], row["name"])

    return sorted(rows, key=key)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    return since, until


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _open_lists(
    issues: IssueQuerySet, until: datetime, on: date, listed: int | None
) -> dict[str, Any]:
    """The open issues raised before `until`, escalated on `on` or not: the first `listed` of
    each as rows, and how many there are (one aggregate)."""
    open_now = issues.filter(state__in=OPEN_STATES, raised_at__lt=until).order_by()
    counts = open_now.aggregate(
        escalated=Count("pk", filter=deadlines.escalated_q(on)),
        others=Count("pk", filter=~deadlines.escalated_q(on)),
    )
    return {
        "escalated": _open_rows(open_now.filter(deadlines.escalated_q(on)), on, listed),
        "escalated_total": counts["escalated"],
        "open_problems": _open_rows(open_now.exclude(deadlines.escalated_q(on)), on, listed),
        "open_problems_total": counts["others"],
    }


def _open_rows(issues: IssueQuerySet, on: date, listed: int | None) -> list[dict[str, Any]]:
    """The first `listed` of `issues` (open ones, escalated or not), oldest first, as rows."""
    rows = (
        issues.annotate(supervision_unanswered=deadlines.unanswered_supervision(on))
        .order_by("raised_at", "pk")
        .values(
            "id",
            "number",
            "title",
            "state",
            "due_date",
            "reopen_count",
            "raised_at",
            "chain__name",
            "chain__union__name",
            "department__name",
            "department__short_name",
            "supervision_unanswered",
        )
    )
    labels = dict(State.choices)
    out: list[dict[str, Any]] = []
    for row in rows if listed is None else rows[:listed]:
        reasons = deadlines.escalation_reasons(
            row["state"], row["due_date"], row["reopen_count"], on, row["supervision_unanswered"]
        )
        out.append(
            {
                "id": row["id"],
                "number": row["number"],
                "title": row["title"],
                "state": row["state"],
                "state_label": str(labels[row["state"]]),
                "chain": row["chain__name"],
                "union": row["chain__union__name"],
                "department": row["department__short_name"] or row["department__name"] or "",
                "due_date": row["due_date"].isoformat() if row["due_date"] else None,
                "raised_on": timezone.localdate(row["raised_at"]).isoformat(),
                "days_overdue": deadlines.days_overdue(row["state"], row["due_date"], on),
                "reopen_count": row["reopen_count"],
                "escalation_reasons": sorted(reasons),
            }
        )
    return out
