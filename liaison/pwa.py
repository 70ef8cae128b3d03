"""The installable app (issue 15, JOURNEYS 1): the web app manifest and the service worker,
both served by the app itself — nothing from a CDN (DESIGN "Security"), so it installs and works
on an offline intranet."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

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
