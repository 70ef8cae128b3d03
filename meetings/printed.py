"""The agenda and the minutes (纪要) printed: the plain dicts of ``meetings.documents`` turned
into what the print templates show, and handed to the renderer of ``printing``.

The dicts are the contract with the meetings app; nothing here touches the database, so the
renderers print exactly what was snapshotted (and what is attached to the minutes PDF).
Layout: GB/T 9704-2012 through ``printing``'s one stylesheet; templates under ``templates/print/``.
Output is deterministic: every date in the PDF comes from the document.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from issues.counting import for_print, table_cells
from meetings.documents import minutes_fingerprint
from printing.render import (
    BEIJING,
    canonical_json,
    cn_date,
    cn_numeral,
    fixed_timestamp,
    render_pdf,
)

ATTENDANCE_LABELS = (("present", "出席"), ("absent", "请假"), ("observer", "列席"))
SHORT_FINGERPRINT = 16


def paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _issue(issue: dict[str, Any]) -> dict[str, Any]:
    return {**issue, "due_label": cn_date(issue.get("due_date"))}


def _person(person: dict[str, Any], *, with_note: bool = False) -> str:
    name = person.get("name") or ""
    org = person.get("organisation") or ""
    text = f"{name}（{org}）" if org else name
    note = (person.get("note") or "").strip() if with_note else ""
    return f"{text}，{note}" if note else text


def decision_note(decision: dict[str, Any], *, status: bool = False) -> str:
    """ "（责任单位：…；完成时限：…；关联问题：…）" with only the parts the decision has: no
    "责任单位：—" for a decision without a department."""
    issue = decision.get("issue")
    issue_number = decision.get("issue_number") or (issue or {}).get("number")
    parts = [
        # A follow-up row carried over from an earlier meeting names it (meetings.agenda).
        ("议定会议", decision.get("meeting") if status else None),
        ("责任单位", decision.get("department")),
        ("完成时限", cn_date(decision.get("due_date"))),
        ("关联问题", issue_number),
        ("当前情况", decision.get("status_label") if status else None),
    ]
    shown = "；".join(f"{label}：{value}" for label, value in parts if value)
    return f"（{shown}）" if shown else ""


def minutes_context(doc: dict[str, Any], fingerprint: str) -> dict[str, Any]:
    summary = paragraphs(doc.get("summary"))
    items = [
        {
            "label": cn_numeral(i),
            "title": item.get("title") or "",
            "paragraphs": paragraphs(item.get("discussion")),
            "issues": [_issue(x) for x in item.get("issues") or []],
        }
        for i, item in enumerate(doc.get("items") or [], start=1)
    ]
    decisions = [
        {**d, "label": i, "due_label": cn_date(d.get("due_date")), "note": decision_note(d)}
        for i, d in enumerate(doc.get("decisions") or [], start=1)
    ]
    attendance_doc = doc.get("attendance") or {}
    attendance = [
        {
            "label": label,
            "people": [
                _person(p, with_note=key == "absent") for p in attendance_doc.get(key) or []
            ],
        }
        for key, label in ATTENDANCE_LABELS
        if key == "present" or attendance_doc.get(key)
    ]
    meeting = doc.get("meeting") or {}
    return {
        "doc_title": f"{meeting.get('title', '')}纪要",
        "meeting": meeting,
        "summary_first": summary[0] if summary else "",
        "summary_rest": summary[1:],
        "sections": {"items": cn_numeral(1), "decisions": cn_numeral(2)},
        "items": items,
        "decisions": decisions,
        "attendance": attendance,
        "draft": not doc.get("approved_at"),
        "issued_label": cn_date(issued_on(doc.get("approved_at"), meeting.get("scheduled_at"))),
        # hex digits only: the value also goes into the page footer's CSS content
        "short_fingerprint": re.sub(r"[^0-9a-f]", "", str(fingerprint).lower())[:SHORT_FINGERPRINT],
    }


def issued_on(approved_at: str | None, scheduled_at: str | None) -> str | None:
    """The 印发 date: the approval's, never before the meeting's own date (minutes of a
    meeting are not issued before it took place); the meeting's date while in draft."""
    days = [cn_iso_day(v) for v in (approved_at, scheduled_at) if v]
    return max(days) if days else None


