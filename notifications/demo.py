"""Demo notifications for `seed_demo`: what each demo account would have been told lately.

The issues and meetings seeds replay a year of history inside one transaction, their signals
muted by `seed_demo` (`notify.muted()`, e-mail with them); here they are replaced by
notifications dated when each event happened, the older ones already read.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import override

from issues.models import Issue, State, today
from liaison.formats import cn_date
from notifications import notify as n
from notifications.models import Notification
from notifications.receivers import issue_message
from organisation.calendar import working_days_between
from organisation.models import OfficerTerm, User

RECENT = timedelta(days=5)  # newer than this stays unread


class _Named:
    """Stands in for "who" in a message: the department that acted."""

    def __init__(self, department):
        self.display_name = department.name if department else "承办部门"


def seed(accounts, rng, stdout) -> None:
    if Notification.objects.exists():
        return
    now = timezone.now()
    rows: list[Notification] = []
    secretariat = list(User.objects.filter(role=User.Role.SECRETARIAT, is_active=True))
    staff: dict[int | None, list[User]] = {}
    for person in User.objects.filter(role=User.Role.DEPARTMENT, is_active=True):
        staff.setdefault(person.department_id, []).append(person)
    officers = {
        t.chain_id: t.officer
        for t in OfficerTerm.objects.filter(ended_on__isnull=True).select_related("officer")
    }

    def add(people, kind, text, issue, at, actor=None):
        for person in people:
            if person is None or (actor and person.pk == actor.pk):
                continue
            rows.append(
                Notification(
                    recipient=person,
                    kind=kind,
                    text=text,
                    url=n.issue_url(issue),
                    issue=issue,
                    actor=actor,
                    created_at=at,
                    read_at=None if now - at < RECENT else at + timedelta(hours=rng.randint(1, 30)),
                )
            )

    with override("zh-hans"):
        issues = Issue.objects.select_related("chain", "department", "raised_by").order_by(
            "raised_at"
        )
        for issue in issues:
            if issue.state == State.RAISED:
                add(
                    secretariat,
                    "raise",
                    issue_message(issue, "raise", issue.raised_by, ""),
                    issue,
                    issue.raised_at,
                    issue.raised_by,
                )
            elif issue.state == State.ASSIGNED and issue.assigned_at:
                add(
                    staff.get(issue.department_id, []),
                    "assign",
                    issue_message(issue, "assign", None, ""),
                    issue,
                    issue.assigned_at,
                )
                if issue.due_date and issue.due_date < today():
                    text = f"问题 {issue.number}「{issue.title}」已超期{working_days_between(issue.due_date, today())}个工作日（办理时限{cn_date(issue.due_date)}）。"
                    add(
                        staff.get(issue.department_id, []),
                        "overdue",
                        text,
                        issue,
                        now - timedelta(hours=2),
                    )
            elif issue.state == State.RESOLVED and issue.resolved_at:
                add(
                    [officers.get(issue.chain_id), *secretariat],
                    "resolve",
                    issue_message(issue, "resolve", _Named(issue.department), ""),
                    issue,
                    issue.resolved_at,
                )
    Notification.objects.bulk_create(rows, batch_size=500)
    stdout.write(f"oversight: {len(rows)} demo notifications")
