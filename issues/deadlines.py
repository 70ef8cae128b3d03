"""Deadlines and escalation: the one definition of overdue, warning, days overdue and 督导事项.

Each rule is written here twice, side by side so that the two cannot drift: as a `Q` for
querysets (`IssueQuerySet.overdue` …) and as a function of an issue's values for code that
holds model instances, `values()` rows or agenda snapshots (`Issue.is_overdue_on` …).
`tests/issues_api/test_deadline_rules.py` checks that both answer alike.

Every rule takes the reference date `on`, a Beijing date (`today()` is the usual one).
Days are calendar days; when DESIGN's working-day calendar is counted, it is counted here.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from issues.states import HANDLING_STATES, OPEN_STATES

WARNING_DAYS = 3  # "yellow" when due within this many days (today included)
ESCALATION_OVERDUE_DAYS = 30  # 督导事项: open and overdue by more than this many days …
ESCALATION_REOPENS = 2  # … or reopened at least this many times


def today() -> date:
    """Today in Asia/Shanghai: deadlines are Beijing dates, whatever the server's clock zone."""
    return timezone.localdate()


# --- as queryset filters ------------------------------------------------------------------


def overdue_q(on: date, *, by_more_than: int = 0) -> Q:
    """Handled by a department and past its due date on `on` (by more than `by_more_than` days)."""
    return Q(state__in=HANDLING_STATES, due_date__lt=on - timedelta(days=by_more_than))


def due_soon_q(on: date) -> Q:
    """Handled by a department and due within `WARNING_DAYS` days of `on`: the yellow light."""
    return Q(
        state__in=HANDLING_STATES,
        due_date__gte=on,
        due_date__lte=on + timedelta(days=WARNING_DAYS),
    )


def escalated_q(on: date) -> Q:
    """督导事项 on `on`: open, and overdue by more than 30 days or reopened twice or more."""
    # DESIGN's third reason, "a 督办 notice unanswered past its reply-by date", joins this
    # `|` (and `is_escalated` below) when supervision notices exist.
    reasons = overdue_q(on, by_more_than=ESCALATION_OVERDUE_DAYS) | Q(
        reopen_count__gte=ESCALATION_REOPENS
    )
    return Q(state__in=OPEN_STATES) & reasons


# --- as functions of an issue's values ------------------------------------------------------


def days_overdue(state: str, due_date: date | None, on: date) -> int:
    """Days past the due date on `on`; 0 when not overdue."""
    if state in HANDLING_STATES and due_date is not None and due_date < on:
        return (on - due_date).days
    return 0


def is_overdue(state: str, due_date: date | None, on: date) -> bool:
    return days_overdue(state, due_date, on) > 0


def warning(state: str, due_date: date | None, on: date) -> str | None:
    """`red` when overdue, `yellow` when due within `WARNING_DAYS` days, else None."""
    if is_overdue(state, due_date, on):
        return "red"
    if (
        state in HANDLING_STATES
        and due_date is not None
        and due_date <= on + timedelta(days=WARNING_DAYS)
    ):
        return "yellow"
    return None


def escalation_reasons(
    state: str, due_date: date | None, reopen_count: int, on: date
) -> frozenset[str]:
    """Why an issue is 督导事项 on `on`: `overdue`, `reopened`, both, or none (not escalated)."""
    if state not in OPEN_STATES:
        return frozenset()
    reasons = set()
    if days_overdue(state, due_date, on) > ESCALATION_OVERDUE_DAYS:
        reasons.add("overdue")
    if reopen_count >= ESCALATION_REOPENS:
        reasons.add("reopened")
    return frozenset(reasons)


def is_escalated(state: str, due_date: date | None, reopen_count: int, on: date) -> bool:
    """The same rule as `escalated_q`."""
    return bool(escalation_reasons(state, due_date, reopen_count, on))
