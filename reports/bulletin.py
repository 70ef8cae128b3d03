"""The period bulletin (通报, DESIGN "Reports"): the figures, the league table of departments,
the 督办 list and the escalated issues of a period, in the GB/T 9704 layout with its issuer and
number, as PDF, DOCX and xlsx from one context.

* The period: any ``from``–``to`` (Beijing dates), by default the last full calendar quarter.
  Its figures are ``issues.stats.period_figures`` (the cohort raised in the period, as it
  stands on ``on``), the same definitions and words as the dashboard and the annual report.
* The 督办 list: every supervision notice of kind ``supervise`` issued in the period.
* The escalated issues: 督导事项 on ``on`` among the issues raised up to the period's end.
* The number: ``助链通〔year〕N号``, N the quarter in which the period ends (the practice is one
  bulletin a quarter); the issuer is the secretariat; the 印发 date is ``on``.

``render_bulletin(period, kind)`` is the one entry point (the views call it; a background
task may call it and cache the bytes).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from issues.counting import FIGURES, KEY_FIGURES, LEAGUE_COLUMNS, label, league
from issues.counting import shown as printed
from issues.models import SupervisionNotice, today
from issues.stats import period_figures
from liaison.formats import cn_numeral
from meetings.docx_documents import AUTHOR, key_figures, league_table
from meetings.printed import figures_for_print
from printing.docx import GovDocument
from printing.render import BEIJING, cn_date, render_pdf
from reports import xlsx
from reports.annual import ESCALATED_SHOWN, escalation_why
from reports.annual_docx import ESCALATED_HEADERS, escalated_table
from reports.cached import figures_stamp

SUPERVISED_SHOWN = 100  # the 督办 list of the PDF and DOCX; the xlsx lists every notice
MAX_DAYS = 366 * 5


class BadPeriod(ValueError):
    """The asked period is not a period: the message says why, in the user's language."""


@dataclass(frozen=True)
class BulletinPeriod:
    start: date
    end: date

    @classmethod
    def last_full_quarter(cls, on: date | None = None) -> BulletinPeriod:
        on = on or today()
        first_of_this = date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        end = first_of_this - timedelta(days=1)
        return cls(date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end)

    @classmethod
    def from_query(cls, params) -> BulletinPeriod:
        """``from`` and ``to`` (YYYY-MM-DD); both missing: the last full quarter."""
        start, end = params.get("from", "").strip(), params.get("to", "").strip()
        if not start and not end:
            return cls.last_full_quarter()
        try:
            first = date.fromisoformat(start) if start else None
            last = date.fromisoformat(end) if end else None
        except ValueError:
            raise BadPeriod(_("请输入有效的起止日期（YYYY-MM-DD）。")) from None
        if first is None or last is None:
            raise BadPeriod(_("请同时给出起始日期和结束日期。"))
        if first > last:
            raise BadPeriod(_("起始日期不能晚于结束日期。"))
        if (last - first).days > MAX_DAYS:
            raise BadPeriod(_("时间段最长五年。"))
        return cls(first, last)

    @property
    def quarter(self) -> int | None:
        """1-4 when the period is exactly one calendar quarter."""
        q = (self.start.month - 1) // 3 + 1
        whole = BulletinPeriod.last_full_quarter(self.end + timedelta(days=1))
        return q if whole == self and self.start.day == 1 else None

    @property
    def label(self) -> str:
        if self.quarter:
            return f"{self.start.year}年第{cn_numeral(self.quarter)}季度"
        return f"{cn_date(self.start)}至{cn_date(self.end)}"

    @property
    def number(self) -> str:
        return f"助链通〔{self.end.year}〕{(self.end.month - 1) // 3 + 1}号"

    def filename(self, extension: str) -> str:
        if self.quarter:
            return f"{self.label}通报.{extension}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}通报.{extension}"


# The context of the last bulletins asked, per (period, day, state of the figures): its three
# formats (and the render task that makes them ahead) compute the figures once, not three
# times. A change of any issue moves `figures_stamp`, so a kept context is never stale.
_CONTEXTS: dict[tuple, dict[str, Any]] = {}
CONTEXTS_KEPT = 4


def bulletin_context(period: BulletinPeriod, *, on: date | None = None) -> dict[str, Any]:
    on = on or today()
    key = (period, on, figures_stamp())
    if key not in _CONTEXTS:
        while len(_CONTEXTS) >= CONTEXTS_KEPT:
            _CONTEXTS.pop(next(iter(_CONTEXTS)))
        _CONTEXTS[key] = _context(period, on)
    return copy.deepcopy(_CONTEXTS[key])  # each format adds to and takes from its own


