"""Who hears about what: the receivers of the issue and meeting signals.

An issue's notices are data in `issues.transitions` (`Transition.notify`, `RAISE_NOTICE`):
an audience and a text. Here they are addressed and sent. Agenda published → the
participants. The person who acted is never told about their own action.

How a receiver works (the same for every event; add one in this shape):
- The signals are sent INSIDE the transaction of the change (issues/services.py `_announce`,
  meetings/services.py `record`). A receiver only writes rows there: the in-app notifications
  and the e-mail deliveries (`n.notify`), the webhook deliveries (`n.announce`), each
  delivery's task row (`notifications.tasks.enqueue`, called by both). The database task
  backend keeps the task row in the same database, so all of it commits with the change or
  rolls back with it, and the worker cannot see a task before its change has committed.
- A receiver never talks to a mail server or a webhook (the task does, in the worker), so the
  request never waits for them. If a receiver raises, the change rolls back: a bug here is
  loud, never a committed change without its notifications.
- Texts in the house language (`translation.override`), never to the person who acted.

Webhooks get raise, assign/reassign, return, 催办/督办 notices, agenda published and minutes
approved (and overdue from send_reminders). A 督办 is also copied by e-mail to the
department's responsible leader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from issues.models import Issue, IssueDepartment
from issues.notices import history_reason
from issues.signals import issue_transitioned, notices_issued
from issues.transitions import EVENTS, RAISE_NOTICE, TRANSITIONS, Audience, Notice
from liaison.formats import cn_date
from meetings.signals import agenda_published, decision_changed, meeting_changed
from notifications import notify as n
from notifications.models import Kind, Notification, WebhookEvent
from organisation.models import Department

# Issues listed in one webhook call about a batch (the text gives the whole count).
LISTED = 30

# Transitions a webhook can ask for (DESIGN: raise, assign, return; a reassign is an assign).
WEBHOOK_EVENTS = {
    "raise": WebhookEvent.RAISE,
    "assign": WebhookEvent.ASSIGN,
    "reassign": WebhookEvent.ASSIGN,
    "return": WebhookEvent.RETURN,
}


def notice_for(name: str) -> Notice | None:
    """The notice of `name` (a transition, or "raise"), or None if nobody is told."""
    if name == Kind.RAISE:
        return RAISE_NOTICE
    if name in EVENTS:
        return EVENTS[name].notify
    transition = TRANSITIONS.get(name)
    return transition.notify if transition else None


class _Placeholders:
    """The values a notice's text may name, each worked out only when the text names it."""

    def __init__(self, issue: Issue, user: Any, reason: str) -> None:
        self.issue, self.user, self.reason = issue, user, reason

    def __getitem__(self, key: str) -> str:
        issue = self.issue
        department = issue.department
        values: dict[str, Callable[[], str]] = {
            "issue": lambda: f"{issue.number}「{issue.title}」",
            "chain": lambda: issue.chain.name,
            "dept": lambda: (department.short_name or department.name) if department else "",
            "due": lambda: cn_date(issue.due_date),
            "who": lambda: self.user.display_name if self.user else _("系统"),
            "reason": lambda: self.reason,
            "original": lambda: (
                f"{issue.duplicate_of.number}「{issue.duplicate_of.title}」"
                if issue.duplicate_of_id
                else ""
            ),
        }
        return values[key]()


def issue_message(issue: Issue, name: str, user: Any, reason: str) -> str | None:
    """The text of the notification for `name` (in the active language), or None."""
    notice = notice_for(name)
    if notice is None:
        return None
    return str(notice.text) % _Placeholders(issue, user, reason)


AUDIENCES: dict[Audience, Callable[[Issue], Q | None]] = {
    Audience.DEPARTMENT: lambda issue: (
        n.department_staff(issue.department_id) if issue.department_id else None
    ),
    Audience.CO_DEPARTMENTS: lambda issue: (
        Q(
            role="department",
            department_id__in=IssueDepartment.objects.filter(
                issue=issue, role="co", active=True
            ).values("department_id"),
        )
        if issue.department_id
        else None
    ),
    Audience.CHAIN_OFFICER: lambda issue: n.chain_officer(issue.chain_id),
    Audience.SECRETARIAT: lambda issue: n.secretariat(),
}


def issue_recipients(issue: Issue, name: str, user: Any) -> list:
    notice = notice_for(name)
    audience = notice.audience if notice else ()
    conditions = [q for q in (AUDIENCES[who](issue) for who in audience) if q is not None]
    return n.recipients(*conditions, exclude=user)


@receiver(issue_transitioned, dispatch_uid="notifications.issue_transitioned")
def on_issue_transitioned(sender, issue, name, user=None, from_state="", reason="", **kwargs):
    if n.is_muted():
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = issue_message(issue, name, user, reason or "")
        if text is None:
            return
        people = issue_recipients(issue, name, user)
        # In the transition's transaction: in-app rows, e-mails and webhook calls of one event
        # are queued with it, or not at all.
        n.notify(people, name, text, url=n.issue_url(issue), issue=issue, actor=user)
        if name in WEBHOOK_EVENTS:
            n.announce(WEBHOOK_EVENTS[name], text, n.issue_url(issue), issues=[issue])


def _copy_to_leader(department, lines: list[tuple[str, str]]) -> int:
    """A 督办 is copied by e-mail to the department's responsible leader (分管领导), who has
    no account: the address of the reference data. One mail for the department's 督办 of
    one batch."""
    if not department.leader_email or not lines:
        return 0
    intro = _("抄送%(leader)s%(name)s：") % {
        "leader": department.leader_title,
        "name": department.leader_name,
    }
    subject = lines[0][0] if len(lines) == 1 else _("督办通知%(count)d份") % {"count": len(lines)}
    return n.queue_emails(
        [],
        subject,
        lines,
        intro=intro,
        event="notice",
        addresses=[department.leader_email],
    )


