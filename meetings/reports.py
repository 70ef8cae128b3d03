"""The reports page and the annual report PDF (secretariat and leaders).

The report lists every issue of the year, so only people who see every issue may have it;
anyone else signed in gets 403 (the page exists, it is not for their role).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from issues.models import Issue, today
from meetings.printing import render_annual_report_pdf

FIRST_YEAR = 2024  # the mechanism was set up in 2024 (the eleven measures)


def _require_reader(user) -> None:
    if not user.sees_everything:
        raise PermissionDenied(_("年度报告仅供秘书处和领导查阅。"))


def report_years(with_issues=()) -> list[int]:
    """Every year with issues, and the current one, newest first."""
    years = set(with_issues) | {today().year}
    return sorted((y for y in years if y >= FIRST_YEAR), reverse=True)


@login_required
@require_GET
def report_index(request):
    _require_reader(request.user)
    counts = dict(Issue.objects.order_by().values_list("year").annotate(n=Count("pk")))
    rows = [{"year": y, "raised": counts.get(y, 0)} for y in report_years(counts)]
    return render(request, "reports/index.html", {"rows": rows, "current_year": today().year})


@login_required
@require_GET
def annual_report_pdf(request, year: int):
    _require_reader(request.user)
    if year < FIRST_YEAR or year > today().year:
        raise Http404(_("没有该年度的报告。"))
    pdf = render_annual_report_pdf(year)
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="annual-report-{year}.pdf"'
    return response