def _context(period: BulletinPeriod, on: date) -> dict[str, Any]:
    # Every escalated issue (listed=None): the xlsx's 督导事项 sheet lists them all.
    figures = figures_for_print(period_figures(period.start, period.end, on=on, listed=None))
    escalated = figures["escalated"]
    for item in escalated:
        item["due_label"] = cn_date(item.get("due_date"))
        item["why"] = escalation_why(item)
    supervised = _supervised(period)
    return {
        "doc_title": f"{period.label}助链联动工作通报",
        "author": AUTHOR,
        "period": period,
        "period_label": period.label,
        "number": period.number,
        "issued_label": cn_date(on),
        "figures": figures,
        "supervised": supervised[:SUPERVISED_SHOWN],
        "supervised_total": len(supervised),
        "supervised_more": max(0, len(supervised) - SUPERVISED_SHOWN),
        "escalated": escalated[:ESCALATED_SHOWN],
        "escalated_total": len(escalated),
        "escalated_more": max(0, len(escalated) - ESCALATED_SHOWN),
        "summary": _summary(period, figures["totals"], len(supervised)),
        "_on": on,
        "_supervised_all": supervised,
    }


def _summary(period: BulletinPeriod, totals: dict[str, Any], supervised: int) -> str:
    shown = {k: printed(k, totals) for k in FIGURES}
    return (
        f"{period.label}，各产业链联络员共提出难点堵点问题{shown['raised']}件，"
        f"交办{shown['assigned']}件，签收及时率{shown['accept_rate']}；已报结{shown['resolved']}件"
        f"（已解决{shown['solved']}件、已答复{shown['explained']}件），按期办结率"
        f"{shown['on_time_rate']}，平均办理{shown['mean_days_to_resolve']}个工作日；"
        f"经联络员评价已办结{shown['verified']}件，满意{shown['satisfied']}件、基本满意"
        f"{shown['basically_satisfied']}件、不满意{shown['dissatisfied']}件；当前超期"
        f"{shown['overdue_now']}件。本期发出督办单{supervised}件。"
    )


def _supervised(period: BulletinPeriod) -> list[dict[str, Any]]:
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(period.start, time.min), tz)
    until = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), tz)
    notices = (
        SupervisionNotice.objects.filter(
            kind=SupervisionNotice.Kind.SUPERVISE, issued_at__gte=since, issued_at__lt=until
        )
        .select_related("issue", "department")
        .order_by("issued_at", "pk")
    )
    return [
        {
            "number": n.number,
            "issue_number": n.issue.number,
            "title": n.issue.title,
            "department": n.department.short_name or n.department.name,
            "issued_label": cn_date(timezone.localdate(n.issued_at)),
            "reply_by_label": cn_date(n.reply_by),
            "answered_label": cn_date(timezone.localdate(n.answered_at))
            if n.answered_at
            else "未答复",
        }
        for n in notices
    ]


def _stamp(on: date) -> datetime:
    return datetime.combine(on, time(8, 0), tzinfo=BEIJING)


# --- the three formats ------------------------------------------------------------------------


def bulletin_pdf(period: BulletinPeriod, *, on: date | None = None) -> bytes:
    context = bulletin_context(period, on=on)
    stamp = _stamp(context.pop("_on"))
    return render_pdf("print/bulletin.html", context, timestamp=stamp, even_pages="colophon_alone")


SUPERVISED_HEADERS = ("督办单", "问题编号", "问题", "承办部门", "发出日期", "答复期限", "答复")


