"""Deadlines and escalation: the one definition of overdue, warning, days overdue, 超时未签收
and 督导事项.

Each rule is written here twice, side by side so that the two cannot drift: as a `Q` for
querysets (`IssueQuerySet.overdue` …) and as a function of an issue's values for code that
holds model instances, `values()` rows or agenda snapshots (`Issue.is_overdue_on` …).
`tests/issues_api/test_deadline_rules.py` checks that both answer alike.

Every rule takes the reference date `on`, a Beijing date (`today()` is the usual one).
Spans are counted in working days of `organisation.calendar` (the deadlines of DESIGN
"The bottleneck state machine"): the 签收 window, "due within 3 working days" and
`days_overdue`. Overdue itself is a date comparison: due_date before today.
"""

from __future__ import annotations

import operator
from datetime import date, datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from issues.states import HANDLING_STATES, OPEN_STATES, State
from organisation.calendar import add_working_days, working_days_between

WARNING_DAYS = 3  # "yellow" when due within this many working days (today included)
# 督导事项: open and overdue by more than this many days - calendar days, as DESIGN words it
# ("overdue by more than 30 days"), unlike `days_overdue`, which counts working days …
ESCALATION_OVERDUE_DAYS = 30
ESCALATION_REOPENS = 2  # … or reopened at least this many times


def today() -> date:
    """Today in Asia/Shanghai: deadlines are Beijing dates, whatever the server's clock zone."""
    return timezone.localdate()


def accept_days() -> int:
    return settings.LIAISON_ACCEPT_DAYS


def default_due_date(category, on: date | None = None) -> date:
    """`default_days` working days from `on` (today): assign without a date, and reopen."""
    return add_working_days(on or today(), category.default_days)


def accept_by(assigned_at: datetime) -> date:
    """The last day to sign (签收) for an issue assigned at `assigned_at`."""
    return add_working_days(timezone.localdate(assigned_at), accept_days())


# --- as queryset filters ------------------------------------------------------------------


def overdue_q(on: date, *, by_more_than: int | None = None) -> Q:
    """Handled by a department and past its due date on `on`; with `by_more_than=n`, its
    `days_overdue` (working days) is greater than n."""
    if by_more_than is None:
        return Q(state__in=HANDLING_STATES, due_date__lt=on)
    # working_days_between(due, on) > n  ⟺  due is before the (n+1)-th working day ≤ on.
    cutoff = add_working_days(on + timedelta(days=1), -(by_more_than + 1))
    return Q(state__in=HANDLING_STATES, due_date__lt=cutoff)


def unacknowledged_q(on: date) -> Q:
    """超时未签收: assigned and not signed for within the 签收 window of its assignment."""
    # accept_by(d) < on  ⟺  d is before the `accept_days()`-th working day before `on`.
    cutoff = add_working_days(on, -accept_days())
    return Q(state=State.ASSIGNED, assigned_at__isnull=False, assigned_at__date__lt=cutoff)


def due_soon_q(on: date) -> Q:
    """Handled by a department and due within `WARNING_DAYS` working days of `on`: yellow."""
    return Q(
        state__in=HANDLING_STATES,
        due_date__gte=on,
        due_date__lte=add_working_days(on, WARNING_DAYS),
    )


def red_q(on: date) -> Q:
    return overdue_q(on) | unacknowledged_q(on)


def yellow_q(on: date) -> Q:
    """Due soon, and not red for a 签收 not given in time."""
    return due_soon_q(on) & ~unacknowledged_q(on)


def unanswered_supervision(on: date) -> Exists:
    """A 督办 notice to the issue's lead department, unanswered past its reply-by date on `on`.

    Only notices to the department that leads now count: a department the issue was taken
    from can no longer answer (only the lead posts the note that names a notice). An EXISTS
    subquery, so that a list filters or annotates with it in one query.
    """
    # models imports this module (the rules of its properties): read the model when asked.
    from issues.models import SupervisionNotice  # noqa: PLC0415 - circular import

    return Exists(
        SupervisionNotice.objects.filter(
            issue=OuterRef("id"),
            department=OuterRef("department"),
            kind=SupervisionNotice.Kind.SUPERVISE,
            answered_at__isnull=True,
            reply_by__lt=on,
        )
    )


