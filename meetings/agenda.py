"""Agenda generation, exactly by DESIGN "Meetings".

All boundaries are Beijing dates: D is the meeting's date, D0 the date of the previous held
regular meeting P; "before D" means on an earlier date, and [D0, D) includes D0's whole day
and excludes D's. Issues are listed in their state at generation time and snapshotted, so a
published agenda never changes. Each issue appears in at most one section; withdrawn never.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from issues.models import OPEN_STATES, Issue, State
from issues.stats import annual_figures
from liaison.formats import cn_date
from meetings.models import (
    ANNUAL_SECTIONS,
    HELD_STATES,
    REGULAR_SECTIONS,
    Decision,
    DecisionState,
    Kind,
    Meeting,
    Section,
    section_heading,
)

# What the follow-up section says of a decision tracked to 销号 that is no longer open.
DECISION_FOLLOW_UP_LABELS = {
    DecisionState.REPORTED: "已报办结，待销号",
    DecisionState.CLOSED: "已销号",
}


@dataclass
class DraftItem:
    """One generated agenda item before it is stored as an `AgendaItem`."""

    section: str
    title: str
    issues: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    report: dict[str, Any] | None = None
    notes: str = ""


def start_of(day: date) -> datetime:
    """Midnight at the start of a Beijing date, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def snapshot(issue: Issue, on: date | None = None) -> dict[str, Any]:
    """What the agenda keeps of an issue: enough to print it, fixed at generation."""
    return {
        "id": issue.pk,
        "number": issue.number,
        "title": issue.title,
        "state": issue.state,
        "department": issue.department.name if issue.department else None,
        "due_date": issue.due_date.isoformat() if issue.due_date else None,
        "warning": issue.warning_on(on),
    }


def previous_held(meeting: Meeting, kind: str) -> Meeting | None:
    """P: the latest meeting of `kind` before this one that was held."""
    return (
        Meeting.objects.filter(
            kind=kind, state__in=HELD_STATES, scheduled_at__lt=meeting.scheduled_at
        )
        .exclude(pk=meeting.pk)
        .order_by("-scheduled_at", "-pk")
        .first()
    )


def follow_up(previous: Meeting | None, on: date) -> tuple[list[dict], list[Issue]]:
    """The decisions of `previous` with the current state of each, and their issues."""
    if previous is None:
        return [], []
    # P's decisions, then those of earlier meetings of the kind that are tracked alone and not
    # yet closed (销号): an open decision without an issue stays on the agenda until it is
    # closed, and leaves it after (one with an issue is on the agenda through its issue).
    carried = Decision.objects.filter(
        minutes__meeting__kind=previous.kind,
        minutes__meeting__scheduled_at__lt=previous.scheduled_at,
        minutes__approved_at__isnull=False,
        issue__isnull=True,
    ).exclude(state=DecisionState.CLOSED)
    decisions = (
        (Decision.objects.filter(minutes__meeting=previous) | carried)
        .select_related("department", "issue__department", "minutes__meeting")
        .order_by("-minutes__meeting__scheduled_at", "order", "pk")
    )
    # P's own first (a stable sort keeps the rest latest meeting first).
    decisions = sorted(decisions, key=lambda d: d.minutes.meeting_id != previous.pk)
    rows: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for decision in decisions:
        row: dict[str, Any] = {
            "id": decision.pk,
            "number": decision.number,
            "text": decision.text,
            "department": decision.department.name if decision.department else None,
            "due_date": decision.due_date.isoformat() if decision.due_date else None,
            "issue": None,
        }
        if decision.minutes.meeting_id != previous.pk:
            row["meeting"] = decision.minutes.meeting.title  # carried over from an earlier one
        issue = decision.issue
        if issue is not None:
            row["issue"] = snapshot(issue, on)
            row["status"] = issue.state
            row["status_label"] = str(State(issue.state).label)
            issues.append(issue)
        elif decision.state != DecisionState.OPEN:
            # Tracked to 销号 on its own: reported done, or closed (it then leaves follow-up
            # at the next meeting after this one, see `follow_up_decisions`).
            row["status"] = decision.state
            row["status_label"] = str(DECISION_FOLLOW_UP_LABELS[decision.state])
            if decision.report_text:
                row["report"] = decision.report_text
        elif decision.due_date is None:
            row["status"], row["status_label"] = "no_deadline", "未定时限"
        elif decision.due_date < on:
            row["status"], row["status_label"] = "due_passed", "已过完成时限"
        else:
            row["status"], row["status_label"] = "pending", "未到完成时限"
        row["due_passed"] = bool(decision.due_date and decision.due_date < on)
        rows.append(row)
    return rows, issues


