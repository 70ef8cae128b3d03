"""API tokens that expire (LIAISON_TOKEN_DAYS) and can be revoked.

DRF's one token per person is kept; its `created` stamp dates it. An expired token is
deleted when it is presented (and a fresh one issued at the next sign-in through
`POST /api/v1/auth/token/`); revoking is deleting, so the audit receiver sees every path.
"""

from __future__ import annotations

import contextlib
import contextvars
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

_reason: contextvars.ContextVar[str] = contextvars.ContextVar("token_revocation_reason", default="")


def lifetime() -> timedelta:
    return timedelta(days=settings.LIAISON_TOKEN_DAYS)


def is_expired(token: Token) -> bool:
    return token.created <= timezone.now() - lifetime()


def revocation_reason() -> str:
    """Why the token being deleted is revoked (for the audit row)."""
    return _reason.get()


@contextlib.contextmanager
def revoking(reason: str):
    marker = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(marker)


def issue(user) -> Token:
    """The person's current token, or a new one when they had none or it expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and is_expired(token):
        revoke(token, "过期")
        token = None
    return token or Token.objects.create(user=user)


def revoke(token: Token, reason: str) -> None:
    with revoking(reason):
        token.delete()


def revoke_all(user, reason: str) -> int:
    tokens = list(Token.objects.filter(user=user))
    for token in tokens:
        revoke(token, reason)
    return len(tokens)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused (401) once the token is older than its lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            revoke(token, "过期")
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取。"))
        return user, token