def cn_iso_day(value: str) -> str:
    """The Beijing calendar day of an ISO date or datetime, as YYYY-MM-DD."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(BEIJING)
    return moment.date().isoformat()


def agenda_context(doc: dict[str, Any]) -> dict[str, Any]:
    meeting = doc.get("meeting") or {}
    items = [
        {
            "label": cn_numeral(i),
            "title": item.get("title") or "",
            "section": item.get("section"),
            "paragraphs": paragraphs(item.get("notes")),
            "issues": [_issue(x) for x in item.get("issues") or []],
            "decisions": [
                {
                    **d,
                    "due_label": cn_date(d.get("due_date")),
                    "note": decision_note(d, status=True),
                }
                for d in item.get("decisions") or []
            ],
            "report": figures_for_print(item["report"]) if item.get("report") else None,
            "more_line": more_line(item.get("more_count"), len(item.get("issues") or [])),
        }
        for i, item in enumerate(doc.get("items") or [], start=1)
    ]
    return {
        "doc_title": f"{meeting.get('title', '')}议程",
        "meeting": meeting,
        "time_label": _time_label(meeting.get("scheduled_at")),
        "items": items,
    }


def more_line(more: int | None, listed: int) -> str:
    """A long section lists its most urgent issues; the printed agenda says what it left out."""
    if not more:
        return ""
    return f"以上按紧急程度列出前{listed}件，另有 {more} 件未列出，详见问题清单。"


def _time_label(scheduled_at: str | None) -> str:
    """9:30 in Beijing time, from the meeting's ISO timestamp."""
    if not scheduled_at:
        return ""
    try:
        moment = datetime.fromisoformat(scheduled_at)
    except ValueError:
        return ""
    if moment.tzinfo:
        moment = moment.astimezone(BEIJING)
    return f"{moment.hour}:{moment.minute:02d}"


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "on_time_label": percent(row.get("on_time_rate")),
        "mean_days_label": days(row.get("mean_days_to_resolve")),
        "satisfaction_label": percent(row.get("satisfaction_rate")),
    }


def figures_for_print(figures: dict[str, Any]) -> dict[str, Any]:
    """Add display labels (percentages, days) to the rows of ``issues.stats`` figures."""
    out = dict(figures)
    out["totals"] = _labelled(figures.get("totals") or {})
    for key in ("by_union", "by_chain", "by_department", "by_measure"):
        out[key] = [{**_labelled(r), "cells": table_cells(r)} for r in figures.get(key) or []]
    return out | for_print(figures)


def render_minutes_pdf(doc: dict[str, Any]) -> bytes:
    """The 纪要 as an archival PDF/A-3b with the minutes attached as ``minutes.json``."""
    meeting = doc.get("meeting") or {}
    return render_pdf(
        "print/minutes.html",
        # The document's own fingerprint; one it lacks is computed (meetings.documents).
        minutes_context(doc, doc.get("fingerprint") or minutes_fingerprint(doc)),
        timestamp=fixed_timestamp(doc.get("approved_at"), meeting.get("scheduled_at")),
        attachments=[("minutes.json", canonical_json(doc), "会议纪要（结构化数据）")],
        archival=True,
        even_pages="colophon_alone",
    )


def render_agenda_pdf(doc: dict[str, Any]) -> bytes:
    """The agenda from its snapshot: sections with their issues."""
    meeting = doc.get("meeting") or {}
    return render_pdf(
        "print/agenda.html",
        agenda_context(doc),
        timestamp=fixed_timestamp(meeting.get("scheduled_at")),
    )
