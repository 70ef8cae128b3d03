"""Session limits: idle and absolute.

Idle: a session lives SESSION_COOKIE_AGE (LIAISON_SESSION_IDLE_MINUTES) after its last save,
and activity re-saves it — at most once a minute (TOUCH_SECONDS), not on every request, so that
reading a page costs no write. Absolute: a session ends LIAISON_SESSION_MAX_DAYS after its
sign-in, however active it stays."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SIGNED_IN_AT = "liaison_signed_in_at"
TOUCHED_AT = "liaison_touched_at"
TOUCH_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="session_signed_in_at")
def stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SIGNED_IN_AT] = request.session[TOUCHED_AT] = now


class SessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in = request.session.get(SIGNED_IN_AT)
            limit = timedelta(days=settings.LIAISON_SESSION_MAX_DAYS).total_seconds()
            if signed_in is not None and now - signed_in > limit:
                logout(request)
            else:
                if signed_in is None:
                    # A session from before the stamp existed: it starts counting now.
                    request.session[SIGNED_IN_AT] = now
                if now - request.session.get(TOUCHED_AT, 0) > TOUCH_SECONDS:
                    request.session[TOUCHED_AT] = now  # modified: saved with a new expiry
        return self.get_response(request)
