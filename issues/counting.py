"""What each figure counts, as a condition on issues: the one definition that the figures
(`issues.stats`, the league table of `reports.figures`) aggregate and the list filters
(`issues.filters`) select, so that a number on the dashboard and the list behind it cannot
disagree. Every condition is a `Q` (or an expression) evaluated by the database: the figures
are a handful of aggregate queries whatever the number of issues.

Working days are counted in SQL as in `organisation.calendar.working_days_between`: a
working-day index `W(d)` (Monday-Friday dates up to `d`, less the holidays on weekdays, plus
the 调休 working days on weekends, up to `d`), so that the working days in `(a, b]` are
`W(b) - W(a)`. The weekday part is integer arithmetic on the day number; the calendar's part
is a bisection of `CASE`s over the special dates (a few dozen a year), read from the
calendar's cache.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Least, TruncDate
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from issues.deadlines import accept_days
from issues.models import ExtensionRequest, SupervisionNotice
from issues.states import HANDLING_STATES, OPEN_STATES, State
from organisation.calendar import special_dates

# A Monday: day numbers count from it, so that weekday arithmetic needs no modular offset.
EPOCH = datetime.date(1970, 1, 5)

# 交办 (as lead): a department holds the issue now, under a due date or with its answer given.
HELD_STATES = (State.ASSIGNED, State.ACCEPTED, State.RESOLVED, State.VERIFIED)
# 已报结: resolved or verified (its resolution stands; a reopened issue loses it).
REPORTED_STATES = (State.RESOLVED, State.VERIFIED)


class DayNumber(Func):
    """Days from `EPOCH` to a date expression, as an integer (SQLite and PostgreSQL)."""

    # PostgreSQL: date - date is an integer number of days.
    template = f"((%(expressions)s) - DATE '{EPOCH.isoformat()}')"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        template = f"CAST(julianday(%(expressions)s) - julianday('{EPOCH.isoformat()}') AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class _BeijingDate(TruncDate):
    """`TruncDate` in the current time zone; on SQLite by SQLite's own `date()` shifted by the
    zone's offset when the zone keeps one offset all year (Asia/Shanghai since 1991), instead
    of Django's Python function per row, which the calendar's `CASE` calls once per branch:
    at 100k issues the dashboard's figures took minutes on SQLite."""

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = _fixed_offset_minutes()
        if offset is None:
            return super().as_sqlite(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, '{offset:+d} minutes')", params


