"""The annual report (年度工作报告) of the liaison mechanism: figures, league table, charts,
escalated and open problems, from ``issues.stats`` - the same numbers the dashboard and the
annual meeting's agenda show."""

from __future__ import annotations

from datetime import date, datetime, time

from issues.deadlines import ESCALATION_OVERDUE_DAYS, ESCALATION_REOPENS
from issues.stats import annual_figures
from liaison.formats import cn_numeral
from meetings.printed import figures_for_print
from printing import charts
from printing.render import BEIJING, cn_date, render_pdf

# A report is read, not searched: past these many rows a list ends with one line that points to
# the issue ledger (Excel), which keeps the PDF short and its rendering time bounded whatever
# the number of issues. Escalated problems are the meeting's business, so more of them show.
ESCALATED_SHOWN = 100
OPEN_PROBLEMS_SHOWN = 50


def annual_report_context(year: int, *, on: date | None = None) -> dict:
    # Only the rows printed are built; the totals are counted (issues.stats `listed`).
    listed = max(ESCALATED_SHOWN, OPEN_PROBLEMS_SHOWN)
    figures = figures_for_print(annual_figures(year, on=on, listed=listed))
    on_date = date.fromisoformat(figures["period"]["on"])
    open_problems, escalated = figures["open_problems"], figures["escalated"]
    for item in escalated[:ESCALATED_SHOWN] + open_problems[:OPEN_PROBLEMS_SHOWN]:
        item["due_label"] = cn_date(item.get("due_date"))
        item["raised_label"] = cn_date(item.get("raised_on"))
    for item in escalated[:ESCALATED_SHOWN]:
        item["why"] = escalation_why(item)
    return {
        "doc_title": f"{year}年度助链联动工作报告",
        "year": year,
        "figures": figures,
        "as_of_label": cn_date(on_date),
        "charts": [
            _figure(
                1,
                "月度提出与报结件数",
                charts.monthly_trend(
                    [m for m in figures["monthly"] if m["month"] <= on_date.strftime("%Y-%m")]
                ),
            ),
            _figure(2, "各产业工会提出问题占比", charts.by_union(figures["by_union"])),
            _figure(3, "各产业链问题办理情况（件）", charts.by_chain(figures["by_chain"])),
            _figure(
                4, "职能部门按期办结率（%）", charts.department_on_time(figures["by_department"])
            ),
        ],
        "measures": [r for r in figures["by_measure"] if r["raised"]],
        "escalation_rule": _escalation_rule(),
        "escalated": escalated[:ESCALATED_SHOWN],
        "escalated_more": max(0, figures["escalated_total"] - ESCALATED_SHOWN),
        "escalated_total": figures["escalated_total"],
        "open_shown": open_problems[:OPEN_PROBLEMS_SHOWN],
        "open_more": max(0, figures["open_problems_total"] - OPEN_PROBLEMS_SHOWN),
        "open_total": figures["open_problems_total"],
        "_on": on_date,
    }


def _escalation_rule() -> str:
    """督导事项 in words, from the rule's own numbers (`issues.deadlines`)."""
    times = "两" if ESCALATION_REOPENS == 2 else cn_numeral(ESCALATION_REOPENS)
    return f"逾期超过{ESCALATION_OVERDUE_DAYS}天、{times}次以上重新办理或督办逾期未答复"


def escalation_why(item: dict) -> str:
    """The 督导原因 column: the reasons `issues.deadlines.escalation_reasons` gave."""
    reasons = item["escalation_reasons"]
    parts = []
    if "overdue" in reasons:
        parts.append(f"逾期{item['days_overdue']}天")
    if "reopened" in reasons:
        parts.append(f"重办{item['reopen_count']}次")
    if "supervised" in reasons:
        parts.append("督办逾期未答复")
    return "，".join(parts)


def _figure(n: int, caption: str, chart: charts.Chart) -> dict:
    return {
        "label": f"图{n}",
        "caption": caption,
        "src": charts.data_uri(chart.svg),
        "legend": chart.legend,
    }


def render_annual_report_pdf(year: int, *, on: date | None = None) -> bytes:
    context = annual_report_context(year, on=on)
    stamp = datetime.combine(context.pop("_on"), time(8, 0), tzinfo=BEIJING)
    return render_pdf("print/annual_report.html", context, timestamp=stamp)
