"""One permission vocabulary for every view, HTML and API alike.

Each app declares its rules as `rules` permissions in its own `permissions.py`
(`issues.transition`, `meetings.manage`, `reports.read_annual` …). Views never test roles
themselves: a function view takes `@permission_required("app.perm")`, an API view lists
`RulePermission` with `permission_required = "app.perm"` (or a per-method dict). Objects are
fetched through each model's one access helper (`issue_for`, `meeting_for`, …), which answers
404 for what the person may not see; these checks answer 403 for what they may not do.

Domain conflicts (a transition not allowed in the current state, a concurrent change) are
`Conflict`; `liaison.api.errors` turns them into 409 and the HTML views into a message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission


class Conflict(Exception):
    """Not allowed in the object's current state, or someone changed it a moment ago (409)."""


def require(user, perm: str, obj: Any = None, message: str | Promise | None = None) -> None:
    """403 unless `user` has the rules permission `perm` (on `obj` when given)."""
    # rules' own test, not `user.has_perm`: Django grants a superuser every permission, and the
    # system administrator has no role in the mechanism (DESIGN "Security": accounts only).
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied(message or _("您无权执行此操作。"))


def permission_required(perm: str, message: str | Promise | None = None) -> Callable:
    """For function views: signed in (else the sign-in page), then the permission (else 403)."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, perm, message=message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RulePermission(BasePermission):
    """For API views: `permission_required` is a permission name, or a dict by HTTP method."""

    def has_permission(self, request, view) -> bool:
        perm = getattr(view, "permission_required", None)
        if isinstance(perm, dict):
            perm = perm.get(request.method)
        if not perm:
            return True
        if not rules.has_perm(perm, request.user):
            message = getattr(view, "permission_message", None)
            raise PermissionDenied(str(message) if message else _("您无权执行此操作。"))
        return True
