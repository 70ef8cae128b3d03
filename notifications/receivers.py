"""Who hears about what (issue 6): the receivers of the issue and meeting signals.

assign, reassign, reopen → the department's staff; return, resolve → the chain's current
officer and the secretariat; raise → the secretariat (to triage); agenda published → the
participants. The person who acted is never told about their own action.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from issues.models import Issue
from issues.signals import issue_transitioned
from liaison.formats import cn_date
from meetings.signals import agenda_published
from notifications import notify as n
from notifications.models import Kind


def _label(issue) -> str:
    return f"{issue.number}「{issue.title}」"


def _department_name(issue) -> str:
    department = issue.department
    return (department.short_name or department.name) if department else ""


def issue_message(issue, name: str, user, reason: str) -> str | None:
    """The Chinese text of the notification for transition `name`, or None if nobody is told."""
    who = user.display_name if user else _("系统")
    texts = {
        "raise": lambda: (
            _("%(chain)s产业链提出新问题 %(issue)s，待交办。")
            % {"chain": issue.chain.name, "issue": _label(issue)}
        ),
        "assign": lambda: (
            _("问题 %(issue)s 已交办%(dept)s，办理时限%(due)s。")
            % {
                "issue": _label(issue),
                "dept": _department_name(issue),
                "due": cn_date(issue.due_date),
            }
        ),
        "reassign": lambda: (
            _("问题 %(issue)s 已改派%(dept)s，办理时限%(due)s。")
            % {
                "issue": _label(issue),
                "dept": _department_name(issue),
                "due": cn_date(issue.due_date),
            }
        ),
        "return": lambda: (
            _("问题 %(issue)s 被%(who)s退回，理由：%(reason)s")
            % {"issue": _label(issue), "who": who, "reason": reason}
        ),
        "resolve": lambda: (
            _("问题 %(issue)s 已由%(who)s办结，请核实。") % {"issue": _label(issue), "who": who}
        ),
        "reopen": lambda: (
            _("问题 %(issue)s 被联络员要求重新办理，理由：%(reason)s")
            % {"issue": _label(issue), "reason": reason}
        ),
    }
    make = texts.get(name)
    return make() if make else None


def issue_recipients(issue, name: str, user) -> list:
    if name == "raise":
        conditions = [n.secretariat()]
    elif name in ("assign", "reassign", "reopen"):
        conditions = [n.department_staff(issue.department_id)] if issue.department_id else []
    elif name in ("return", "resolve"):
        conditions = [n.chain_officer(issue.chain_id), n.secretariat()]
    else:
        conditions = []
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
        n.notify(people, Kind(name).value, text, url=n.issue_url(issue), issue=issue, actor=user)


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
