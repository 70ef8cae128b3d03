"""Refuse control characters in the query string of every request and in every API body."""

from __future__ import annotations

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from liaison.text import MESSAGE, find_control

API_PREFIX = "/api/"


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