@receiver(notices_issued, dispatch_uid="notifications.notices_issued")
def on_notices_issued(sender, notices, user=None, **kwargs):
    """催办/督办 notices, one by hand or a whole batch of send_reminders, in a fixed number of
    queries: each notice tells the staff of its lead department in the app (one insert for
    all), each person gets one e-mail listing theirs, each department's leader one copy of its
    督办, and each webhook one call listing the notices (at most `LISTED` issues)."""
    if n.is_muted() or not notices:
        return
    with translation.override(settings.LANGUAGE_CODE):
        staff: dict[int, list] = defaultdict(list)
        for person in n.recipients(
            Q(role="department", department_id__in={x.department_id for x in notices}),
            exclude=user,
        ):
            staff[person.department_id].append(person)
        rows, texts = [], []
        supervised: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for notice in notices:
            issue = notice.issue
            text = issue_message(issue, "notice", user, history_reason(notice)) or ""
            url = n.issue_url(issue)
            texts.append(text)
            rows += [
                Notification(
                    recipient=person, kind="notice", text=text, url=url, issue=issue, actor=user
                )
                for person in staff.get(notice.department_id, [])
            ]
            if notice.kind == notice.Kind.SUPERVISE:
                supervised[notice.department_id].append((text, url))
        subject = _("催办、督办通知%(count)d份") % {"count": len(notices)}
        n.notify_each(rows, event="notice", subject=subject)
        for department in Department.objects.filter(pk__in=supervised):
            _copy_to_leader(department, supervised[department.pk])
        if len(notices) == 1:
            text, url = texts[0], n.issue_url(notices[0].issue)
        else:
            text, url = subject + "。", "/issues/?overdue=true"
        issues = list({x.issue_id: x.issue for x in notices}.values())[:LISTED]
        n.announce(WebhookEvent.NOTICE, text, url, issues=issues)


# --- meetings ------------------------------------------------------------------------


def meeting_participants(meeting, actor=None) -> list:
    """Every officer, the staff of departments with issues on the agenda, the secretariat, leaders."""
    department_ids = _agenda_department_ids(meeting)
    conditions = [n.every_officer(), n.secretariat(), n.leaders()]
    if department_ids:
        conditions.append(Q(role="department", department_id__in=department_ids))
    return n.recipients(*conditions, exclude=actor)


def _agenda_department_ids(meeting) -> set[int]:
    """Departments of the issues listed on the agenda (from its snapshot)."""
    issue_ids = {pk for item in meeting.agenda_items.all() for pk in item.issue_ids}
    return set(
        Issue.objects.filter(pk__in=issue_ids, department_id__isnull=False).values_list(
            "department_id", flat=True
        )
    )


@receiver(agenda_published, dispatch_uid="notifications.agenda_published")
def on_agenda_published(sender, meeting, user=None, **kwargs):
    if n.is_muted():
        return
    with translation.override(settings.LANGUAGE_CODE):
        when = timezone.localtime(meeting.scheduled_at)
        text = _("%(title)s议程已发布，时间：%(when)s，地点：%(where)s。") % {
            "title": meeting.title or str(meeting),
            "when": f"{cn_date(when)} {when:%H:%M}",
            "where": meeting.location or _("另行通知"),
        }
        people = meeting_participants(meeting, user)
        n.notify(
            people,
            Kind.AGENDA_PUBLISHED.value,
            text,
            url=n.meeting_url(meeting),
            actor=user,
            extra={"meeting": meeting},
        )
        n.announce(WebhookEvent.AGENDA_PUBLISHED, text, n.meeting_url(meeting), meeting=meeting)


@receiver(meeting_changed, dispatch_uid="notifications.minutes_approved")
def on_minutes_approved(sender, meeting, operation, user=None, **kwargs):
    """Approved minutes go to the webhooks only (nobody is told in the app today)."""
    if operation != "approve_minutes" or n.is_muted():
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(title)s纪要已审定。") % {"title": meeting.title or str(meeting)}
        n.announce(WebhookEvent.MINUTES_APPROVED, text, n.meeting_url(meeting), meeting=meeting)


# --- decisions tracked to 销号 -----------------------------------------------------------------

DECISION_TEXTS = {
    # the lead department reported it done: the secretariat confirms (销号) or sends it back
    "report": _lazy("%(dept)s报告议定事项已落实：%(decision)s。报告：%(reason)s 请确认销号。"),
    "close": _lazy("议定事项已销号：%(decision)s。"),
    "reopen": _lazy("议定事项被退回重办：%(decision)s。原因：%(reason)s"),
}


@receiver(decision_changed, dispatch_uid="notifications.decision_changed")
def on_decision_changed(sender, decision, user=None, transition="", reason="", **kwargs):
    """A report goes to the secretariat; 销号 and 退回重办 to the lead department's staff."""
    if transition not in DECISION_TEXTS or n.is_muted() or decision.department_id is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        department = decision.department
        text = str(DECISION_TEXTS[transition]) % {
            "dept": department.short_name or department.name,
            "decision": decision.text[:60],
            "reason": reason or "",
        }
        audience = (
            n.secretariat()
            if transition == "report"
            else n.department_staff(decision.department_id)
        )
        n.notify(
            n.recipients(audience, exclude=user),
            Kind.DECISION.value,
            text,
            url=reverse("decisions:list"),
            actor=user,
        )
