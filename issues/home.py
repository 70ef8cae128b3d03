"""What waits for each person on the home page (JOURNEYS.md): one short list per need.

Every list is one query of a bounded size, so the home page costs the same with a year
of data as with a week of it.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from issues.deadlines import overdue_q
from issues.models import Issue, State, today
from issues.states import HANDLING_STATES
from organisation.models import Department

LIST_SIZE = 20
INBOX_SIZE = 50


def work_for(user) -> dict:
    if not getattr(user, "is_authenticated", False):
        return {}
    if user.is_officer:
        return _officer(user)
    if user.is_department_staff:
        return _department(user)
    if user.is_secretariat:
        return _secretariat(user)
    if user.is_leader:
        return _leader(user)
    return {"role": ""}


def _officer(user) -> dict:
    chains = Issue.objects.with_related().filter(chain_id__in=user.chain_ids)
    return {
        "role": "officer",
        "may_raise": bool(user.chain_ids),
        "to_verify": list(chains.filter(state=State.RESOLVED).order_by("resolved_at")[:LIST_SIZE]),
        "returned": list(
            chains.filter(state=State.RAISED, return_count__gt=0).order_by("-raised_at")[:LIST_SIZE]
        ),
        "overdue": list(chains.overdue().order_by("due_date")[:LIST_SIZE]),
        "recent": list(chains.order_by("-raised_at", "-pk")[:10]),
    }


def _department(user) -> dict:
    # Sorting by due date puts the overdue ones (earliest dates) first.
    assigned = (
        Issue.objects.with_related()
        .filter(department_id=user.department_id, state__in=HANDLING_STATES)
        .order_by("due_date", "raised_at")
    )
    inbox = list(assigned[: INBOX_SIZE + 1])
    on = today()
    for issue in inbox:
        since = issue.assigned_at or issue.raised_at
        issue.age_days = (on - timezone.localdate(since)).days if since else 0
    return {
        "role": "department",
        "inbox": inbox[:INBOX_SIZE],
        "inbox_more": len(inbox) > INBOX_SIZE,
        "awaiting": Issue.objects.filter(
            department_id=user.department_id, state=State.RESOLVED
        ).count(),
    }


def _secretariat(user) -> dict:
    to_assign = list(
        Issue.objects.with_related()
        .filter(state=State.RAISED)
        .order_by("-return_count", "raised_at")[: LIST_SIZE * 2]
    )
    return {
        "role": "secretariat",
        "returned": [i for i in to_assign if i.return_count],
        "new": [i for i in to_assign if not i.return_count],
        "departments": list(Department.objects.all()),
        "min_date": today().isoformat(),
        "counts": _counts(),
    }


def _leader(user) -> dict:
    return {"role": "leader", "counts": _counts()}


def _counts() -> dict:
    """Issues by state and overdue, in one query."""
    row = Issue.objects.aggregate(
        total=Count("pk"),
        **{state: Count("pk", filter=Q(state=state)) for state in State.values},
        overdue=Count("pk", filter=overdue_q(today())),
    )
    row["by_state"] = [(value, label, row[value]) for value, label in State.choices]
    return row
