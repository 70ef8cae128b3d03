"""Agendas and minutes as plain JSON-able dicts: what the PDF renderers take.

The shapes are a contract with `meetings.printed`; keep the keys as they are.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from issues.models import State
from liaison.formats import cn_date
from meetings.models import AgendaItem, AttendanceStatus, Meeting, Minutes
from printing.render import canonical_json

# The minutes carry the first digits of their fingerprint (printed in every page's footer).
SHORT_FINGERPRINT = 12


def meeting_head(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "title": meeting.title,
        "number_label": meeting.number_label,
        "scheduled_at": timezone.localtime(meeting.scheduled_at).isoformat(),
        "date_label": cn_date(meeting.date),
        "location": meeting.location,
    }


def _issue_rows(item: AgendaItem) -> list[dict[str, Any]]:
    return [
        {
            "number": entry["number"],
            "title": entry["title"],
            "state": entry["state"],
            "state_label": _state_label(entry["state"]),
            "department": entry.get("department"),
            "due_date": entry.get("due_date"),
            "warning": entry.get("warning"),
        }
        for entry in item.issues
    ]


def _state_label(state: str) -> str:
    try:
        return str(State(state).label)
    except ValueError:
        return state


def agenda_document(meeting: Meeting) -> dict[str, Any]:
    items = meeting.agenda_items.order_by("order", "pk")
    return {
        "meeting": meeting_head(meeting),
        "items": [
            {
                "order": item.order,
                "section": item.section,
                "title": item.title,
                "notes": item.notes,
                "issues": _issue_rows(item),
                "decisions": item.decisions,  # follow-up sections only (additive)
                "report": item.report,
                "more_count": item.more_count,  # beyond the section limit (additive)
            }
            for item in items
        ],
    }


def minutes_document(meeting: Meeting, minutes: Minutes | None = None) -> dict[str, Any]:
    if minutes is None:
        minutes = Minutes.objects.filter(meeting=meeting).first()
    notes = {}
    decisions = []
    if minutes is not None and minutes.pk:
        notes = dict(minutes.item_notes.values_list("agenda_item_id", "discussion"))
        decisions = [
            {
                "number": n,
                "text": d.text,
                "department": d.department.name if d.department else None,
                "due_date": d.due_date.isoformat() if d.due_date else None,
                "issue_number": d.issue.number if d.issue else None,
            }
            for n, d in enumerate(
                minutes.decisions.select_related("department", "issue").order_by("order", "pk"),
                start=1,
            )
        ]
    attendance: dict[str, list] = {status: [] for status in AttendanceStatus.values}
    for person in meeting.attendance.order_by("order", "pk"):
        row = {"name": person.name, "organisation": person.organisation}
        if person.status == AttendanceStatus.ABSENT:
            row["note"] = person.note
        attendance[person.status].append(row)
    document = {
        "meeting": meeting_head(meeting),
        "summary": minutes.summary if minutes else "",
        "items": [
            {
                "order": item.order,
                "section": item.section,
                "title": item.title,
                "discussion": notes.get(item.pk, ""),
                "issues": _issue_rows(item),
            }
            for item in meeting.agenda_items.order_by("order", "pk")
        ],
        "decisions": decisions,
        "attendance": attendance,
        "approved_at": (
            timezone.localtime(minutes.approved_at).isoformat()
            if minutes and minutes.approved_at
            else None
        ),
    }
    document["fingerprint"] = minutes_fingerprint(document)[:SHORT_FINGERPRINT]
    return document


def minutes_fingerprint(document: dict[str, Any]) -> str:
    """The minutes' fingerprint: the SHA-256 (hex) of their content in canonical JSON, without
    the fingerprint itself and the approval time — so a draft printed before approval carries
    the same fingerprint as the approved minutes when nothing changed."""
    content = {k: v for k, v in document.items() if k not in ("fingerprint", "approved_at")}
    return hashlib.sha256(canonical_json(content)).hexdigest()
