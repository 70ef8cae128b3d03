"""The dashboard's figures for one person: the whole picture, or their own slice of it.

Everyone gets `issues.stats.period_figures` over the issues they may see
(`Issue.objects.visible_to`): secretariat and leaders the same numbers as the annual agenda
and report, officers and departments the same figures by the same definitions over their
slice. A slice shows only the unions, chains, departments and measures that appear in it.
The dashboard adds the state labels and what is overdue over all years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from issues.models import Issue, State, today
from issues.stats import period_figures

SLICED_ROWS = ("by_union", "by_chain", "by_department", "by_measure")


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
    # No ORDER BY: the figures are sums, and the model's default ordering made PostgreSQL sort
    # the whole cohort (an external merge on disk at 100k issues) before counting it.
    figures = period_figures(period.start, period.end, on=on, issues=visible.order_by())
    if not user.has_perm("reports.view_everything"):
        for key in SLICED_ROWS:
            figures[key] = [row for row in figures[key] if row["raised"]]
    labels = dict(State.choices)
    for row in figures["by_state"]:
        row["label"] = str(labels[row["state"]])
    figures["overdue_all_years"] = visible.overdue(on).count()
    return figures
