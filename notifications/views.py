"""The in-app notifications: the list, opening one, marking read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.digest import set_daily_digest
from notifications.models import Notification, NotificationPreference

# --- notifications ---------------------------------------------------------------------


@login_required
def notification_list(request):
    mine = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "true":
        mine = mine.unread()
    page = Paginator(mine.select_related("actor"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "only_unread": request.GET.get("unread") == "true",
            "daily_digest": NotificationPreference.objects.filter(
                person=request.user, daily_digest=True
            ).exists(),
        },
    )


@login_required
def notification_open(request, pk: int):
    """Opening a notification marks it read and goes to what it is about."""
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    target = note.url if url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) else ""
    return redirect(target or "notifications:list")


@login_required
@require_POST
def notification_mark_all_read(request):
    count = Notification.objects.filter(recipient=request.user).mark_read()
    messages.success(request, _("已将%(count)d条通知标为已读。") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_read(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.filter(pk=note.pk).mark_read()
    return redirect(
        request.POST.get("next")
        if url_has_allowed_host_and_scheme(
            request.POST.get("next"), allowed_hosts={request.get_host()}
        )
        else "notifications:list"
    )


@login_required
@require_POST
def notification_digest(request):
    """One e-mail a day instead of one per event (or back)."""
    on = request.POST.get("daily_digest") == "on"
    set_daily_digest(request.user, on)
    messages.success(request, _("已改为每天一封汇总邮件。") if on else _("已改为每件事一封邮件。"))
    return redirect("notifications:list")