def bulletin_docx(period: BulletinPeriod, *, on: date | None = None) -> bytes:
    context = bulletin_context(period, on=on)
    figures = context["figures"]
    out = GovDocument(context["doc_title"], author=AUTHOR, timestamp=_stamp(context["_on"]))
    out.masthead("助链联动工作通报")
    out.centred(context["number"])
    out.sides(AUTHOR, context["issued_label"])
    out.rule(red=True)
    out.title(context["doc_title"])
    out.heading("一、总体情况", 1)
    out.paragraph(context["summary"])
    key_figures(out, figures)
    out.heading("二、职能部门办理情况", 1)
    out.paragraph("以按期办结率由高到低排列，各部门按其当前主办的问题统计。")
    if figures["league_rows"]:
        league_table(out, figures)
    else:
        out.paragraph("本期尚无交办的问题。", muted=True)
    out.heading("三、督办事项", 1)
    out.paragraph(_supervised_line(context))
    if context["supervised"]:
        out.table(
            SUPERVISED_HEADERS,
            [supervised_row(s) for s in context["supervised"]],
            widths_mm=(26, 20, 40, 20, 18, 18, 14),
            size=out.COMPACT,
        )
    out.heading("四、督导事项", 1)
    out.paragraph(_escalated_line(context))
    if context["escalated"]:
        escalated_table(out, context["escalated"])
    out.paragraph()
    out.rule()
    out.sides(AUTHOR, f"{context['issued_label']}印发")
    return out.to_bytes()


def supervised_row(s: dict[str, Any]) -> tuple:
    """One 督办单 of the list, in the columns of `SUPERVISED_HEADERS`."""
    return (
        s["number"],
        s["issue_number"],
        s["title"],
        s["department"],
        s["issued_label"],
        s["reply_by_label"],
        s["answered_label"],
    )


def _supervised_line(context) -> str:
    more = f"，列出前{len(context['supervised'])}件" if context["supervised_more"] else ""
    return f"本期共发出督办单{context['supervised_total']}件{more}。"


def _escalated_line(context) -> str:
    more = f"，列出前{len(context['escalated'])}件" if context["escalated_more"] else ""
    return f"截至{context['issued_label']}，督导事项共{context['escalated_total']}件{more}。"


def bulletin_xlsx(period: BulletinPeriod, *, on: date | None = None) -> bytes:
    """The bulletin's tables as a workbook: the figures as numbers (rates as percentages)."""
    context = bulletin_context(period, on=on)
    figures = context["figures"]
    keys = KEY_FIGURES + tuple(k for k in LEAGUE_COLUMNS if k not in KEY_FIGURES)
    totals = [
        [_("期间"), context["period_label"]],
        *([label(key), _number(key, figures["totals"])] for key in keys),
    ]
    departments = [
        [n, row["name"], *(_number(k, row) for k in LEAGUE_COLUMNS)]
        for n, row in enumerate(league(figures["by_department"]), start=1)
    ]
    escalated = [
        [
            i["number"],
            i["title"],
            i["chain"],
            i.get("department") or "",
            i.get("due_label") or "",
            i["why"],
        ]
        for i in figures["escalated"]
    ]
    columns = [(_("名次"), 6), (_("职能部门"), 16), *((label(k), 10) for k in LEAGUE_COLUMNS)]
    return xlsx.to_bytes(
        [
            xlsx.Sheet(_("总体情况"), [(_("指标"), 18), (_("数值"), 12)], totals, filtered=False),
            xlsx.Sheet(_("职能部门办理情况"), columns, departments, filtered=False),
            xlsx.Sheet(
                _("督办事项"),
                [(h, 14) for h in SUPERVISED_HEADERS],
                [supervised_row(s) for s in context["_supervised_all"]],
                filtered=False,
            ),
            xlsx.Sheet(
                _("督导事项"), [(h, 14) for h in ESCALATED_HEADERS], escalated, filtered=False
            ),
        ]
    )


def _number(key: str, row: dict[str, Any]):
    """A figure as a number, a rate as a percentage and a mean with one decimal."""
    figure, value = FIGURES[key], row.get(key)
    if value is None:
        return None
    if figure.kind == "rate":
        return xlsx.Number(value, "0.0%")
    if figure.kind == "mean":
        return xlsx.Number(value, "0.0")
    return value


RENDERERS = {"pdf": bulletin_pdf, "docx": bulletin_docx, "xlsx": bulletin_xlsx}


def render_cached(start: str, end: str, kind: str) -> bytes:
    """`render_bulletin` with JSON-valued parameters: the renderer of the cached bulletin
    (`reports.documents.BULLETIN`, rendered once per change of the figures)."""
    return render_bulletin(BulletinPeriod(date.fromisoformat(start), date.fromisoformat(end)), kind)


def render_bulletin(period: BulletinPeriod, kind: str, *, on: date | None = None) -> bytes:
    """The bulletin of ``period`` as ``kind`` (pdf, docx or xlsx) bytes: what a background
    task calls to render and cache it."""
    return RENDERERS[kind](period, on=on)
