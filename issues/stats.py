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
snapshot it. Queries: one aggregate for the totals and one per grouping (union, chain,
department, measure, state, two per month), two for the open lists and one counting
them, four for the reference rows - flat in the number of issues, with no loop over issues
in Python beyond the rows listed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from issues import counting, deadlines
from issues.models import OPEN_STATES, Issue, IssueQuerySet, Outcome, Satisfaction, State, today
from organisation.models import Department, IndustryChain, IndustryUnion, Measure

# The most rows of each open list (escalated, open problems) the figures carry: the annual
# report prints 100 and 50 of them, the bulletin 100, the dashboard none; the rest is counted.
LISTED = 100


def annual_figures(
    year: int, *, on: date | None = None, listed: int | None = LISTED
) -> dict[str, Any]:
    """The figures of calendar year ``year`` (issues raised in it), as they stand on ``on``."""
    figures = period_figures(date(year, 1, 1), date(year, 12, 31), on=on, listed=listed)
    return figures | {"year": year}


def cohort(issues: IssueQuerySet, start: date, end: date) -> IssueQuerySet:
    """The issues raised from ``start`` to ``end`` inclusive (Beijing dates), unordered (the
    figures are sums: the model's ordering would make PostgreSQL sort what it counts)."""
    since, until = _bounds(start, end)
    return issues.filter(raised_at__gte=since, raised_at__lt=until).order_by()


def tallies(on: date) -> dict[str, Any]:
    """Every count of a tally as an aggregate, each over its condition of ``issues.counting``."""
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
        "overdue_now": Count("pk", filter=deadlines.overdue_q(on)),
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
    listed: int | None = LISTED,
) -> dict[str, Any]:
    """The figures of the issues raised from ``start`` to ``end`` inclusive (Beijing dates).

    ``issues`` narrows every figure to those issues (the dashboard passes
    ``Issue.objects.visible_to(user)``); by default every issue counts.
    """
    on = on or today()
    issues = Issue.objects.all() if issues is None else issues
    since, until = _bounds(start, end)
    raised = cohort(issues, start, end)

    totals = as_tally(raised.aggregate(**tallies(on)))
    by_union = grouped(raised, "chain__union_id", on)
    by_chain = grouped(raised, "chain_id", on)
    by_department = grouped(raised.filter(department__isnull=False), "department_id", on)
    by_measure = grouped(raised, "measure_id", on)
    by_state = dict(raised.values_list("state").annotate(n=Count("pk")).order_by())
    raised_by_month = _per_month(raised, "raised_at")
    resolved_by_month = _per_month(
        issues.filter(resolved_at__gte=since, resolved_at__lt=until).order_by(), "resolved_at"
    )

    open_now = issues.filter(state__in=OPEN_STATES, raised_at__lt=until).order_by()
    escalated_now = open_now.filter(deadlines.escalated_q(on))
    others_now = open_now.exclude(deadlines.escalated_q(on))
    open_counts = open_now.aggregate(
        escalated=Count("pk", filter=deadlines.escalated_q(on)),
        others=Count("pk", filter=~deadlines.escalated_q(on)),
    )
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "on": on.isoformat()},
        "totals": totals,
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
        "monthly": [
            {
                "month": month,
                "raised": raised_by_month.get(month, 0),
                "resolved": resolved_by_month.get(month, 0),
            }
            for month in _months(start, end)
        ],
        "escalated": _open_rows(escalated_now, on, listed),
        "escalated_total": open_counts["escalated"],
        "open_problems": _open_rows(others_now, on, listed),
        "open_problems_total": open_counts["others"],
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
