"""Every figure the reports show, defined once: its label (DESIGN's one vocabulary), what it
counts (the list filters that select exactly its issues, over the conditions of
``issues.counting``), and its definition in one sentence (docs/figures.md repeats them, and a
test checks that it does).

The dashboard, the annual report (PDF and DOCX) and the period bulletin (PDF, DOCX, xlsx) take
their labels and the league table's columns from here, so one figure has one name everywhere
and one name never means two figures.

Everyone gets `issues.stats.period_figures` over the issues they may see
(`Issue.objects.visible_to`): secretariat and leaders the same numbers as the annual agenda
and report, officers and departments the same figures by the same definitions over their
slice. A slice shows only the unions, chains, departments and measures that appear in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from issues.asof import issues_as_of
from issues.counting import HELD_STATES, REPORTED_STATES
from issues.models import OPEN_STATES, Issue, IssueQuerySet, State, today
from issues.stats import period_figures

SLICED_ROWS = ("by_union", "by_chain", "by_department", "by_measure")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    definition: str | Promise
    # The issue-list filters of the issues it counts (for a rate: its numerator's).
    filters: dict[str, Any] = field(default_factory=dict)
    # A rate or a mean: shown as such, its link opens the issues of `counts`.
    counts: str | None = None
    kind: str = "count"  # count | rate | mean


def _figures(*figures: Figure) -> dict[str, Figure]:
    return {f.key: f for f in figures}


FIGURES: dict[str, Figure] = _figures(
    Figure("raised", _("提出"), _("期内提出的问题（含已撤回、已合并）。")),
    Figure(
        "open",
        _("未办结"),
        _("待交办、待签收、办理中或待评价的问题。"),
        {"state": list(OPEN_STATES)},
    ),
    Figure(
        "assigned",
        _("交办"),
        _("由职能部门主办的问题（待签收、办理中、待评价、已办结）；部门按当前主办部门统计。"),
        {"state": list(HELD_STATES)},
    ),
    Figure(
        "accepted",
        _("已签收"),
        _("本次交办已由主办部门签收的问题（改派、重办后须重新签收）。"),
        {"accepted": "true"},
    ),
    Figure(
        "accepted_on_time",
        _("及时签收"),
        _("自交办起在签收时限（LIAISON_ACCEPT_DAYS个工作日，默认1个）内签收的问题。"),
        {"accepted_on_time": "true"},
    ),
    Figure(
        "accept_rate",
        _("签收及时率"),
        _("及时签收÷已签收。"),
        {"accepted_on_time": "true"},
        counts="accepted_on_time",
        kind="rate",
    ),
    Figure(
        "resolved",
        _("已报结"),
        _("主办部门已报结的问题（待评价或已办结）；重办的问题在再次报结前不计入。"),
        {"state": list(REPORTED_STATES)},
    ),
    Figure(
        "resolved_on_time",
        _("按期办结"),
        _("报结日期（北京时间）不晚于办理时限的已报结问题。"),
        {"resolved_on_time": "true"},
    ),
    Figure(
        "on_time_rate",
        _("按期办结率"),
        _("按期办结÷已报结。"),
        {"resolved_on_time": "true"},
        counts="resolved_on_time",
        kind="rate",
    ),
    Figure(
        "mean_days_to_resolve",
        _("平均办理工作日"),
        _("已报结问题自首次交办至报结的工作日数（按工作日历）的平均值。"),
        {"state": list(REPORTED_STATES)},
        counts="resolved",
        kind="mean",
    ),
    Figure(
        "verified",
        _("已办结"),
        _("联络员已评价、办结的问题。"),
        {"state": State.VERIFIED},
    ),
    Figure(
        "solved",
        _("已解决"),
        _("已报结问题中办理结论为“已解决”的。"),
        {"outcome": "solved"},
    ),
    Figure(
        "explained",
        _("已答复"),
        _("已报结问题中办理结论为“已答复”（无法解决，说明理由）的，与已解决分开统计。"),
        {"outcome": "explained"},
    ),
    Figure(
        "satisfied",
        _("满意"),
        _("已办结问题中联络员评价为“满意”的。"),
        {"satisfaction": "satisfied"},
    ),
    Figure(
        "basically_satisfied",
        _("基本满意"),
        _("已办结问题中联络员评价为“基本满意”的。"),
        {"satisfaction": "basically_satisfied"},
    ),
    Figure(
        "dissatisfied",
        _("不满意"),
        _("已办结问题中联络员评价为“不满意”的。"),
        {"satisfaction": "dissatisfied"},
    ),
    Figure(
        "satisfaction_rate",
        _("满意率"),
        _("满意÷已办结。"),
        {"satisfaction": "satisfied"},
        counts="satisfied",
        kind="rate",
    ),
    Figure(
        "extended",
        _("延期"),
        _("至少有一次延期申请获批准的问题。"),
        {"extended": "true"},
    ),
    Figure(
        "urged",
        _("催办"),
        _("收到过催办单的问题。"),
        {"notice": "urge"},
    ),
    Figure(
        "supervised",
        _("督办"),
        _("收到过督办单的问题。"),
        {"notice": "supervise"},
    ),
    Figure(
        "reopened",
        _("重办"),
        _("联络员至少重办过一次的问题。"),
        {"reopened": "true"},
    ),
    Figure(
        "reopen_rate",
        _("重办率"),
        _("重办÷交办。"),
        {"reopened": "true"},
        counts="reopened",
        kind="rate",
    ),
    Figure(
        "overdue_now",
        _("当前超期"),
        _("待签收或办理中、今天已过办理时限的问题。"),
        {"overdue": "true"},
    ),
)

# The key figures, in the order the dashboard's cards and the printed reports show them.
KEY_FIGURES = (
    "raised",
    "open",
    "resolved",
    "verified",
    "overdue_now",
    "on_time_rate",
    "mean_days_to_resolve",
    "satisfaction_rate",
)

# The league table of departments (通报), DESIGN "Reports": every column it names.
LEAGUE_COLUMNS = (
    "assigned",
    "accept_rate",
    "resolved",
    "resolved_on_time",
    "on_time_rate",
    "extended",
    "urged",
    "supervised",
    "reopen_rate",
    "mean_days_to_resolve",
    "solved",
    "explained",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
)


def label(key: str) -> str:
    return str(FIGURES[key].label)


def shown(key: str, row: dict[str, Any]) -> str | int:
    """The value of figure `key` in a row of figures, as a report prints it."""
    figure, value = FIGURES[key], row.get(key)
    if figure.kind == "rate":
        return "—" if value is None else f"{value * 100:.1f}%"
    if figure.kind == "mean":
        return "—" if value is None else f"{value:.1f}"
    return value or 0


def league_header() -> list[str]:
    return [str(_("名次")), str(_("职能部门")), *(label(k) for k in LEAGUE_COLUMNS)]


def league_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The league table's rows as printed: rank, department, then `LEAGUE_COLUMNS`."""
    return [
        [n, row["name"], *(shown(k, row) for k in LEAGUE_COLUMNS)]
        for n, row in enumerate(league(rows), start=1)
    ]


def league(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The departments that had something to do in the period (``by_department`` is ranked)."""
    return [row for row in rows if row["assigned"] or row["raised"]]


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
