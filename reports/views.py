"""Reports: the dashboard, the Excel ledgers, the reports page and the annual report PDF.

Who may open which is `reports.permissions` (the annual report: secretariat and leaders, 403
for the other roles). Thin views: the work is in `figures`, `dashboard`, `ledgers` and
`annual`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from issues import asof
from issues.models import Issue, today
from liaison.access import permission_required
from liaison.downloads import content_disposition
from liaison.formats import cn_date
from meetings.models import Decision
from printing.docx import CONTENT_TYPE as DOCX_CONTENT_TYPE
from reports import dashboard as board
from reports import ledgers, xlsx
from reports.bulletin import BadPeriod, BulletinPeriod
from reports.cached import Copy
from reports.documents import ANNUAL_DOCX, ANNUAL_PDF, BULLETIN
from reports.figures import Period

FIRST_YEAR = 2024  # the mechanism was set up in 2024 (the eleven measures)

ANNUAL_ONLY = gettext_lazy("年度报告仅供秘书处和领导查阅。")


def report_years(with_issues=()) -> list[int]:
    """Every year with issues, and the current one, newest first."""
    years = set(with_issues) | {today().year}
    return sorted((y for y in years if y >= FIRST_YEAR), reverse=True)


def read_annual(view):
    """Signed in (else sign-in), GET only (else 405), then secretariat or leader (else 403)."""
    return login_required(
        require_GET(permission_required("reports.read_annual", ANNUAL_ONLY)(view))
    )


@read_annual
def report_index(request):
    counts = dict(Issue.objects.order_by().values_list("year").annotate(n=Count("pk")))
    rows = [
        {"year": y, "raised": counts.get(y, 0), "updating": ANNUAL_PDF.updating_since(year=y)}
        for y in report_years(counts)
    ]
    quarters, on = [], today()
    for _n in range(4):
        quarter = BulletinPeriod.last_full_quarter(on)
        quarters.append(
            {
                "label": quarter.label,
                "from": quarter.start.isoformat(),
                "to": quarter.end.isoformat(),
            }
        )
        on = quarter.start
    return render(
        request,
        "reports/index.html",
        {"rows": rows, "current_year": today().year, "quarters": quarters},
    )


@read_annual
def annual_report_pdf(request, year: int):
    """The stored copy, rendered by the task worker after each change (`reports.cached`); an
    older copy while the newer one renders, said so in the headers."""
    _require_report_year(year)
    response = _document_response(ANNUAL_PDF.get(year=year), "application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"{year}年度工作报告.pdf",
        attachment=bool(request.GET.get("download")),
        fallback=f"annual-report-{year}.pdf",
    )
    return response


@read_annual
def annual_report_docx(request, year: int):
    """The annual report for leaders to mark up in WPS or Word, stored like its PDF."""
    _require_report_year(year)
    response = _document_response(ANNUAL_DOCX.get(year=year), DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"{year}年度工作报告.docx", fallback=f"annual-report-{year}.docx"
    )
    return response


def _document_response(copy: Copy, content_type: str) -> HttpResponse:
    """A stored document with what it is: `X-Cache` hit (the current figures), stale (older
    ones; a newer copy is being prepared) or miss (none was stored: rendered for this
    download); when it was rendered; the SHA-256 of the bytes, as for the archived minutes."""
    response = HttpResponse(copy.content, content_type=content_type)
    response["X-Cache"] = copy.state
    response["Last-Modified"] = http_date(copy.rendered_at.timestamp())
    response["X-Content-SHA256"] = copy.sha256
    if copy.state == "stale":
        # Headers are Latin-1: the note is for scripts and the browser's tools; the reports
        # page says it in Chinese beside the link.
        response["X-Document-Note"] = (
            f"figures as of {copy.rendered_at.isoformat(timespec='seconds')}; "
            "a newer copy is being prepared, download again in a minute"
        )
    return response


def _require_report_year(year: int) -> None:
    if year < FIRST_YEAR or year > today().year:
        raise Http404(_("没有该年度的报告。"))


# --- period bulletin (通报) -------------------------------------------------------------

BULLETIN_ONLY = gettext_lazy("通报仅供秘书处和领导查阅。")
BULLETIN_TYPES = {"pdf": "application/pdf", "docx": DOCX_CONTENT_TYPE, "xlsx": xlsx.CONTENT_TYPE}


def read_bulletin(view):
    return login_required(
        require_GET(permission_required("reports.read_annual", BULLETIN_ONLY)(view))
    )


@read_bulletin
def bulletin(request, kind: str):
    """`/reports/bulletin.pdf|.docx|.xlsx?from=&to=`: 400 with the reason for a bad period."""
    try:
        period = BulletinPeriod.from_query(request.GET)
    except BadPeriod as error:
        return render(request, "400.html", {"message": str(error)}, status=400)
    # Rendered by the task worker once per change of the figures (reports.cached), then a
    # file read.
    copy = BULLETIN.get(start=period.start.isoformat(), end=period.end.isoformat(), kind=kind)
    response = _document_response(copy, BULLETIN_TYPES[kind])
    # A Chinese file name (2026年第三季度通报.pdf) by RFC 6266's filename*; the PDF opens inline.
    response["Content-Disposition"] = content_disposition(
        period.filename(kind), attachment=kind != "pdf" or bool(request.GET.get("download"))
    )
    return response


# --- dashboard -------------------------------------------------------------------------


def _period(request) -> tuple[Period, list[str]]:
    """The year asked for, or a from/to range; the current year when nothing (valid) is asked."""
    errors = []
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    if start or end:
        try:
            first = date.fromisoformat(start) if start else date(today().year, 1, 1)
            last = date.fromisoformat(end) if end else today()
            if first > last:
                raise ValueError
            if (last - first).days > 366 * 5:
                errors.append(_("时间段最长五年。"))
            else:
                return Period(first, last), errors
        except ValueError:
            errors.append(_("请输入有效的起止日期（起始日期不晚于结束日期）。"))
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        return Period.for_year(int(year)), errors
    return Period.for_year(today().year), errors


@permission_required("reports.view_dashboard")
@require_GET
def dashboard(request):
    period, errors = _period(request)
    status = 200
    try:
        period = replace(period, as_of=asof.parse_as_of(request.GET.get("as_of")))
    except ValidationError as exc:  # refused, said so, and today's figures shown instead
        errors.extend(exc.messages)
        status = 400
    context = board.context(request.user, period)
    context["errors"] = errors
    context["documents"] = board.documents(request.user, period)
    context["as_of_value"] = request.GET.get("as_of", "")
    context["as_of_banner"] = asof.banner(period.as_of) if period.as_of else ""
    return render(request, "reports/dashboard.html", context, status=status)


# --- ledgers ---------------------------------------------------------------------------


class LedgerResponse(StreamingHttpResponse):
    """A ledger sent as it is made (reports/xlsx.py): no Content-Length, the first bytes at
    once, however many rows follow.

    A server sends `streaming_content`; `content` still reads the whole file for a caller that
    asks for it (Django's test client, scripts), once.
    """

    @property
    def content(self) -> bytes:  # type: ignore[override]
        return b"".join(cast(Iterator[bytes], self.streaming_content))


def _xlsx(chunks: Iterator[bytes], filename: str, fallback: str) -> StreamingHttpResponse:
    response = LedgerResponse(chunks, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    return response


@permission_required("reports.export_issues")
@require_GET
def issues_export(request):
    """The ledger of the list's filters; `as_of`: as the issues stood at the end of that day."""
    try:
        issues = ledgers.ledger_issues(request.user, request.GET)
    except ledgers.LedgerError as exc:
        return render(request, "400.html", {"message": str(exc)}, status=400)
    day = getattr(issues, "as_of", None) or today()
    return _xlsx(
        ledgers.issues_workbook(issues, heading=ledgers.issues_heading(day)),
        f"台账-{cn_date(day)}.xlsx",
        f"ledger-{day.isoformat()}.xlsx",
    )


# A ledger of meetings' decisions: for those who read meetings (meetings.permissions). Like
# every list, 403 for a signed-in account without a role (DESIGN "Roles and visibility").
@permission_required("meetings.read")
@require_GET
def decisions_export(request, year: int):
    decisions = (
        Decision.objects.filter(minutes__meeting__year=year, minutes__approved_at__isnull=False)
        .select_related("minutes__meeting", "department", "issue")
        .order_by("minutes__meeting__scheduled_at", "minutes__meeting_id", "order", "pk")
    )
    return _xlsx(
        ledgers.decisions_workbook(decisions),
        f"{year}年议定事项台账.xlsx",
        f"decisions-{year}.xlsx",
    )
