"""What the dashboard shows: the figures, a link behind each of them, and the charts."""

from __future__ import annotations

import calendar
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from issues.models import OPEN_STATES, State, today
from reports import charts
from reports.figures import Period, dashboard_figures

DONE_STATES = (State.RESOLVED, State.VERIFIED)


def issue_list_url(period: Period | None, **filters) -> str:
    """The issue list filtered to what a figure counts (the same filters as the list page)."""
    base = reverse("issues:list")
    params: list[tuple[str, str]] = list(period.query.items()) if period else []
    for key, value in filters.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            params.append((key, str(item)))
    return f"{base}?{urlencode(params)}" if params else base


def export_url(period: Period | None, **filters) -> str:
    list_url = reverse("issues:list")
    return issue_list_url(period, **filters).replace(list_url, reverse("reports:issues_export"), 1)


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def context(user, period: Period) -> dict:
    figures = dashboard_figures(user, period)
    totals = figures["totals"]
    link = lambda **f: issue_list_url(period, **f)  # noqa: E731 - a local shorthand
    cards = [
        (_("提出"), totals["raised"], link()),
        (_("未办结"), totals["open"], link(state=list(OPEN_STATES))),
        (_("已办结"), totals["resolved"], link(state=list(DONE_STATES))),
        (_("已核实"), totals["verified"], link(state=State.VERIFIED)),
        (_("当前超期"), totals["overdue_now"], link(overdue="true")),
        (_("按期办结率"), _percent(totals["on_time_rate"]), link(state=list(DONE_STATES))),
        (
            _("平均办理天数"),
            "—" if totals["mean_days_to_resolve"] is None else totals["mean_days_to_resolve"],
            link(state=list(DONE_STATES)),
        ),
        (_("满意率"), _percent(totals["satisfaction_rate"]), link(state=State.VERIFIED)),
    ]
    for row in figures["by_state"]:
        row["url"] = link(state=row["state"])
    for row in figures["by_union"]:
        _links(row, period, "union")
    for row in figures["by_chain"]:
        _links(row, period, "chain")
    league = [row for row in figures["by_department"] if row["assigned"] or row["raised"]]
    for row in league:
        _links(row, period, "department")
        row["on_time_percent"] = _percent(row["on_time_rate"])
        row["satisfaction_percent"] = _percent(row["satisfaction_rate"])
    months = figures["monthly"]
    for row in months:
        row["label"] = f"{int(row['month'][5:])}月" if period.year else row["month"]
        row["url"] = _month_url(row["month"], period)

    svg = {
        "state": charts.horizontal_bars(
            _("按状态"),
            [(r["label"], r["count"], r["url"]) for r in figures["by_state"]],
            _("问题数"),
        ),
        "chain": charts.grouped_bars(
            _("按产业链"),
            [r["name"] for r in figures["by_chain"]],
            [
                (_("提出"), [(r["raised"], r["url"]) for r in figures["by_chain"]]),
                (_("已办结"), [(r["resolved"], r["resolved_url"]) for r in figures["by_chain"]]),
            ],
            horizontal=True,
        ),
        "department": charts.horizontal_bars(
            _("按期办结率（%）"),
            [
                (r["name"], round((r["on_time_rate"] or 0) * 100, 1), r["resolved_url"])
                for r in league
            ],
            _("按期办结率"),
            ticks=list(range(0, 101, 20)),
        ),
        "monthly": charts.trend(
            _("月度趋势"),
            [r["label"] for r in months],
            [
                (_("提出"), [(r["raised"], r["url"]) for r in months]),
                (_("办结"), [(r["resolved"], None) for r in months]),
            ],
        ),
    }
    return {
        "period": period,
        "figures": figures,
        "cards": cards,
        "league": league,
        "months": months,
        "charts": svg,
        "overdue_all_years": figures["overdue_all_years"],
        "overdue_all_url": issue_list_url(None, overdue="true", **period.as_of_query),
        "export_url": export_url(period),
        "years": list(range(today().year, today().year - 6, -1)),
        "scope_is_everything": user.has_perm("reports.view_everything"),
    }


def _links(row: dict, period: Period, key: str) -> None:
    code = row["code"]
    row["url"] = issue_list_url(period, **{key: code})
    row["open_url"] = issue_list_url(period, **{key: code, "state": list(OPEN_STATES)})
    row["assigned_url"] = issue_list_url(
        period, **{key: code, "state": [State.ASSIGNED, State.RESOLVED, State.VERIFIED]}
    )
    row["resolved_url"] = issue_list_url(period, **{key: code, "state": list(DONE_STATES)})
    row["verified_url"] = issue_list_url(period, **{key: code, "state": State.VERIFIED})
    row["overdue_url"] = issue_list_url(period, **{key: code, "overdue": "true"})


def _month_url(month: str, period: Period) -> str:
    last = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
    return issue_list_url(
        None, raised_from=f"{month}-01", raised_to=f"{month}-{last:02d}", **period.as_of_query
    )
