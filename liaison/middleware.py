"""Refuse control characters in the query string of every request and in every API body; send
a form submitted after the session ended to sign in and back to the form's page; answer 503
when the database is slow or away."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from liaison.text import MESSAGE, find_control

API_PREFIX = "/api/"
log = logging.getLogger(__name__)


def _contains_control(value) -> bool:
    if isinstance(value, str):
        return find_control(value) is not None
    if isinstance(value, dict):
        return any(_contains_control(k) or _contains_control(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_control(v) for v in value)
    return False


def _json_field(data) -> str | None:
    """The top-level field of a JSON body whose value holds a control character anywhere."""
    if isinstance(data, dict):
        for key, value in data.items():
            if _contains_control(key) or _contains_control(value):
                return str(key)
        return None
    return "non_field_errors" if _contains_control(data) else None


def _querydict_bad(query) -> str | None:
    for key, values in query.lists():
        if find_control(key) is not None or any(find_control(v) is not None for v in values):
            return key
    return None


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _querydict_bad(request.GET)
        if field is None and request.path.startswith(API_PREFIX):
            field = self._body_field(request)
        if field is not None:
            return self._refuse(request, field)
        return self.get_response(request)

    @staticmethod
    def _body_field(request) -> str | None:
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        content_type = request.content_type or ""
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            return _querydict_bad(request.POST)
        if "json" in content_type:
            try:
                data = json.loads(request.body or b"null")
            except ValueError:
                return None  # the API's own parser answers 400 for malformed JSON
            return _json_field(data)
        return None

    @staticmethod
    def _refuse(request, field: str):
        message = str(MESSAGE)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({field: [message]}, status=400)
        return HttpResponseBadRequest(
            _("参数“%(field)s”%(message)s") % {"field": field, "message": message},
            content_type="text/plain; charset=utf-8",
        )


def same_origin_referer(request) -> str:
    """The page a request came from, as a path on this site; "" for another site or none."""
    referer = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else ""


class SignInAgainMiddleware:
    """A form submitted after the session ended (idle timeout, signed out in another tab):
    `login_required` sends it to sign in with `next` = the URL it was posted to, which a GET
    often cannot open (a transition takes only POST). Send it back to the form's own page (the
    Referer) instead, where drafts.js puts back what was typed, and say why. After
    MessageMiddleware, so that the message is stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST" or response.status_code != 302:
            return response
        target = urlsplit(response.get("Location", ""))
        # `login_required`'s answer names `next`; signing out lands on the same page without.
        if target.path != resolve_url(settings.LOGIN_URL) or "next" not in parse_qs(target.query):
            return response
        form_page = same_origin_referer(request)
        if not form_page:
            return response
        messages.warning(
            request, _("登录已超时，请重新登录。登录后将回到原来的页面，您填写的内容已保留。")
        )
        return redirect_to_login(form_page)


# --- the database is slow or away: 503, never a 500 ------------------------------------------

RETRY_AFTER_SECONDS = 10


def _is_statement_timeout(exc: BaseException) -> bool:
    """PostgreSQL cancelled the statement (statement_timeout): psycopg's QueryCanceled, which
    Django raises as its OperationalError with the driver's error as the cause."""
    cause = getattr(exc, "__cause__", None)
    return getattr(cause, "sqlstate", None) == "57014"  # query_canceled


class DatabaseUnavailableMiddleware:
    """A statement cancelled by the web's `statement_timeout` (liaison/database.py), a database
    that cannot be reached (PostgreSQL restarting) or a full connection pool: 503 with
    `Retry-After` and a message in Chinese, JSON `{"detail": …}` under /api/, a page otherwise.
    The transaction of the request has been rolled back by then: nothing half-written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Django raises the driver's errors (psycopg's QueryCanceled, a connection refused, the
        # pool's PoolTimeout) as its own OperationalError.
        if not isinstance(exception, OperationalError):
            return None
        return database_unavailable(request, exception)


def database_unavailable(request, exception: OperationalError) -> HttpResponse:
    """The 503 of a database error: from the view (the middleware above) or from outside it
    (liaison.views.server_error, for a middleware that read the session while PostgreSQL was
    restarting)."""
    if _is_statement_timeout(exception):
        message = _("系统繁忙，本次查询用时过长已被终止，请稍后刷新重试。")
    else:
        message = _("数据库暂时无法连接，请稍后刷新重试。")
    log.error("503 for %s: %s", request.path, exception)
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=503)
    else:
        page = render_to_string("503.html", {"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
