"""The dashboard's figures for one person: the whole picture, or their own slice of it.

Secretariat and leaders get `issues.stats.period_figures` unchanged, the same numbers as the
annual agenda and report. Officers and departments get the same figures, by the same
definitions (the helpers of `issues.stats`), over the issues they may see. The dashboard adds
the count by state. Queries are flat in the number of issues: one pass over the cohort's
`values_list`, one for resolutions by month, one by state, and the reference rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone

from issues import stats
from issues.models import Issue, State, today
from organisation.models import Department, IndustryChain, IndustryUnion


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    year: int | None = None  # set when the period is a whole calendar year

    @classmethod
    def for_year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), year)

    @property
    def query(self) -> dict[str, str]:
        """The issue-list filters that select this period's cohort."""
        if self.year:
            return {"year": str(self.year)}
        return {"raised_from": self.start.isoformat(), "raised_to": self.end.isoformat()}


def dashboard_figures(user, period: Period, *, on: date | None = None) -> dict[str, Any]:
    on = on or today()
    visible = Issue.objects.visible_to(user)
    if user.sees_everything:
        figures = stats.period_figures(period.start, period.end, on=on)
    else:
        figures = _sliced_figures(visible, period, on)
    since, until = stats._bounds(period.start, period.end)
    by_state = dict(
        visible.filter(raised_at__gte=since, raised_at__lt=until)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    figures["by_state"] = [
        {"state": value, "label": str(label), "count": by_state.get(value, 0)}
        for value, label in State.choices
    ]
    figures["overdue_all_years"] = visible.overdue(on).count()
    return figures


def _sliced_figures(visible, period: Period, on: date) -> dict[str, Any]:
    since, until = stats._bounds(period.start, period.end)
    cohort = visible.filter(raised_at__gte=since, raised_at__lt=until).values_list(
        "state",
        "chain_id",
        "chain__union_id",
        "department_id",
        "due_date",
        "satisfaction",
        "first_assigned_at",
        "resolved_at",
        "raised_at",
    )
    total = stats._Tally()
    by_union: dict[int, stats._Tally] = defaultdict(stats._Tally)
    by_chain: dict[int, stats._Tally] = defaultdict(stats._Tally)
    by_department: dict[int, stats._Tally] = defaultdict(stats._Tally)
    raised_by_month: dict[str, int] = defaultdict(int)
    for (
        state,
        chain_id,
        union_id,
        department_id,
        due_date,
        satisfaction,
        first_assigned_at,
        resolved_at,
        raised_at,
    ) in cohort:
        fact = stats._Fact(state, due_date, satisfaction, first_assigned_at, resolved_at, on)
        for tally in (total, by_union[union_id], by_chain[chain_id]):
            tally.add(fact)
        if department_id is not None:
            by_department[department_id].add(fact)
        raised_by_month[timezone.localtime(raised_at).strftime("%Y-%m")] += 1
    resolved_by_month: dict[str, int] = defaultdict(int)
    for resolved_at in visible.filter(resolved_at__gte=since, resolved_at__lt=until).values_list(
        "resolved_at", flat=True
    ):
        resolved_by_month[timezone.localtime(resolved_at).strftime("%Y-%m")] += 1
    # A slice shows only the unions, chains and departments that appear in it.
    return {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "on": on.isoformat(),
        },
        "totals": total.as_dict(),
        "by_union": [
            stats._row(u, by_union[u.pk])
            for u in IndustryUnion.objects.filter(pk__in=list(by_union))
        ],
        "by_chain": [
            stats._row(c, by_chain[c.pk], union=c.union.name)
            for c in IndustryChain.objects.filter(pk__in=list(by_chain)).select_related("union")
        ],
        "by_department": stats._league(
            [
                stats._row(d, by_department[d.pk])
                for d in Department.objects.filter(pk__in=list(by_department))
            ]
        ),
        "monthly": [
            {
                "month": m,
                "raised": raised_by_month.get(m, 0),
                "resolved": resolved_by_month.get(m, 0),
            }
            for m in stats._months(period.start, period.end)
        ],
    }
