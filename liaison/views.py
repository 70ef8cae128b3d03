from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog

from issues.home import work_for
from liaison.middleware import same_origin_referer


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
    if _api(request):
        return JsonResponse({"detail": _("系统出现错误，请稍后重试。")}, status=500)
    return defaults.server_error(request)


# --- the installable app (DESIGN "Security": everything from the app itself, no CDN) -----------

THEME_COLOR = "#b71c1c"  # --union-red of liaison/static/liaison/app.css


@require_safe
def web_manifest(request):
    """/manifest.webmanifest: what "add to home screen" needs — the name, the icons, the start
    page — in the person's language. Public: the browser fetches it without credentials."""
    icons = [
        {"src": static("liaison/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("liaison/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("liaison/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    manifest = {
        "name": _("助链联动工作平台"),
        "short_name": _("助链联动"),
        "lang": get_language(),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": icons,
        "shortcuts": [{"name": _("提出问题"), "url": reverse("issues:new")}],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response


@require_safe
def service_worker(request):
    """/sw.js: the service worker, served from the site's root so that its scope covers every
    page (a worker under /static/ could only control /static/). Public, as the manifest: it
    holds no data, only where the queue script and the new-issue form live. Never cached by
    the browser, so that a new release replaces it at the next visit."""
    body = render_to_string(
        "liaison/sw.js",
        {
            "queue_js": static("liaison/queue.js"),
            "new_issue": reverse("issues:new"),
            "static_url": settings.STATIC_URL,
            "login_url": resolve_url(settings.LOGIN_URL),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache, max-age=0"
    response["Service-Worker-Allowed"] = "/"
    return response
