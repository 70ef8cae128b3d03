"""Agenda generation, exactly by DESIGN "Meetings".

All boundaries are Beijing dates: D is the meeting's date, D0 the date of the previous held
regular meeting P; "before D" means on an earlier date, and [D0, D) includes D0's whole day
and excludes D's. Issues are listed in their state at generation time and snapshotted, so a
published agenda never changes. Each issue appears in at most one section; withdrawn never.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from issues.escalated import Escalated, NotEscalated, Queue
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
    more_count: int = 0  # issues of the section beyond the limit (see `section_limit`)
    # Issues taken off the section by hand that still belong in it (regeneration).
    removed_issues: list[dict[str, Any]] = field(default_factory=list)
    more_query: str = ""


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


def section_limit() -> int:
    """At most this many issues per section (`LIAISON_AGENDA_SECTION_LIMIT`, default 50)."""
    return max(1, int(getattr(settings, "LIAISON_AGENDA_SECTION_LIMIT", 50)))


@dataclass
class SectionContent:
    """What a section lists: `issues`, already in the order of urgency, each listed issue
    once (a queryset or an `issues.escalated.Queue`, counted and cut at the limit; or a
    short list such as the follow-up's issues), and the issue list's filters that show all of
    them (`filters`)."""

    issues: Any
    filters: list[tuple[str, str]] = field(default_factory=list)


def sort_of(section: str) -> tuple[str, str]:
    """The issue list's order that matches the section's: by due date where the section is
    ordered by days overdue, else the oldest first (the list's `sort` values)."""
    return ("sort", "due" if section in (Section.OVERDUE, Section.ESCALATED) else "raised")


def list_query(filters: list[tuple[str, str]]) -> str:
    """The query string of /issues/ (and /issues/export.xlsx) for a section's filters."""
    return urlencode(filters)


class _Once:
    """Keeps each issue in the first section that lists it, at most `limit` per section.

    The sections of one kind are disjoint by construction (states, dates; the annual
    `open_problems` are the open issues that are not escalated), so what remains to skip is a
    short list: the follow-up's issues, those listed so far and those taken off by hand.
    A section is counted and cut in the database: a fixed number of queries, whatever the
    number of issues.
    """

    def __init__(self, on: date, removed: dict[str, set[int]] | None = None):
        self.seen: set[int] = set()
        self.on = on
        self.removed = removed or {}
        self.limit = section_limit()

    def take(self, section: str, issues) -> tuple[list[dict], int, list[dict]]:
        """(the snapshots listed, how many more there are, the issues taken off by hand that
        still belong here) for `section`."""
        removed = self.removed.get(section, set())
        if isinstance(issues, QuerySet):
            issues = Queue(issues)
        if not isinstance(issues, list):
            issues = issues.exclude(state__in=(State.WITHDRAWN, State.MERGED))
            if self.seen:
                issues = issues.exclude(pk__in=self.seen)
            kept_off = issues.filter(pk__in=removed).head(len(removed)) if removed else []
            if removed:
                issues = issues.exclude(pk__in=removed)
            listed = issues.head(self.limit)
            # Counted every time (not only when the limit is reached): the same queries for
            # ten issues as for a million.
            total = issues.count()
        else:
            candidates = [
                i
                for i in issues
                if i.pk not in self.seen and i.state not in (State.WITHDRAWN, State.MERGED)
            ]
            kept_off = [i for i in candidates if i.pk in removed]
            candidates = [i for i in candidates if i.pk not in removed]
            listed, total = candidates[: self.limit], len(candidates)
        self.seen.update(i.pk for i in listed)
        self.seen.update(i.pk for i in kept_off)
        return (
            [snapshot(i, self.on) for i in listed],
            total - len(listed),
            [snapshot(i, self.on) for i in kept_off],
        )


def _before(day: date) -> str:
    """The issue list's raised_to filter for "raised before D" (Beijing dates, inclusive)."""
    return (day - timedelta(days=1)).isoformat()


def build_regular(meeting: Meeting, removed=None) -> list[DraftItem]:
    d = meeting.date
    cutoff = start_of(d)
    previous = previous_held(meeting, Kind.REGULAR)
    since = start_of(previous.date) if previous else None
    issues = Issue.objects.select_related("department")

    decisions, decided_issues = follow_up(previous, d)
    verified = issues.filter(state=State.VERIFIED, verified_at__lt=cutoff)
    verified_filters = [("state", State.VERIFIED), ("verified_to", _before(d))]
    if previous is not None:
        verified = verified.filter(verified_at__gte=since)
        verified_filters.append(("verified_from", previous.date.isoformat()))
    raised = [("state", State.RAISED), ("raised_to", _before(d))]
    # The most urgent first: overdue ones by days overdue (the earliest due date first);
    # every other section by how long it has waited (the oldest first).
    content = {
        Section.FOLLOW_UP: SectionContent(decided_issues),
        Section.NEW: SectionContent(
            issues.filter(
                state=State.RAISED, first_assigned_at__isnull=True, raised_at__lt=cutoff
            ).order_by("raised_at", "pk"),
            [*raised, ("returned", "false")],
        ),
        Section.RETURNED: SectionContent(
            issues.filter(
                state=State.RAISED, first_assigned_at__isnull=False, raised_at__lt=cutoff
            ).order_by("raised_at", "pk"),
            [*raised, ("returned", "true")],
        ),
        # Overdue (assigned or accepted) and 超时未签收: the red light on the meeting day.
        Section.OVERDUE: SectionContent(
            issues.warning("red", d).order_by(F("due_date").asc(nulls_last=True), "pk"),
            [("warning", "red")],
        ),
        Section.AWAITING_VERIFICATION: SectionContent(
            issues.filter(state=State.RESOLVED).order_by("resolved_at", "pk"),
            [("state", State.RESOLVED)],
        ),
        Section.VERIFIED_SINCE_LAST: SectionContent(
            verified.order_by("verified_at", "pk"), verified_filters
        ),
    }
    note = f"{previous.title}（{cn_date(previous.date)}）议定事项" if previous else ""
    return _draft_items(meeting, REGULAR_SECTIONS, content, decisions, note, removed)


def build_annual(meeting: Meeting, removed=None) -> list[DraftItem]:
    d = meeting.date
    cutoff = start_of(d)
    raised_before = Issue.objects.filter(raised_at__lt=cutoff).select_related("department")
    open_filters = [*(("state", s) for s in OPEN_STATES), ("raised_to", _before(d))]
    previous = previous_held(meeting, Kind.ANNUAL)
    decisions, decided_issues = follow_up(previous, d)
    # The report item: the figures (the open issues are the next two sections, bounded).
    report = annual_figures(meeting.year, on=d, lists=False)
    content = {
        Section.REPORT: SectionContent([]),
        # 督导事项 are long overdue, reopened or supervised in vain: the earliest due date
        # first, then the oldest (`ESCALATED_ORDER`). Both read by index (`issues.escalated`).
        # The link names no state: escalated implies open, and a state filter beside the
        # rule's own makes PostgreSQL misjudge the list's rows and sort every escalated issue
        # rather than walk the due-date index (0.5 s of the linked page at 1,000,000 issues,
        # 0.07 s without).
        Section.ESCALATED: SectionContent(
            Escalated(raised_before, d), [("raised_to", _before(d)), ("escalated", "true")]
        ),
        # "every other issue open at D, oldest first"
        Section.OPEN_PROBLEMS: SectionContent(
            NotEscalated(raised_before.order_by("raised_at", "pk"), d),
            [*open_filters, ("escalated", "false")],
        ),
        Section.FOLLOW_UP: SectionContent(decided_issues),
    }
    note = f"{previous.title}议定事项" if previous else ""
    items = _draft_items(meeting, ANNUAL_SECTIONS, content, decisions, note, removed)
    for item in items:
        if item.section == Section.REPORT:
            item.report = report
            item.title = f"{meeting.year}{item.title}"  # 2024年度工作情况通报
    return items


def _draft_items(
    meeting: Meeting, sections, content, decisions, follow_up_note: str, removed=None
) -> list[DraftItem]:
    """The items in the kind's fixed order; an issue is listed only in the first section it fits."""
    once = _Once(meeting.date, removed)
    items = []
    for section in sections:
        listed, more, kept_off = once.take(section, content[section].issues)
        item = DraftItem(section, section_heading(meeting.kind, section), listed)
        item.removed_issues = kept_off
        item.more_count = more
        item.more_query = list_query([*content[section].filters, sort_of(section)]) if more else ""
        if section == Section.FOLLOW_UP:
            item.decisions = decisions
            item.notes = follow_up_note
        items.append(item)
    return items


def build_agenda(meeting: Meeting, removed: dict[str, set[int]] | None = None) -> list[DraftItem]:
    """The agenda by DESIGN's rules; `removed`: per section, the issues taken off by hand."""
    if meeting.kind == Kind.ANNUAL:
        return build_annual(meeting, removed)
    return build_regular(meeting, removed)
