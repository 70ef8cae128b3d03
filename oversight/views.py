"""Dashboard, notifications and the Excel ledgers. Thin: the work is in figures, ledgers, notify."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from issues.models import today
from oversight import dashboard as board
from oversight import ledgers
from oversight.figures import Period
from oversight.models import Notification

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


@login_required
def dashboard(request):
    period, errors = _period(request)
    context = board.context(request.user, period)
    context["errors"] = errors
    return render(request, "oversight/dashboard.html", context)


# --- notifications ---------------------------------------------------------------------

@login_required
def notification_list(request):
    mine = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "true":
        mine = mine.unread()
    page = Paginator(mine.select_related("actor"), 30).get_page(request.GET.get("page"))
    return render(request, "oversight/notifications.html", {
        "page": page, "only_unread": request.GET.get("unread") == "true",
    })


@login_required
def notification_open(request, pk: int):
    """Opening a notification marks it read and goes to what it is about."""
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    target = note.url if url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) else ""
    return redirect(target or "oversight:notifications")


@login_required
@require_POST
def notification_mark_all_read(request):
    count = Notification.objects.filter(recipient=request.user).mark_read()
    messages.success(request, _("已将%(count)d条通知标为已读。") % {"count": count})
    return redirect("oversight:notifications")


@login_required
@require_POST
def notification_mark_read(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.filter(pk=note.pk).mark_read()
    return redirect(request.POST.get("next") if url_has_allowed_host_and_scheme(
        request.POST.get("next"), allowed_hosts={request.get_host()}) else "oversight:notifications")


# --- ledgers ---------------------------------------------------------------------------

def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ledgers.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def issues_export(request):
    issues = ledgers.ledger_issues(request.user, request.GET)
    stamp = today().strftime("%Y%m%d")
    return _xlsx(ledgers.issues_workbook(issues), f"issues-{stamp}.xlsx")


@login_required
def decisions_export(request, year: int):
    try:
        from meetings.models import Decision
    except ImportError as exc:  # the meetings app provides decisions
        raise Http404 from exc
    decisions = (
        Decision.objects.filter(minutes__meeting__year=year, minutes__approved_at__isnull=False)
        .select_related("minutes__meeting", "department", "issue")
        .order_by("minutes__meeting__scheduled_at", "minutes__meeting_id", "order", "pk")
    )
    return _xlsx(ledgers.decisions_workbook(decisions), f"decisions-{year}.xlsx")