def escalation_qs(on: date) -> dict[str, Q]:
    """The reasons of 督导事项 on `on`, named as `escalation_reasons` names them, each a
    condition that an index answers alone: a due-date range of the handled issues, a range of
    `reopen_count`, the unanswered 督办 notices. `escalated_q` is their OR; at scale a count or
    a page of escalated issues reads each reason by its index and merges (`issues.escalated`),
    which one OR over every open issue cannot."""
    return {
        "overdue": Q(
            state__in=HANDLING_STATES,
            due_date__lt=on - timedelta(days=ESCALATION_OVERDUE_DAYS),
        ),
        "reopened": Q(state__in=OPEN_STATES, reopen_count__gte=ESCALATION_REOPENS),
        "supervised": Q(unanswered_supervision(on), state__in=HANDLING_STATES),
    }


def escalated_q(on: date) -> Q:
    """督导事项 on `on`: open, and overdue by more than 30 days, or reopened twice or more, or
    with a 督办 notice unanswered past its reply-by date (`unanswered_supervision`)."""
    return Q(state__in=OPEN_STATES) & reduce(operator.or_, escalation_qs(on).values())


# --- as functions of an issue's values ------------------------------------------------------


def is_overdue(state: str, due_date: date | None, on: date) -> bool:
    return state in HANDLING_STATES and due_date is not None and due_date < on


def days_to_resolve(
    first_assigned: datetime | date | None, resolved: datetime | date | None
) -> int | None:
    """Working days from the first 交办 to the 报结 (Beijing dates), the figure
    `mean_days_to_resolve` averages (`issues.counting.working_days` in SQL). Both moments as
    datetimes, or as their Beijing dates already (the ledger has SQL make them)."""
    if resolved and first_assigned:
        return working_days_between(_beijing_date(first_assigned), _beijing_date(resolved))
    return None


def _beijing_date(moment: datetime | date) -> date:
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def days_overdue(state: str, due_date: date | None, on: date) -> int:
    """Working days past the due date on `on`; 0 when not overdue."""
    if is_overdue(state, due_date, on):
        assert due_date is not None
        return working_days_between(due_date, on)
    return 0


def days_left(state: str, due_date: date | None, on: date) -> int | None:
    """Working days from `on` to the due date (0: due today), while a department holds the
    issue and it is not overdue; None otherwise. "剩余 N 个工作日" in the department's inbox."""
    if state not in HANDLING_STATES or due_date is None or due_date < on:
        return None
    return working_days_between(on, due_date)


def is_unacknowledged(state: str, assigned_at: datetime | None, on: date) -> bool:
    return state == State.ASSIGNED and assigned_at is not None and accept_by(assigned_at) < on


def warning(
    state: str, due_date: date | None, on: date, assigned_at: datetime | None = None
) -> str | None:
    """`red` when overdue or 超时未签收, `yellow` when due within `WARNING_DAYS` working days."""
    if is_overdue(state, due_date, on) or is_unacknowledged(state, assigned_at, on):
        return "red"
    if (
        state in HANDLING_STATES
        and due_date is not None
        and due_date <= add_working_days(on, WARNING_DAYS)
    ):
        return "yellow"
    return None


def escalation_reasons(
    state: str,
    due_date: date | None,
    reopen_count: int,
    on: date,
    supervision_unanswered: bool = False,
) -> frozenset[str]:
    """Why an issue is 督导事项 on `on`: any of `overdue`, `reopened`, `supervised` (the value
    of `unanswered_supervision` for the issue on `on`), or none (not escalated)."""
    if state not in OPEN_STATES:
        return frozenset()
    reasons = set()
    if (
        due_date is not None
        and is_overdue(state, due_date, on)
        and (on - due_date).days > ESCALATION_OVERDUE_DAYS
    ):
        reasons.add("overdue")
    if reopen_count >= ESCALATION_REOPENS:
        reasons.add("reopened")
    if supervision_unanswered and state in HANDLING_STATES:
        reasons.add("supervised")
    return frozenset(reasons)


def is_escalated(
    state: str,
    due_date: date | None,
    reopen_count: int,
    on: date,
    supervision_unanswered: bool = False,
) -> bool:
    """The same rule as `escalated_q`."""
    return bool(escalation_reasons(state, due_date, reopen_count, on, supervision_unanswered))
