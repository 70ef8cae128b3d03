"""Year and period figures: the one source of the dashboard, the annual agenda and report.

Definitions (used everywhere a figure is shown, so that every printed number means one thing):

* The **cohort** of a period is every issue *raised* in it (Beijing dates, inclusive on both
  ends), withdrawn ones included in ``raised`` but never counted as open or resolved.
  Every figure of ``totals`` and of the grouped rows counts the cohort only, in its state now.
* ``resolved``: the issue carries a resolution now (state resolved or verified; a reopened
  issue loses it until resolved again). ``verified``: state verified.
* **on time**: the Beijing date of ``resolved_at`` is on or before ``due_date``.
  ``on_time_rate`` = resolved on time / resolved.
* **days to resolve**: Beijing date of ``resolved_at`` minus that of ``first_assigned_at``
  (the same rule as ``Issue.days_to_resolve``); ``mean_days_to_resolve`` is their mean.
* ``satisfaction_rate`` = verified as "satisfied" (not "basically satisfied") / verified.
* ``overdue_now``: overdue on ``on`` (default: today in Beijing), by ``issues.deadlines``.
* ``assigned``: the issue is held by a department now (assigned, resolved or verified);
  department rows count an issue for the department that holds it now.
* Rates are fractions in [0, 1] rounded to 4 places, or ``None`` when nothing was counted;
  means are days rounded to 1 place, or ``None``.
* ``by_state``: the cohort counted by its state now, one row per state of the machine.
* ``monthly``: per calendar month of the period, issues raised in it and issues whose current
  ``resolved_at`` falls in it (whatever year they were raised).
* ``escalated`` (督导事项): issues open now and raised up to the period's end that are
  escalated on ``on`` (``issues.deadlines.is_escalated``: more than 30 days overdue or
  reopened at least twice); ``open_problems``: every other such open issue. Both oldest first.

Everything returned is JSON-serialisable (dates as ISO strings) so a meeting agenda can
snapshot it. Queries: one pass over ``values()`` of the cohort, one for the resolutions of the
months, one for open issues, four for the reference rows - flat in the number of issues.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from issues import deadlines
from issues.models import OPEN_STATES, Issue, IssueQuerySet, Satisfaction, State, today
from organisation.models import Department, IndustryChain, IndustryUnion, Measure

_COHORT_FIELDS = (
    "id",
    "state",
    "chain_id",
    "chain__union_id",
    "department_id",
    "measure_id",
    "due_date",
    "satisfaction",
    "first_assigned_at",
    "resolved_at",
    "raised_at",
)
_HELD_STATES = {State.ASSIGNED, State.ACCEPTED, State.RESOLVED, State.VERIFIED}


def annual_figures(year: int, *, on: date | None = None) -> dict[str, Any]:
    """The figures of calendar year ``year`` (issues raised in it), as they stand on ``on``."""
    return period_figures(date(year, 1, 1), date(year, 12, 31), on=on) | {"year": year}


def period_figures(
    start: date, end: date, *, on: date | None = None, issues: IssueQuerySet | None = None
) -> dict[str, Any]:
    """The figures of the issues raised from ``start`` to ``end`` inclusive (Beijing dates).

    ``issues`` narrows every figure to those issues (the dashboard passes
    ``Issue.objects.visible_to(user)``); by default every issue counts.
    """
    on = on or today()
    issues = Issue.objects.all() if issues is None else issues
    tz = timezone.get_current_timezone()  # looked up once: per-row lookups cost more than the rest
    since, until = _bounds(start, end)
    cohort = list(
        issues.filter(raised_at__gte=since, raised_at__lt=until).values_list(*_COHORT_FIELDS)
    )

    total = _Tally()
    by_union: dict[int, _Tally] = defaultdict(_Tally)
    by_chain: dict[int, _Tally] = defaultdict(_Tally)
    by_department: dict[int, _Tally] = defaultdict(_Tally)
    by_measure: dict[int | None, _Tally] = defaultdict(_Tally)
    by_state: dict[str, int] = defaultdict(int)
    raised_by_month: dict[str, int] = defaultdict(int)
    for row in cohort:
        (
            _pk,
            state,
            chain_id,
            union_id,
            department_id,
            measure_id,
            due_date,
            satisfaction,
            first_assigned_at,
            resolved_at,
            raised_at,
        ) = row
        fact = _Fact(state, due_date, satisfaction, first_assigned_at, resolved_at, on, tz)
        for tally in (total, by_union[union_id], by_chain[chain_id], by_measure[measure_id]):
            tally.add(fact)
        if department_id is not None:
            by_department[department_id].add(fact)
        by_state[state] += 1
        raised_by_month[_month(raised_at, tz)] += 1

    resolved_by_month: dict[str, int] = defaultdict(int)
    for resolved_at in issues.filter(resolved_at__gte=since, resolved_at__lt=until).values_list(
        "resolved_at", flat=True
    ):
        resolved_by_month[_month(resolved_at, tz)] += 1

    escalated, open_problems = _open_lists(issues, until, on)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "on": on.isoformat()},
        "totals": total.as_dict(),
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
        "escalated": escalated,
        "open_problems": open_problems,
    }


class _Fact:
    """What one issue contributes to a tally."""

    __slots__ = ("state", "held", "resolved", "on_time", "days", "verified", "satisfied", "overdue")

    def __init__(self, state, due_date, satisfaction, first_assigned_at, resolved_at, on, tz=None):
        tz = tz or timezone.get_current_timezone()
        self.state = state
        self.held = state in _HELD_STATES
        self.resolved = resolved_at is not None and state in (State.RESOLVED, State.VERIFIED)
        resolved_on = resolved_at.astimezone(tz).date() if self.resolved else None
        self.on_time = bool(self.resolved and due_date and resolved_on <= due_date)
        self.days = (
            (resolved_on - first_assigned_at.astimezone(tz).date()).days
            if self.resolved and first_assigned_at
            else None
        )
        self.verified = state == State.VERIFIED
        self.satisfied = self.verified and satisfaction == Satisfaction.SATISFIED
        self.overdue = deadlines.is_overdue(state, due_date, on)


class _Tally:
    raised: int
    assigned: int
    resolved: int
    resolved_on_time: int
    verified: int
    satisfied: int
    overdue_now: int
    days_total: int
    days_count: int
    open: int
    __slots__ = (
        "raised",
        "assigned",
        "resolved",
        "resolved_on_time",
        "verified",
        "satisfied",
        "overdue_now",
        "days_total",
        "days_count",
        "open",
    )

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, 0)

    def add(self, fact: _Fact) -> None:
        self.raised += 1
        self.assigned += fact.held
        self.resolved += fact.resolved
        self.resolved_on_time += fact.on_time
        self.verified += fact.verified
        self.satisfied += fact.satisfied
        self.overdue_now += fact.overdue
        self.open += fact.state in OPEN_STATES
        if fact.days is not None:
            self.days_total += fact.days
            self.days_count += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "raised": self.raised,
            "assigned": self.assigned,
            "resolved": self.resolved,
            "resolved_on_time": self.resolved_on_time,
            "verified": self.verified,
            "satisfied": self.satisfied,
            "open": self.open,
            "overdue_now": self.overdue_now,
            "on_time_rate": _rate(self.resolved_on_time, self.resolved),
            "mean_days_to_resolve": (
                round(self.days_total / self.days_count, 1) if self.days_count else None
            ),
            "satisfaction_rate": _rate(self.satisfied, self.verified),
        }


_EMPTY = _Tally()


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(obj, tally: _Tally | None, **extra) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "code": getattr(obj, "code", str(obj.pk)),
        "name": _name(obj),
        **extra,
        **(tally or _EMPTY).as_dict(),
    }


def _name(obj) -> str:
    if isinstance(obj, Measure):
        return f"{obj.number}. {obj.title}"
    if isinstance(obj, Department) and obj.short_name:
        return obj.short_name
    return obj.name


def _unassigned_measure_row(tally: _Tally) -> dict[str, Any]:
    return {"id": None, "code": "", "name": "未关联措施", "number": None, **tally.as_dict()}


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


def _month(moment: datetime, tz) -> str:
    local = moment.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _open_lists(issues: IssueQuerySet, until: datetime, on: date) -> tuple[list[dict], list[dict]]:
    rows = (
        issues.filter(state__in=OPEN_STATES, raised_at__lt=until)
        .annotate(supervision_unanswered=deadlines.unanswered_supervision(on))
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
    escalated: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for row in rows:
        days_overdue = deadlines.days_overdue(row["state"], row["due_date"], on)
        item = {
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
            "days_overdue": days_overdue,
            "reopen_count": row["reopen_count"],
        }
        reasons = deadlines.escalation_reasons(
            row["state"], row["due_date"], row["reopen_count"], on, row["supervision_unanswered"]
        )
        item["escalation_reasons"] = sorted(reasons)
        (escalated if reasons else others).append(item)
    return escalated, others
