"""督导事项 among many open issues, counted and listed by index (issue 14).

`deadlines.escalated_q` is one OR over every open issue: to count the escalated ones, or to
list the first of them, PostgreSQL reads each open issue's row and tests every reason on it
(at 1,000,000 issues, ~94,000 rows a time, three times per annual agenda). Each reason alone
is an index range (`deadlines.escalation_qs`): the long overdue ones a due-date range of
`issue_handling_due_idx`, the reopened ones a range of `issue_open_reopened_idx`, the
unanswered 督办 notices their own partial index. So here the escalated ones are the UNION of
the reasons' issues (an issue with two reasons counted once), and the others are every
issue minus the escalated ones, counted as the difference of two index-only counts.

Both are a `Queue`: `filter`/`exclude` (applied to the issues before the reasons, so the
counts and pages of an agenda section with its exclusions stay exact), `count()`, `head(n)`.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Self

from django.db.models import F, QuerySet

from issues.deadlines import escalated_q, escalation_qs
from issues.models import Issue
from issues.states import OPEN_STATES

# The escalated ones, the most urgent first: the earliest due date (the most days overdue),
# then the oldest. `_urgency` is the same order in Python, for merging the reasons' pages.
ESCALATED_ORDER = (F("due_date").asc(nulls_last=True), "raised_at", "pk")


def _urgency(issue: Issue) -> tuple:
    return (issue.due_date is None, issue.due_date or date.min, issue.raised_at, issue.pk)


class Queue:
    """Issues in the database in an order (a queryset): narrowed by `filter` and `exclude`,
    counted by `count()`, the first `n` by `head(n)`; the agenda's sections are queues."""

    def __init__(self, issues: QuerySet[Issue]):
        self.issues = issues

    def _of(self, issues: QuerySet[Issue]) -> Self:
        narrowed = copy.copy(self)
        narrowed.issues = issues
        return narrowed

    def filter(self, *args, **kwargs) -> Self:
        return self._of(self.issues.filter(*args, **kwargs))

    def exclude(self, *args, **kwargs) -> Self:
        return self._of(self.issues.exclude(*args, **kwargs))

    def count(self) -> int:
        return self.issues.count()

    def head(self, n: int) -> list[Issue]:
        return list(self.issues[:n])


class Escalated(Queue):
    """The issues of `issues` escalated on `on` (open ones: each reason implies it), in
    `ESCALATED_ORDER`. `issues` need not be restricted to the open states: a second state
    condition beside each reason's own makes PostgreSQL misjudge how many rows a reason has
    (the two multiplied), and sort them all rather than walk its index."""

    def __init__(self, issues: QuerySet[Issue], on: date):
        super().__init__(issues)
        self.on = on

    def by_reason(self) -> list[QuerySet[Issue]]:
        return [self.issues.filter(q) for q in escalation_qs(self.on).values()]

    def count(self) -> int:
        """Exact: the distinct issues of all the reasons, in one query."""
        first, *rest = (issues.order_by().values("pk") for issues in self.by_reason())
        return first.union(*rest).count()

    def head(self, n: int) -> list[Issue]:
        """The first `n`: among the first `n` of each reason (one query each), merged."""
        found: dict[int, Issue] = {}
        for issues in self.by_reason():
            for issue in issues.order_by(*ESCALATED_ORDER)[:n]:
                found.setdefault(issue.pk, issue)
        return sorted(found.values(), key=_urgency)[:n]


class NotEscalated(Queue):
    """The open issues of `issues` not escalated on `on`, in the order of `issues`."""

    def __init__(self, issues: QuerySet[Issue], on: date):
        super().__init__(issues)
        self.on = on

    def count(self) -> int:
        """The open ones minus the escalated ones (all open): two index-only counts rather
        than testing each reason on every open row."""
        open_ones = self.issues.filter(state__in=OPEN_STATES).order_by().count()
        return open_ones - Escalated(self.issues, self.on).count()

    def head(self, n: int) -> list[Issue]:
        """The first `n`, walking the open ones in the order of `issues` and skipping the
        escalated ones (each tested on its row): a walk that stops after `n`."""
        open_ones = self.issues.filter(state__in=OPEN_STATES)
        return list(open_ones.exclude(escalated_q(self.on))[:n])
