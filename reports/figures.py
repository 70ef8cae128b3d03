"""The reports' figures: the dashboard's, over the issues a person may see, and the league
table's rows, from the one registry of figures (``issues.counting.FIGURES``: label, list
filters, definition). The registry sits beside the conditions it names, in ``issues``, because
the annual meeting's agenda (``meetings``, which never imports ``reports``) prints the same
figures in the same words.

Everyone gets `issues.stats.period_figures` over the issues they may see
(`Issue.objects.visible_to`): secretariat and leaders the same numbers as the annual agenda
and report, officers and departments the same figures by the same definitions over their
slice. A slice shows only the unions, chains, departments and measures that appear in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from issues.asof import issues_as_of
from issues.counting import (  # noqa: F401 - the reports' names for the one registry
    FIGURES,
    KEY_FIGURES,
    LEAGUE_COLUMNS,
    Figure,
    label,
    league,
    league_header,
    league_rows,
    shown,
)
from issues.models import Issue, IssueQuerySet, State, today
from issues.stats import period_figures

SLICED_ROWS = ("by_union", "by_chain", "by_department", "by_measure")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    year: int | None = None  # set when the period is a whole calendar year
    # As of the end of this past day (`issues.asof`): the issues as they stood then.
    as_of: date | None = None

    @classmethod
    def for_year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), year)

    @property
    def query(self) -> dict[str, str]:
        """The issue-list filters that select this period's cohort (as of its day)."""
        if self.year:
            return {"year": str(self.year)} | self.as_of_query
        return {
            "raised_from": self.start.isoformat(),
            "raised_to": self.end.isoformat(),
        } | self.as_of_query

    @property
    def as_of_query(self) -> dict[str, str]:
        return {"as_of": self.as_of.isoformat()} if self.as_of else {}


def dashboard_figures(
    user, period: Period, *, on: date | None = None, issues: IssueQuerySet | None = None
) -> dict[str, Any]:
    """The period's figures over `issues` (default: every issue `user` may see), as they
    stood at the end of `period.as_of` when it is set."""
    on = period.as_of or on or today()
    visible = Issue.objects.visible_to(user) if issues is None else issues
    if period.as_of:  # the same figures over the issues as they stood then
        visible = issues_as_of(period.as_of, among=visible)
    # The dashboard lists no open issue (the list behind each figure does): lists=False.
    if issues is None and not period.as_of and user.sees_everything:
        figures = period_figures(period.start, period.end, on=on, lists=False)
    elif issues is None and not period.as_of and user.is_officer:  # the rollup of the unions
        figures = period_figures(
            period.start, period.end, on=on, union_ids=user.union_ids, lists=False
        )
    else:  # a department's slice, a past day: the live aggregate (issues.stats)
        # No ORDER BY: the figures are sums, and the model's default ordering made PostgreSQL
        # sort the whole cohort (an external merge on disk at 100k issues) before counting it.
        figures = period_figures(
            period.start, period.end, on=on, issues=visible.order_by(), lists=False
        )
    if not user.has_perm("reports.view_everything"):
        for key in SLICED_ROWS:
            figures[key] = [row for row in figures[key] if row["raised"]]
    labels = dict(State.choices)
    for row in figures["by_state"]:
        row["label"] = str(labels[row["state"]])
    figures["overdue_all_years"] = visible.overdue(on).count()
    return figures
