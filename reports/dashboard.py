"""What the dashboard shows: the figures, a link behind each of them, and the charts."""

from __future__ import annotations

import calendar
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from issues.models import today
from reports import charts
from reports.bulletin import BulletinPeriod
from reports.documents import ANNUAL_PDF, BULLETIN
from reports.figures import (
    FIGURES,
    KEY_FIGURES,
    LEAGUE_COLUMNS,
    Period,
    dashboard_figures,
    label,
    league,
    shown,
)


def issue_list_url(period: Period | None, base: str | None = None, **filters) -> str:
    """The issue list filtered to what a figure counts (the same filters as the list page).
    `base`: the list's path when the caller has it (the dashboard makes ~300 of these links:
    resolving the same name each time was a tenth of the page)."""
    base = base or reverse("issues:list")
    params: list[tuple[str, str]] = list(period.query.items()) if period else []
    for key, value in filters.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            params.append((key, str(item)))
    return f"{base}?{urlencode(params)}" if params else base


def export_url(period: Period | None, **filters) -> str:
    list_url = reverse("issues:list")
    return issue_list_url(period, **filters).replace(list_url, reverse("reports:issues_export"), 1)


def figure_link(
    period: Period | None, row: dict, key: str, base: str | None = None, **scope
) -> dict:
    """One number of the dashboard: the value shown, the list of exactly the issues it counts
    (scoped to a union, chain or department row by `scope`), and how many that list holds."""
    figure = FIGURES[key]
    return {
        "value": shown(key, row),
        "url": issue_list_url(period, base, **scope, **figure.filters),
        "count": row.get(figure.counts or key) or 0,
        "label": str(figure.label),
    }


def documents(user, period: Period) -> list[dict]:
    """The reports one click from the dashboard (JOURNEYS §4), for those who may read them: the
    year's annual report and the last full quarter's bulletin (通报), each as PDF and Word."""
    if not user.has_perm("reports.read_annual"):
        return []
    year = period.year or today().year
    quarter = BulletinPeriod.last_full_quarter(today())
    bulletin = urlencode({"from": quarter.start.isoformat(), "to": quarter.end.isoformat()})
    span = {"start": quarter.start.isoformat(), "end": quarter.end.isoformat()}
    return [
        {
            "label": _("%(year)s年度工作报告") % {"year": year},
            "pdf": reverse("reports:annual", args=[year]) + "?download=1",
            "docx": reverse("reports:annual_docx", args=[year]),
            "updating": ANNUAL_PDF.updating_since(year=year),
        },
        {
            "label": _("%(quarter)s通报") % {"quarter": quarter.label},
            "pdf": f"{reverse('reports:bulletin')}?{bulletin}&download=1",
            "docx": f"{reverse('reports:bulletin_docx')}?{bulletin}",
            "updating": BULLETIN.updating_since(**span, kind="pdf"),
        },
    ]


ROW_FIGURES = ("raised", "open", "resolved", "verified", "overdue_now", "on_time_rate")


def context(user, period: Period) -> dict:
    figures = dashboard_figures(user, period)
    base = reverse("issues:list")
    totals = figures["totals"]
    cards = [figure_link(period, totals, key, base) for key in KEY_FIGURES]
    for row in figures["by_state"]:
        row["url"] = issue_list_url(period, base, state=row["state"])
    for key, rows in (("union", figures["by_union"]), ("chain", figures["by_chain"])):
        for row in rows:
            row["links"] = {
                f: figure_link(period, row, f, base, **{key: row["code"]}) for f in ROW_FIGURES
            }
    rows = league(figures["by_department"])
    for row in rows:
        row["url"] = issue_list_url(period, base, department=row["code"])
        row["cells"] = [
            figure_link(period, row, key, base, department=row["code"]) for key in LEAGUE_COLUMNS
        ]
    months = figures["monthly"]
    for row in months:
        row["label"] = f"{int(row['month'][5:])}月" if period.year else row["month"]
        first, last = _month_bounds(row["month"])
        as_of = period.as_of_query
        row["url"] = issue_list_url(None, base, raised_from=first, raised_to=last, **as_of)
        row["resolved_url"] = issue_list_url(
            None, base, resolved_from=first, resolved_to=last, **as_of
        )

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
                (
                    label("raised"),
                    [(r["raised"], r["links"]["raised"]["url"]) for r in figures["by_chain"]],
                ),
                (
                    label("resolved"),
                    [(r["resolved"], r["links"]["resolved"]["url"]) for r in figures["by_chain"]],
                ),
            ],
            horizontal=True,
        ),
        "department": charts.horizontal_bars(
            _("按期办结率（%）"),
            [
                (
                    r["name"],
                    round((r["on_time_rate"] or 0) * 100, 1),
                    issue_list_url(period, base, department=r["code"], resolved_on_time="true"),
                )
                for r in rows
            ],
            label("on_time_rate"),
            ticks=list(range(0, 101, 20)),
        ),
        "monthly": charts.trend(
            _("月度趋势"),
            [r["label"] for r in months],
            [
                (label("raised"), [(r["raised"], r["url"]) for r in months]),
                (label("resolved"), [(r["resolved"], r["resolved_url"]) for r in months]),
            ],
        ),
    }
    return {
        "period": period,
        "figures": figures,
        "cards": cards,
        "league": rows,
        "league_header": [label(k) for k in LEAGUE_COLUMNS],
        "row_header": [label(k) for k in ROW_FIGURES],
        "definitions": [
            (label(k), str(FIGURES[k].definition))
            for k in (*KEY_FIGURES, *LEAGUE_COLUMNS)
            if FIGURES[k].kind != "count"
        ],
        "grouped": [
            (_("按产业工会"), _("产业工会"), "union", figures["by_union"]),
            (_("按产业链"), _("产业链"), "chain", figures["by_chain"]),
        ],
        "months": months,
        "charts": svg,
        "overdue_all_years": figures["overdue_all_years"],
        "overdue_all_url": issue_list_url(None, base, overdue="true", **period.as_of_query),
        "export_url": export_url(period),
        "years": list(range(today().year, today().year - 6, -1)),
        "scope_is_everything": user.has_perm("reports.view_everything"),
    }


def _month_bounds(month: str) -> tuple[str, str]:
    last = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
    return f"{month}-01", f"{month}-{last:02d}"
