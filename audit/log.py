"""`record()`: one audit row, with the acting person and the client address of the request.

Signal receivers have no request argument (a token deleted in the admin, a lockout); the
middleware keeps the current request in a context variable so that `record()` finds it.
"""

from __future__ import annotations

import contextvars
import ipaddress
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest

from audit.models import AuditEvent, Event

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets
    (LIAISON_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP) when the deployment names one."""
    if request is None:
        return None
    header = getattr(settings, "LIAISON_CLIENT_IP_HEADER", "")
    value = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR")
    value = (value or "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def current_request() -> HttpRequest | None:
    return _current_request.get()


def record(
    event: Event | str,
    request: HttpRequest | None = None,
    *,
    user=None,
    username: str = "",
    obj=None,
    detail: str = "",
) -> AuditEvent:
    """Append one row. `user` defaults to the request's signed-in person."""
    request = request or current_request()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    row = AuditEvent(
        event=event,
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        client_ip=client_ip(request),
        path=(request.get_full_path() if request is not None else "")[:500],
        detail=detail,
    )
    if obj is not None:
        row.object_type = obj._meta.label
        row.object_id = str(obj.pk)
        row.object_repr = str(obj)[:200]
    row.save()
    return row


class AuditMiddleware:
    """Keeps the request for `record()`, and records what a response says on its own:
    403 (permission denied), and downloads (an xlsx export, a PDF or DOCX document) —
    recognised by their type or `Content-Disposition: attachment`, so the views that serve
    them need no audit code of their own."""

    EXPORT_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)
    DOCUMENT_TYPES = (
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
            self.observe(request, response)
        finally:
            _current_request.reset(token)
        return response

    def observe(self, request, response) -> None:
        if response.status_code == 403:
            record(Event.PERMISSION_DENIED, request, detail=f"{request.method} {request.path}")
            return
        if response.status_code != 200:
            return
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        disposition = response.get("Content-Disposition", "")
        if content_type in self.EXPORT_TYPES:
            record(Event.EXPORT, request, detail=_filename(disposition))
        elif content_type in self.DOCUMENT_TYPES or disposition.startswith("attachment"):
            record(Event.DOWNLOAD, request, detail=_filename(disposition) or content_type)


def _filename(disposition: str) -> str:
    """The file name of a Content-Disposition (RFC 6266's `filename*=UTF-8''…` preferred)."""
    names = {}
    for part in disposition.split(";"):
        name, _sep, value = part.strip().partition("=")
        names[name.lower()] = value.strip('"')
    if names.get("filename*"):
        return unquote(names["filename*"].split("''", 1)[-1])
    return names.get("filename", "")
