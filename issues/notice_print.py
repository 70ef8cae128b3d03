"""A supervision notice (催办单, 督办单) printed on one page in the GB/T 9704 letter format
(信函格式), as PDF and as an editable DOCX from the same context and in the same words.

The context is plain strings, fixed at the notice's issue date (the days overdue are those of
that day), so that printing a notice twice gives the same document. Layout: the letter page
of ``printing``'s stylesheet (``body.letter``) and ``GovDocument.letterhead``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from docx.shared import Pt

from issues.models import SupervisionNotice
from liaison.formats import cn_date
from organisation.calendar import working_days_between
from printing.docx import GovDocument
from printing.render import fixed_timestamp, render_pdf

# The 发文机关 of every notice: the secretariat, named as on the minutes' header.
ISSUER = "助链联动机制秘书处"
TITLES = {SupervisionNotice.Kind.URGE: "催办单", SupervisionNotice.Kind.SUPERVISE: "督办单"}
# A notice prints on one page: its text is held to this many characters at input.
TEXT_MAX = 200
# The lines at 3号 the facts and the text may take: the letterhead, number, title, addressee,
# reply-by line, signature and 抄送 take eleven of the page's 22, and office suites without
# the PDF's tracking fit a character less on a line: two lines are kept in reserve.
BODY_LINES = 9


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
    paragraphs = [line.strip() for line in notice.text.splitlines() if line.strip()]
    return {
        "compact": _too_long_for_3hao(facts, paragraphs),
        "doc_title": f"{notice.number}{TITLES[notice.Kind(notice.kind)]}",
        "issuer": ISSUER,
        "number": notice.number,
        "title": TITLES[notice.Kind(notice.kind)],
        "addressee": department.name,
        "facts": facts,
        "paragraphs": paragraphs,
        "reply_by": f"请于{cn_date(notice.reply_by)}前将办理情况报送联席会议秘书处。",
        "issued_label": cn_date(issued_on),
        "copy_to": copy_to,
        "timestamp": fixed_timestamp(notice.issued_at),
    }


def _too_long_for_3hao(facts: list[tuple[str, str]], paragraphs: list[str]) -> bool:
    """Would the facts and the text overflow one page at 3号 (28 characters a line, two of
    them the indent)? Then the letter prints at 4号 (``compact``) - the PDF and the DOCX alike,
    so that a long title or a long text still prints on one page."""
    facts_chars = sum(len(label) + len(value) + 2 for label, value in facts)
    lines = sum(-(-(len(text) + 2) // 28) for text in [" " * facts_chars, *paragraphs])
    return lines > BODY_LINES


def render_notice_pdf(context: dict[str, Any]) -> bytes:
    return render_pdf("print/notice.html", context, timestamp=context["timestamp"])


def notice_docx(context: dict[str, Any]) -> bytes:
    out = GovDocument(context["doc_title"], author=ISSUER, timestamp=context["timestamp"])
    if context["compact"]:
        out.body_size(Pt(14), Pt(22))
    out.letterhead(context["issuer"])
    out.flush_right(context["number"])
    out.title(context["title"]).paragraph_format.space_after = Pt(14)  # as the PDF's
    out.paragraph(f"{context['addressee']}：", flush=True)
    out.labelled(context["facts"])
    for text in context["paragraphs"]:
        out.paragraph(text)
    out.paragraph(context["reply_by"])
    gap = Pt(0) if context["compact"] else Pt(14)  # the air above the signature and 抄送
    out.flush_right(context["issuer"], indent=2).paragraph_format.space_before = gap
    out.flush_right(context["issued_label"], indent=2)
    if context["copy_to"]:
        copy_to = out.paragraph(context["copy_to"], label="抄送：", flush=True)
        copy_to.paragraph_format.space_before = gap
    return out.to_bytes()
