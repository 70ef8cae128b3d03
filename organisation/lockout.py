"""The answer to a locked-out sign-in (django-axes' AXES_LOCKOUT_CALLABLE): on the API 429
with `Retry-After`, on the web form the sign-in page again with a message saying until when."""

from __future__ import annotations

import math

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _


def locked_until(username: str):
    last = (
        AccessAttempt.objects.filter(username=username)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    credentials = credentials or {}
    username = str(credentials.get("username") or request.POST.get("username", ""))
    until = locked_until(username)
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    message = _("登录失败次数过多，账号已锁定至%(time)s，请届时再试或联系秘书处解锁。") % {
        "time": time_format(timezone.localtime(until), "H:i")
    }
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        # An unbound form: binding it would try the password once more.
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "lockout_message": message}
        response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
