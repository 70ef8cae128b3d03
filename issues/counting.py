"""What each figure counts, as a condition on issues: the one definition that the figures
(`issues.stats`, the league table of `reports.figures`) aggregate and the list filters
(`issues.filters`) select, so that a number on the dashboard and the list behind it cannot
disagree. Every condition is a `Q` (or an expression) evaluated by the database: the figures
are a handful of aggregate queries whatever the number of issues.

Working days are counted in SQL as in `organisation.calendar.working_days_between`: a
working-day index `W(d)` (Monday-Friday dates up to `d`, less the holidays on weekdays, plus
the 调休 working days on weekends, up to `d`), so that the working days in `(a, b]` are
`W(b) - W(a)`. The weekday part is integer arithmetic on the day number; the calendar's part
is one `CASE` over the special dates (a few dozen a year), read from the calendar's cache.
"""

from __future__ import annotations

import datetime
from itertools import accumulate

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

from issues.deadlines import accept_days
from issues.models import ExtensionRequest, SupervisionNotice
from issues.states import HANDLING_STATES, State
from organisation.calendar import special_dates

# A Monday: day numbers count from it, so that weekday arithmetic needs no modular offset.
EPOCH = datetime.date(1970, 1, 5)

# 交办 (as lead): a department holds the issue now, under a due date or with its answer given.
HELD_STATES = (State.ASSIGNED, State.ACCEPTED, State.RESOLVED, State.VERIFIED)
# 已报结: resolved or verified (its resolution stands; a reopened issue loses it).
REPORTED_STATES = (State.RESOLVED, State.VERIFIED)


class DayNumber(Func):
    """Days from `EPOCH` to a date expression, as an integer (SQLite and PostgreSQL)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date - date is an integer
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) - DATE '{EPOCH.isoformat()}')", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday({sql}) - julianday('{EPOCH.isoformat()}') AS INTEGER)", params


def beijing_date(field: str):
    """The Beijing date of a datetime field (the current time zone, Asia/Shanghai)."""
    return TruncDate(field)


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
    return Case(
        *(
            When(LessThan(day, Value(d)), then=Value(before))
            for (d, _step), before in zip(steps, totals, strict=False)
        ),
        default=Value(totals[-1]),
        output_field=IntegerField(),
    )


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
        issue=OuterRef("pk"), state=ExtensionRequest.State.APPROVED
    )
    return Q(Exists(approved))


def noticed_q(kind: str) -> Q:
    """被催办 / 被督办: at least one supervision notice of `kind` (urge or supervise)."""
    return Q(Exists(SupervisionNotice.objects.filter(issue=OuterRef("pk"), kind=kind)))


def outcome_q(outcome: str) -> Q:
    """已解决 / 已答复 among the reported issues."""
    return reported_q() & Q(outcome=outcome)


def satisfaction_q(level: str) -> Q:
    """满意 / 基本满意 / 不满意 among the verified issues."""
    return verified_q() & Q(satisfaction=level)


def handling_q() -> Q:
    return Q(state__in=HANDLING_STATES)
