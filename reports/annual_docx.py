"""The annual report as an editable DOCX for leaders to mark up: the text and tables of the
PDF (``reports.annual``), from the same context. Charts are drawn for the PDF only (SVG, which
Word documents cannot carry portably); the DOCX gives the monthly figures of 图1 as a table, and
the data of the other charts is in the tables beside them."""

from __future__ import annotations

from datetime import datetime, time

from meetings.docx_documents import AUTHOR, figures_table, key_figures, league_table
from printing.docx import GovDocument
from printing.render import BEIJING
from reports.annual import annual_report_context

ESCALATED_HEADERS = ("编号", "问题", "产业链", "承办部门", "办理时限", "督导原因")


def escalated_table(out: GovDocument, items: list[dict]) -> None:
    """督导事项 as ``print/_escalated_table.html`` prints them (annual report and bulletin)."""
    out.table(
        ESCALATED_HEADERS,
        [
            (
                i["number"],
                i["title"],
                i["chain"],
                i.get("department") or "—",
                i.get("due_label") or "—",
                i["why"],
            )
            for i in items
        ],
        widths_mm=(22, 46, 22, 26, 20, 20),
        size=out.COMPACT,
    )


def annual_report_docx(year: int, *, on=None) -> bytes:
    context = annual_report_context(year, on=on)
    on_date = context.pop("_on")
    figures, totals = context["figures"], context["figures"]["totals"]
    out = GovDocument(
        context["doc_title"],
        author=AUTHOR,
        timestamp=datetime.combine(on_date, time(8, 0), tzinfo=BEIJING),
    )
    out.title(context["doc_title"])
    out.centred(f"{AUTHOR}　数据截至{context['as_of_label']}")
    out.rule()

    out.heading("一、总体情况", 1)
    out.paragraph(
        f"{year}年，各产业链联络员共提出难点堵点问题{totals['raised']}件，已报结"
        f"{totals['resolved']}件，其中已答复{totals['explained']}件，经联络员评价已办结"
        f"{totals['verified']}件；按期办结率{totals['on_time_label']}，平均办理"
        f"{totals['mean_days_label']}个工作日，满意率{totals['satisfaction_label']}；"
        f"当前超期{totals['overdue_now']}件。"
    )
    key_figures(out, figures)
    trend = context["charts"][0]
    out.centred(f"{trend['label']}　{trend['caption']}")
    month_limit = on_date.strftime("%Y-%m")
    out.table(
        ("月份", "提出（件）", "报结（件）"),
        [
            (f"{int(m['month'][5:])}月", m["raised"], m["resolved"])
            for m in figures["monthly"]
            if m["month"] <= month_limit
        ],
        numeric=(1, 2),
    )

    out.heading("二、分产业工会情况", 1)
    figures_table(out, "产业工会", figures["by_union"], figures)
    out.heading("三、分产业链情况", 1)
    figures_table(out, "产业链", figures["by_chain"], figures)
    out.heading("四、职能部门办理情况通报", 1)
    out.paragraph(
        "以按期办结率由高到低排列；按期办结指报结日期不晚于办理时限，平均办理工作日自首次交办起算至报结，签收及时率、重办率等口径见表后说明。"
    )
    league_table(out, figures)
    out.heading("五、分措施情况", 1)
    if context["measures"]:
        figures_table(out, "相关措施", context["measures"], figures)
    else:
        out.paragraph("（本年度问题未关联具体措施）", muted=True)

    out.heading("六、督导事项", 1)
    escalated = context["escalated"]
    more = f"（按提出时间先后列出前{len(escalated)}件）" if context["escalated_more"] else ""
    out.paragraph(
        f"{context['escalation_rule']}的未办结问题，共{context['escalated_total']}件，"
        f"提请联席会议督导推动{more}。"
    )
    if escalated:
        escalated_table(out, escalated)
        if context["escalated_more"]:
            out.paragraph(f"另有{context['escalated_more']}件未列出，详见问题台账。")

    out.heading("七、待解决问题", 1)
    shown = context["open_shown"]
    listed = f"，按提出时间先后列出前{len(shown)}件" if context["open_more"] else ""
    out.paragraph(f"其余未办结问题共{context['open_total']}件{listed}。")
    if shown:
        out.table(
            ("编号", "问题", "产业链", "状态", "承办部门", "提出日期"),
            [
                (
                    i["number"],
                    i["title"],
                    i["chain"],
                    i["state_label"],
                    i.get("department") or "—",
                    i["raised_label"],
                )
                for i in shown
            ],
            widths_mm=(22, 46, 22, 16, 26, 24),
            size=out.COMPACT,
        )
        if context["open_more"]:
            out.paragraph(f"另有{context['open_more']}件未列出，详见问题台账。")
    return out.to_bytes()
