"""Sign-in, failure, lockout, unlock, sign-out and token revocation, from the signals of Django,
django-axes and DRF's token model: every path (web form, token endpoint, admin) is covered."""

from axes import signals as axes_signals  # noqa: F401 - connects axes' receivers before ours
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from audit.log import record
from audit.models import Event
from meetings.archive import archive_mismatch
from organisation.tokens import revocation_reason


def _refused_while_locked(request) -> bool:
    # django-axes flags a request its backend refused (the account was locked already) and
    # counts failures only for the others.
    return bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def signed_in(sender, request, user, **kwargs):
    record(Event.SIGN_IN, request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # django-axes' own receiver ran first (importing axes.signals above connected it): the
    # request says whether this failure was refused while locked, or began the lockout.
    username = str(credentials.get("username", ""))
    if _refused_while_locked(request):
        record(Event.SIGN_IN_FAILED, request, username=username, detail="账号已锁定，拒绝登录")
        return
    record(Event.SIGN_IN_FAILED, request, username=username, detail="用户名或密码不正确")
    if getattr(request, "axes_locked_out", False):
        record(
            Event.LOCKED_OUT,
            request,
            username=username,
            detail=f"连续{settings.AXES_FAILURE_LIMIT}次登录失败，锁定至"
            f"{timezone.localtime(request.axes_attempt_time + settings.AXES_COOLOFF_TIME):%H:%M}",
        )


# Two named senders, never "any sender": a post_delete receiver without a sender makes Django
# load every row before deleting it, for every model (no fast delete), which turned each
# figure rollup refresh into SELECT-then-DELETE batches of 100. The admin deletes through the
# proxy 「登录锁定」 (organisation.SignInLock), which is a sender of its own.
@receiver(post_delete, sender=AccessAttempt, dispatch_uid="audit_unlocked")
@receiver(post_delete, sender="organisation.SignInLock", dispatch_uid="audit_unlocked_proxy")
def unlocked(sender, instance, **kwargs):
    # Axes also deletes expired attempts and resets on success: only an attempt that still
    # locked its username when it was deleted is an unlock.
    still_locked = (
        instance.failures_since_start >= settings.AXES_FAILURE_LIMIT
        and instance.attempt_time > timezone.now() - settings.AXES_COOLOFF_TIME
    )
    if still_locked:
        record(Event.UNLOCKED, detail=f"解除用户名“{instance.username}”的登录锁定")


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Event.SIGN_OUT, request, user=user)


@receiver(post_delete, sender=Token, dispatch_uid="audit_token_revoked")
def token_revoked(sender, instance, **kwargs):
    record(
        Event.TOKEN_REVOKED,
        obj=instance.user,
        detail=revocation_reason() or "吊销",
    )


@receiver(archive_mismatch)
def minutes_pdf_refused(sender, minutes, request=None, found="", **kwargs):
    """An approved minutes PDF that no longer matches its SHA-256 was refused (meetings/archive.py)."""
    record(
        Event.DOWNLOAD,
        request,
        obj=minutes,
        detail=f"refused: {minutes.pdf.name} SHA-256 {found}, recorded {minutes.pdf_sha256}",
    )
