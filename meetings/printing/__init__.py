"""Printed documents: agenda, minutes (纪要) and the annual report as PDF bytes.

One renderer per document, each returning bytes (STYLE.md habit 9). Layout: GB/T 9704-2012
through the one print stylesheet ``liaison/static/print/gbt9704.css``; templates under
``templates/print/``. The renderer fetches nothing but the project's static files and
``data:`` URIs (``meetings.printing.fetcher``). Output is deterministic: every date in the
PDF comes from the document, so the same document gives the same bytes.
"""

from __future__ import annotations

from typing import Any

from meetings.printing.documents import agenda_context, minutes_context
from meetings.printing.render import (
    canonical_json,
    content_fingerprint,
    fixed_timestamp,
    render_pdf,
)

__all__ = ["minutes_fingerprint", "render_agenda_pdf", "render_annual_report_pdf",
           "render_minutes_pdf"]


def minutes_fingerprint(doc: dict[str, Any]) -> str:
    """The SHA-256 of the minutes' content: the document's own, or computed without it."""
    return doc.get("fingerprint") or content_fingerprint(
        {k: v for k, v in doc.items() if k != "fingerprint"}
    )


def render_minutes_pdf(doc: dict[str, Any]) -> bytes:
    """The 纪要 as an archival PDF/A-3b with the minutes attached as ``minutes.json``."""
    meeting = doc.get("meeting") or {}
    return render_pdf(
        "print/minutes.html",
        minutes_context(doc, minutes_fingerprint(doc)),
        timestamp=fixed_timestamp(doc.get("approved_at"), meeting.get("scheduled_at")),
        attachments=[("minutes.json", canonical_json(doc), "会议纪要（结构化数据）")],
        archival=True,
    )


def render_agenda_pdf(doc: dict[str, Any]) -> bytes:
    """The agenda from its snapshot: sections with their issues."""
    meeting = doc.get("meeting") or {}
    return render_pdf(
        "print/agenda.html",
        agenda_context(doc),
        timestamp=fixed_timestamp(meeting.get("scheduled_at")),
    )


def render_annual_report_pdf(year: int, *, on=None) -> bytes:
    """The annual report of ``year``: figures, league table, charts, escalated and open problems."""
    from meetings.printing.annual import render_annual_report

    return render_annual_report(year, on=on)