class _Once:
    """Keeps each issue in the first section that lists it."""

    def __init__(self, on: date):
        self.seen: set[int] = set()
        self.on = on

    def take(self, issues) -> list[dict[str, Any]]:
        taken = []
        for issue in issues:
            if issue.pk in self.seen or issue.state in (State.WITHDRAWN, State.MERGED):
                continue
            self.seen.add(issue.pk)
            taken.append(snapshot(issue, self.on))
        return taken


def build_regular(meeting: Meeting) -> list[DraftItem]:
    d = meeting.date
    cutoff = start_of(d)
    previous = previous_held(meeting, Kind.REGULAR)
    since = start_of(previous.date) if previous else None
    issues = Issue.objects.select_related("department").order_by("raised_at", "pk")

    decisions, decided_issues = follow_up(previous, d)
    verified = issues.filter(state=State.VERIFIED, verified_at__lt=cutoff)
    if since is not None:
        verified = verified.filter(verified_at__gte=since)
    content = {
        Section.FOLLOW_UP: decided_issues,
        Section.NEW: issues.filter(
            state=State.RAISED, first_assigned_at__isnull=True, raised_at__lt=cutoff
        ),
        Section.RETURNED: issues.filter(
            state=State.RAISED, first_assigned_at__isnull=False, raised_at__lt=cutoff
        ),
        # Overdue (assigned or accepted) and 超时未签收: the red light on the meeting day.
        Section.OVERDUE: issues.warning("red", d).order_by("due_date", "pk"),
        Section.AWAITING_VERIFICATION: issues.filter(state=State.RESOLVED).order_by(
            "resolved_at", "pk"
        ),
        Section.VERIFIED_SINCE_LAST: verified.order_by("verified_at", "pk"),
    }
    note = f"{previous.title}（{cn_date(previous.date)}）议定事项" if previous else ""
    return _draft_items(meeting, REGULAR_SECTIONS, content, decisions, note)


def build_annual(meeting: Meeting) -> list[DraftItem]:
    d = meeting.date
    cutoff = start_of(d)
    open_at_d = (
        Issue.objects.filter(state__in=OPEN_STATES, raised_at__lt=cutoff)
        .select_related("department")
        .order_by("raised_at", "pk")
    )
    previous = previous_held(meeting, Kind.ANNUAL)
    decisions, decided_issues = follow_up(previous, d)
    report = annual_figures(meeting.year, on=d)
    content = {
        Section.REPORT: [],
        Section.ESCALATED: open_at_d.escalated(d),
        Section.OPEN_PROBLEMS: open_at_d,  # "every other": _Once drops the escalated ones
        Section.FOLLOW_UP: decided_issues,
    }
    note = f"{previous.title}议定事项" if previous else ""
    items = _draft_items(meeting, ANNUAL_SECTIONS, content, decisions, note)
    for item in items:
        if item.section == Section.REPORT:
            item.report = report
            item.title = f"{meeting.year}{item.title}"  # 2024年度工作情况通报
    return items


def _draft_items(
    meeting: Meeting, sections, content, decisions, follow_up_note: str
) -> list[DraftItem]:
    """The items in the kind's fixed order; an issue is listed only in the first section it fits."""
    once = _Once(meeting.date)
    items = []
    for section in sections:
        item = DraftItem(
            section, section_heading(meeting.kind, section), once.take(content[section])
        )
        if section == Section.FOLLOW_UP:
            item.decisions = decisions
            item.notes = follow_up_note
        items.append(item)
    return items


def build_agenda(meeting: Meeting) -> list[DraftItem]:
    return build_annual(meeting) if meeting.kind == Kind.ANNUAL else build_regular(meeting)
