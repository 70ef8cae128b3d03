"""A supervision notice (催办单, 督办单) printed on one page in the GB/T 9704 letter format
(信函格式), as PDF and as an editable DOCX from the same context and in the same words.

The context is plain strings, fixed at the notice's issue date (the days overdue are those of
that day), so that printing a notice twice gives the same document. Layout: the letter page
of ``printing``'s stylesheet (``body.letter``) and ``GovDocument.letterhead``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from issues.models import SupervisionNotice
from liaison.formats import cn_date
from organisation.calendar import working_days_between
from printing.docx import GovDocument
from printing.render import fixed_timestamp, render_pdf

# The 发文机关 of every notice: the secretariat, named as on the minutes' header.
ISSUER = "助链联动机制秘书处"
TITLES = {SupervisionNotice.Kind.URGE: "催办单", SupervisionNotice.Kind.SUPERVISE: "督办单"}
# A notice prints on one page: its text is held to this many characters at input.
TEXT_MAX = 300


def filename(notice: SupervisionNotice, suffix: str) -> str:
    return f"{notice.number}.{suffix}"


def notice_context(notice: SupervisionNotice) -> dict[str, Any]:
    issue = notice.issue
    issued_on = timezone.localdate(notice.issued_at)
    late = (
        working_days_between(issue.due_date, issued_on)
        if issue.due_date and issue.due_date < issued_on
        else 0
    )
    department = notice.department
    facts = [
        ("问题编号", issue.number),
        ("问题名称", issue.title),
        ("所属产业链", f"{issue.chain.name}（{issue.chain.union.name}）"),
        ("办理时限", cn_date(issue.due_date) or "—"),
        ("超期情况", f"已超期{late}个工作日" if late else "未超期"),
    ]
    copy_to = (
        f"{department.leader_title}{department.leader_name}"
        if notice.kind == SupervisionNotice.Kind.SUPERVISE and department.leader_name
        else ""
    )
    return {
        "doc_title": f"{notice.number}{TITLES[notice.Kind(notice.kind)]}",
        "issuer": ISSUER,
        "number": notice.number,
        "title": TITLES[notice.Kind(notice.kind)],
        "addressee": department.name,
        "facts": facts,
        "paragraphs": [line.strip() for line in notice.text.splitlines() if line.strip()],
        "reply_by": f"请于{cn_date(notice.reply_by)}前将办理情况报送联席会议秘书处。",
        "issued_label": cn_date(issued_on),
        "copy_to": copy_to,
        "timestamp": fixed_timestamp(notice.issued_at),
    }


def render_notice_pdf(context: dict[str, Any]) -> bytes:
    return render_pdf("print/notice.html", context, timestamp=context["timestamp"])


def notice_docx(context: dict[str, Any]) -> bytes:
    out = GovDocument(context["doc_title"], author=ISSUER, timestamp=context["timestamp"])
    out.letterhead(context["issuer"])
    out.flush_right(context["number"])
    out.title(context["title"])
    out.paragraph(f"{context['addressee']}：", flush=True)
    for label, value in context["facts"]:
        out.paragraph(value, label=f"{label}：")
    for text in context["paragraphs"]:
        out.paragraph(text)
    out.paragraph(context["reply_by"])
    out.paragraph()
    out.flush_right(context["issuer"], indent=2)
    out.flush_right(context["issued_label"], indent=2)
    if context["copy_to"]:
        out.paragraph()
        out.paragraph(context["copy_to"], label="抄送：", flush=True)
    return out.to_bytes()
