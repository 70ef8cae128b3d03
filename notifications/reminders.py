"""Daily reminders of deadlines: due soon and overdue, as `issues.deadlines` defines them.

The automatic 催办 and 督办 notices are issued first (`issues.notices.issue_automatic`, once
per overdue spell). Department staff get one in-app notification per issue and one e-mail listing them all;
the secretariat gets one summary a day; webhooks that want `overdue` get one message listing
the overdue issues. Every e-mail and webhook call is a background task (notifications/tasks.py). A `Reminder` row per issue, kind and day (unique)
makes a second run on the same day send nothing; the next day sends again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from issues.deadlines import WARNING_DAYS
from issues.models import Issue, today
from issues.notices import issue_automatic
from liaison.formats import cn_date
from notifications import notify as n
from notifications.models import Kind, Reminder, WebhookEvent
from organisation.models import User


@dataclass
class Result:
    due_soon: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    notifications: int = 0
    emails: int = 0
    notices: list = field(default_factory=list)  # the automatic 催办/督办 issued

    @property
    def issues(self) -> list:
        return self.overdue + self.due_soon


def _claim(issue: Issue, kind: str, on: date) -> bool:
    """Record today's reminder; False if it was already sent (by an earlier or parallel run)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(issue=issue, kind=kind, on=on)
        return True
    except IntegrityError:
        return False


def _line(issue: Issue, kind: str, on: date) -> str:
    if kind == Reminder.Kind.OVERDUE:
        return _(
            "问题 %(number)s「%(title)s」已超期%(days)d天（办理时限%(due)s，承办部门：%(dept)s）。"
        ) % {
            "number": issue.number,
            "title": issue.title,
            "days": (on - issue.due_date).days,
            "due": cn_date(issue.due_date),
            "dept": issue.department.name,
        }
    left = (issue.due_date - on).days
    when = _("今天") if left == 0 else _("%(days)d天后") % {"days": left}
    return _(
        "问题 %(number)s「%(title)s」将于%(when)s到期（办理时限%(due)s，承办部门：%(dept)s）。"
    ) % {
        "number": issue.number,
        "title": issue.title,
        "when": when,
        "due": cn_date(issue.due_date),
        "dept": issue.department.name,
    }


def send_reminders(on: date | None = None) -> Result:
    on = on or today()
    result = Result()
    handled = Issue.objects.select_related("department", "chain").order_by("due_date", "pk")
    candidates = [(issue, Reminder.Kind.OVERDUE) for issue in handled.overdue(on)] + [
        (issue, Reminder.Kind.DUE_SOON) for issue in handled.due_soon(on)
    ]
    # One transaction: the day's reminder rows, notifications and deliveries all or none.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        # The automatic 催办/督办 (issues.notices): announced, like any notice, on commit.
        result.notices = issue_automatic(on)
        claimed = [(issue, kind) for issue, kind in candidates if _claim(issue, kind, on)]
        if not claimed:
            return result
        staff_by_department: dict[int, list[User]] = defaultdict(list)
        for person in n.active_people().filter(
            role=User.Role.DEPARTMENT, department_id__in={i.department_id for i, _k in claimed}
        ):
            staff_by_department[person.department_id].append(person)

        lines_by_person: dict[User, list[tuple[str, str]]] = defaultdict(list)
        for issue, kind in claimed:
            (result.overdue if kind == Reminder.Kind.OVERDUE else result.due_soon).append(issue)
            text, url = _line(issue, kind, on), n.issue_url(issue)
            staff = staff_by_department.get(issue.department_id, [])
            result.notifications += len(
                n.notify(staff, Kind(kind).value, text, url=url, issue=issue, email=False)
            )
            for person in staff:
                lines_by_person[person].append((text, url))
            Reminder.objects.filter(issue=issue, kind=kind, on=on).update(recipients=len(staff))

        result.emails += _digest_to_department_staff(lines_by_person)
        result.notifications += _summary_to_secretariat(claimed, on, result)
        _overdue_to_webhooks(result, on)
    return result


def _digest_to_department_staff(lines_by_person) -> int:
    sent = 0
    for person, lines in lines_by_person.items():
        subject = _("办理时限提醒：%(count)d项问题") % {"count": len(lines)}
        sent += n.queue_emails([person], subject, lines, intro=subject + "。", event="reminder")
    return sent


def _summary_to_secretariat(claimed, on: date, result: Result) -> int:
    people = n.recipients(n.secretariat())
    if not people:
        return 0
    text = _("%(date)s办理时限提醒：已超期%(overdue)d项，%(days)d天内到期%(soon)d项。") % {
        "date": cn_date(on),
        "days": WARNING_DAYS,
        "overdue": len(result.overdue),
        "soon": len(result.due_soon),
    }
    kind = Kind.OVERDUE if result.overdue else Kind.DUE_SOON
    url = "/issues/?overdue=true" if result.overdue else "/issues/?state=assigned"
    rows = n.notify(people, kind.value, text, url=url, email=False)
    details = [(_line(issue, k, on), n.issue_url(issue)) for issue, k in claimed]
    result.emails += n.queue_emails(
        people, text.rstrip("。"), details, intro=text, event="reminder"
    )
    return len(rows)


def _overdue_to_webhooks(result: Result, on: date) -> None:
    if not result.overdue:
        return
    text = _("%(date)s已超期问题%(count)d项。") % {
        "date": cn_date(on),
        "count": len(result.overdue),
    }
    n.announce(WebhookEvent.OVERDUE, text, "/issues/?overdue=true", issues=result.overdue)
