"""The agenda and the minutes (纪要) as editable DOCX, from the same contexts as their PDFs
(``meetings.printed``) and in the same words, so that what the secretariat revises in WPS is
what the PDF prints. The layout rules live in ``printing.docx``."""

from __future__ import annotations

from typing import Any

from docx.shared import Pt

from meetings.documents import minutes_fingerprint
from meetings.printed import agenda_context, minutes_context
from printing.docx import GovDocument
from printing.render import fixed_timestamp

AUTHOR = "助链联动机制秘书处"
ISSUE_HEADERS = ("编号", "问题", "承办部门", "办理时限", "状态")
ISSUE_WIDTHS = (24, 62, 34, 22, 14)
WARNINGS = {"red": "●逾期", "yellow": "●临期"}
# The league table (通报) in 小六 type, as the PDF's ``table.figures.league``.
LEAGUE_SIZE = Pt(7.5)


def agenda_docx(doc: dict[str, Any]) -> bytes:
    context = agenda_context(doc)
    meeting = context["meeting"]
    out = GovDocument(
        context["doc_title"], author=AUTHOR, timestamp=fixed_timestamp(meeting.get("scheduled_at"))
    )
    out.title(meeting.get("title", ""), "议　程")
    out.centred(meeting.get("number_label", ""))
    when = meeting.get("date_label", "") + (
        f" {context['time_label']}" if context["time_label"] else ""
    )
    out.centred(f"时间：{when}　地点：{meeting.get('location') or '—'}")
    out.rule()
    for item in context["items"]:
        out.heading(f"{item['label']}、{item['title']}", 1)
        for para in item["paragraphs"]:
            out.paragraph(para)
        for n, d in enumerate(item["decisions"], start=1):
            out.paragraph(f"{n}.{d['text']}{d['note']}")
        if item["report"]:
            figures_tables(out, item["report"])
        if item["issues"]:
            issues_table(out, item["issues"])
        elif not item["report"] and not item["decisions"]:
            out.paragraph("（本项无待议问题）", muted=True)
        if item["more_line"]:
            out.paragraph(item["more_line"], muted=True)
    if not context["items"]:
        out.paragraph("（议程尚未生成）", muted=True)
    return out.to_bytes()


def minutes_docx(doc: dict[str, Any]) -> bytes:
    context = minutes_context(doc, doc.get("fingerprint") or minutes_fingerprint(doc))
    meeting = context["meeting"]
    out = GovDocument(
        context["doc_title"],
        author=AUTHOR,
        timestamp=fixed_timestamp(doc.get("approved_at"), meeting.get("scheduled_at")),
    )
    out.masthead(f"{meeting.get('title', '')}纪要")
    out.centred(meeting.get("number_label", "") + ("（草稿）" if context["draft"] else ""))
    out.sides(AUTHOR, context["issued_label"])
    out.rule(red=True)
    out.paragraph(
        f"{meeting.get('date_label', '')}，{meeting.get('title', '')}在"
        f"{meeting.get('location') or '—'}召开。{context['summary_first']}"
    )
    for para in context["summary_rest"]:
        out.paragraph(para)

    out.heading(f"{context['sections']['items']}、会议议题及讨论情况", 1)
    for item in context["items"]:
        out.heading(f"（{item['label']}）{item['title']}", 2)
        for para in item["paragraphs"]:
            out.paragraph(para)
        if not item["paragraphs"]:
            out.paragraph("（无讨论记录）", muted=True)
        if item["issues"]:
            listed = "；".join(
                f"{i.get('number', '')}“{i.get('title', '')}”"
                + (f"（{i['department']}）" if i.get("department") else "")
                for i in item["issues"]
            )
            out.paragraph(f"涉及问题：{listed}。")
    if not context["items"]:
        out.paragraph("（无议题）", muted=True)

    out.heading(f"{context['sections']['decisions']}、议定事项", 1)
    for d in context["decisions"]:
        out.paragraph(f"{d['label']}.{d.get('text', '')}{d['note']}")
    if not context["decisions"]:
        out.paragraph("（无议定事项）", muted=True)

    out.paragraph()
    for block in context["attendance"]:
        out.hanging(f"{block['label']}：", "、".join(block["people"]) or "无")
    # the 版记: the fingerprint line, then the 印发 line on the last rule
    out.paragraph()
    out.rule()
    out.paragraph(f"纪要指纹：{context['short_fingerprint']}")
    out.sides(AUTHOR, f"{context['issued_label']}印发")
    return out.to_bytes()


def issues_table(out: GovDocument, issues: list[dict[str, Any]]) -> None:
    out.table(
        ISSUE_HEADERS,
        [
            (
                i.get("number", ""),
                i.get("title", ""),
                i.get("department") or "—",
                i.get("due_label") or "—",
                (i.get("state_label") or "")
                + (f"\n{WARNINGS[i['warning']]}" if i.get("warning") in WARNINGS else ""),
            )
            for i in issues
        ],
        widths_mm=ISSUE_WIDTHS,
    )


def figures_tables(out: GovDocument, figures: dict[str, Any]) -> None:
    """The key numbers, then the league table of departments, as ``print/_figures.html``."""
    key_figures(out, figures)
    if figures.get("league_rows"):
        league_table(out, figures)


def key_figures(out: GovDocument, figures: dict[str, Any]) -> None:
    """The key figures of ``meetings.printed.figures_for_print`` (labels from the registry)."""
    out.key_figures([(value, name) for name, value in figures.get("kpis") or []])


def figures_table(
    out: GovDocument, label: str, rows: list[dict[str, Any]], figures: dict[str, Any]
) -> None:
    header = figures.get("table_header") or []
    out.table(
        (label, *header),
        [(r.get("name", ""), *r.get("cells", [])) for r in rows],
        widths_mm=(44, *(16,) * len(header)),
        numeric=range(1, len(header) + 1),
    )


def league_table(out: GovDocument, figures: dict[str, Any]) -> None:
    """The league table of departments (通报): every column of ``issues.counting.LEAGUE_COLUMNS``."""
    header = figures["league_header"]
    rest = (156 - 8 - 22) / (len(header) - 2)
    out.table(
        header,
        figures["league_rows"],
        widths_mm=(8, 22, *(rest,) * (len(header) - 2)),
        numeric=(0, *range(2, len(header))),
        size=LEAGUE_SIZE,
    )
    out.paragraph(f"注：{figures['league_note']}", muted=True)