def _fixed_offset_minutes() -> int | None:
    """The current zone's UTC offset in minutes, if it is the same in January and July."""
    zone = timezone.get_current_timezone()
    year = timezone.now().year
    january, july = (datetime.datetime(year, month, 1, tzinfo=zone).utcoffset() for month in (1, 7))
    if january != july or january is None:
        return None
    return int(january.total_seconds() // 60)


def beijing_date(field: str):
    """The Beijing date of a datetime field (the current time zone, Asia/Shanghai)."""
    return _BeijingDate(field)


def working_day_index(day) -> ExpressionWrapper:
    """`W(day)` for a date expression: differences of it count working days."""
    n1 = ExpressionWrapper(DayNumber(day) + 1, output_field=IntegerField())
    weeks = ExpressionWrapper(n1 / 7 * 5, output_field=IntegerField())
    rest = Least(ExpressionWrapper(n1 % 7, output_field=IntegerField()), Value(5))
    return ExpressionWrapper(weeks + rest + _calendar_correction(day), output_field=IntegerField())


def _calendar_correction(day):
    """Weekend working days minus weekday holidays up to `day`: a step function of the date,
    one `CASE` branch per special date (flat, whatever the number of years)."""
    special = special_dates()
    steps = sorted(
        [(d, -1) for d in special.holidays if d.weekday() < 5]
        + [(d, 1) for d in special.workdays if d.weekday() >= 5]
    )
    if not steps:
        return Value(0)
    totals = [0, *accumulate(step for _d, step in steps)]
    dates = [d for d, _step in steps]

    # totals[k], k the number of special dates up to `day`, found by bisection: nested CASEs
    # test about log2(n) dates per row instead of n (the rollup's rebuild evaluates this four
    # times per issue; a flat CASE over ~120 dates was most of its time).
    def between(lo: int, hi: int):
        if lo == hi:
            return Value(totals[lo])
        mid = (lo + hi) // 2
        return Case(
            When(LessThan(day, Value(dates[mid])), then=between(lo, mid)),
            default=between(mid + 1, hi),
            output_field=IntegerField(),
        )

    return between(0, len(dates))


def working_days(start_field: str, end_field: str) -> ExpressionWrapper:
    """Working days from the Beijing date of `start_field` to that of `end_field`."""
    return ExpressionWrapper(
        working_day_index(beijing_date(end_field)) - working_day_index(beijing_date(start_field)),
        output_field=IntegerField(),
    )


# --- what each figure counts ----------------------------------------------------------------


def held_q() -> Q:
    """交办 (as lead): held by a department now."""
    return Q(state__in=HELD_STATES, department__isnull=False)


def reported_q() -> Q:
    """已报结: resolved or verified."""
    return Q(state__in=REPORTED_STATES, resolved_at__isnull=False)


def verified_q() -> Q:
    """已办结: verified by the chain's officer."""
    return Q(state=State.VERIFIED)


def resolved_on_time_q() -> Q:
    """按期办结: reported, on a Beijing date no later than the due date."""
    return reported_q() & Q(due_date__isnull=False, resolved_at__date__lte=F("due_date"))


def accepted_q() -> Q:
    """已签收: the present assignment was signed for (reassigning and 重办 clear it)."""
    return Q(accepted_at__isnull=False, assigned_at__isnull=False)


def accepted_on_time_q() -> Q:
    """签收及时: signed within `LIAISON_ACCEPT_DAYS` working days of the assignment."""
    signed_within = LessThanOrEqual(working_days("assigned_at", "accepted_at"), accept_days())
    return accepted_q() & Q(signed_within)


def reopened_q() -> Q:
    """重办过: reopened at least once."""
    return Q(reopen_count__gt=0)


def extended_q() -> Q:
    """延期: at least one approved extension request."""
    approved = ExtensionRequest.objects.filter(
        issue=OuterRef("id"), state=ExtensionRequest.State.APPROVED
    )
    return Q(Exists(approved))


def noticed_q(kind: str) -> Q:
    """被催办 / 被督办: at least one supervision notice of `kind` (urge or supervise)."""
    return Q(Exists(SupervisionNotice.objects.filter(issue=OuterRef("id"), kind=kind)))


def outcome_q(outcome: str) -> Q:
    """已解决 / 已答复 among the reported issues."""
    return reported_q() & Q(outcome=outcome)


def satisfaction_q(level: str) -> Q:
    """满意 / 基本满意 / 不满意 among the verified issues."""
    return verified_q() & Q(satisfaction=level)


def handling_q() -> Q:
    return Q(state__in=HANDLING_STATES)


# --- the registry: each figure's label, definition and list filters -------------------------
# DESIGN "Reports": one vocabulary everywhere. Every screen, PDF, DOCX and export takes its
# figure labels and the league table's columns from here; docs/figures.md repeats the
# definitions (tests/reports/test_vocabulary.py checks that it does).


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


# The grouped tables (by union, chain, measure) of the printed reports.
TABLE_COLUMNS = (
    "raised",
    "resolved",
    "verified",
    "on_time_rate",
    "mean_days_to_resolve",
    "satisfaction_rate",
    "overdue_now",
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


def for_print(figures: dict[str, Any]) -> dict[str, Any]:
    """What a printed report shows of ``issues.stats`` figures: the key figures, the grouped
    tables and the league table, each value as printed and each heading from the registry."""
    return {
        "kpis": [(label(k), shown(k, figures.get("totals") or {})) for k in KEY_FIGURES],
        "table_header": [label(k) for k in TABLE_COLUMNS],
        "league_header": league_header(),
        "league_rows": league_rows(figures.get("by_department") or []),
        "league_note": "；".join(
            f"{label(k)}：{str(FIGURES[k].definition).rstrip('。')}" for k in LEAGUE_COLUMNS
        )
        + "。",
    }


def table_cells(row: dict[str, Any]) -> list[Any]:
    return [shown(k, row) for k in TABLE_COLUMNS]
