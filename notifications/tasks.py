"""Delivery by background tasks: every e-mail and webhook call is a `Delivery` row and a task.

The row and its task are written in the caller's transaction (the database task backend
stores the task in the same database), so they exist exactly when the change they report
does. The worker sends outside any transaction (a hung mail server holds no lock), and
a failure is retried with exponential back-off: after `LIAISON_DELIVERY_ATTEMPTS` tries the
delivery is `failed` and the secretariat sees it, with its error, in the admin
(「重新投递」 starts again). With several workers each task runs once: the worker claims its
task row with SELECT … FOR UPDATE SKIP LOCKED, and a delivery is claimed once more by a
conditional UPDATE (pending → sending) so that even a task enqueued twice sends once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

# The backport of Django 6's django.tasks: on Django 6 this import becomes `django.tasks`.
from django_tasks import task

from notifications import webhooks
from notifications.models import Delivery

log = logging.getLogger(__name__)


@task()
def deliver(delivery_id: int) -> str:
    """Send one delivery; returns what happened (stored as the task's result)."""
    return attempt(delivery_id)


def enqueue(deliveries: Iterable[Delivery]) -> int:
    """One task per delivery, in the caller's transaction; returns how many."""
    count = 0
    for delivery in deliveries:
        deliver.enqueue(delivery.pk)
        count += 1
    return count


def attempt(delivery_id: int) -> str:
    claimed = Delivery.objects.filter(pk=delivery_id, state=Delivery.State.PENDING).update(
        state=Delivery.State.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"  # already sent, failed for good, or being sent by another worker
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    try:
        if delivery.channel == Delivery.Channel.EMAIL:
            send_email(delivery)
        else:
            webhooks.send(delivery)
    except webhooks.Refused as exc:
        _finish(delivery, Delivery.State.FAILED, str(exc))
        return "refused"
    except Exception as exc:  # noqa: BLE001 - any failure of the far side is retried, never lost
        return _retry_or_fail(delivery, exc)
    _finish(delivery, Delivery.State.SENT, "")
    return "sent"


def send_email(delivery: Delivery) -> None:
    """One message to one person (addresses of other departments are never disclosed)."""
    message = EmailMultiAlternatives(
        delivery.subject, delivery.text, settings.DEFAULT_FROM_EMAIL, [delivery.address]
    )
    if delivery.html:
        message.attach_alternative(delivery.html, "text/html")
    message.send()  # the SMTP backend gives up after EMAIL_TIMEOUT seconds


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … times LIAISON_DELIVERY_BACKOFF seconds after the n-th failure."""
    return timedelta(seconds=settings.LIAISON_DELIVERY_BACKOFF * 2 ** max(attempts - 1, 0))


def _retry_or_fail(delivery: Delivery, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    what = (
        f"notification e-mail to {delivery.address}"
        if delivery.channel == Delivery.Channel.EMAIL
        else f"webhook {delivery.webhook_id}"
    )
    # An error, not a warning: the far side is down or hangs (the operator should know).
    log.error(
        "could not send %s (attempt %d of %d): %s",
        what,
        delivery.attempts,
        settings.LIAISON_DELIVERY_ATTEMPTS,
        error,
    )
    if delivery.attempts >= settings.LIAISON_DELIVERY_ATTEMPTS:
        log.warning("delivery %s failed for good: %s", delivery.pk, error)
        _finish(delivery, Delivery.State.FAILED, error)
        return "failed"
    when = timezone.now() + backoff(delivery.attempts)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.PENDING, next_attempt_at=when, last_error=error
        )
        if deliver.get_backend().supports_defer:
            deliver.using(run_after=when).enqueue(delivery.pk)
        # An immediate backend (tests) cannot wait: the row stays pending for `retry` below.
    return "retry"


def _finish(delivery: Delivery, state: str, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state,
        last_error=error or F("last_error"),
        sent_at=timezone.now() if state == Delivery.State.SENT else None,
    )


def retry(deliveries) -> int:
    """Start again (the admin's 「重新投递」): a fresh series of attempts, enqueued now."""
    with transaction.atomic():
        ids = list(deliveries.exclude(state=Delivery.State.SENT).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=ids).update(
            state=Delivery.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        for pk in ids:
            deliver.enqueue(pk)
    return len(ids)
