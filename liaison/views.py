import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.http import JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.i18n import JavaScriptCatalog

from issues.home import work_for
from liaison.middleware import database_unavailable, same_origin_referer


@login_required
def home(request):
    """My work: what waits for the signed-in person, by role."""
    return render(request, "liaison/home.html", {"work": work_for(request.user)})


class AdminJavaScriptCatalog(JavaScriptCatalog):
    """The admin's JavaScript catalogue plus our locale/ (djangojs.po), which holds the Chinese
    of the strings Django's own zh_Hans catalogue lacks (the permission picker)."""

    def get_paths(self, packages):
        return [*super().get_paths(packages), *map(str, settings.LOCALE_PATHS)]


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form's token no longer matches (signed in again in another tab,
    signed out, a page left open too long). Say so in the person's language and offer the form
    again, freshly loaded (a new token), where drafts.js puts back what was typed."""
    context = {
        "back_url": same_origin_referer(request),
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
    }
    return render(request, "403_csrf.html", context, status=403)


# handler400/403/404/500 (liaison.urls): the pages are templates/400.html … 500.html; under
# /api/ the answer is JSON in the API's error shape, as a program expects.
def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("请求有误。")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse({"detail": str(exception) or _("您无权执行此操作。")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    # Django calls this handler inside its `except` for the exception, so it is at hand here. A
    # database error raised outside a view (a middleware reading the session or the user while
    # PostgreSQL restarts; the session saved after the view) never reaches
    # DatabaseUnavailableMiddleware: it gets the same 503 here instead of a 500.
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError):
        return database_unavailable(request, exception)
    if _api(request):
        return JsonResponse({"detail": _("系统出现错误，请稍后重试。")}, status=500)
    return defaults.server_error(request)
