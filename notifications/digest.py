"""The daily digest: one e-mail a day, instead of one per event, for people who chose it.

`manage.py send_reminders` sends it after the reminders (cron runs that once a day). A digest
lists the in-app notifications that arrived since the person's last digest, except the
deadline reminders (those already came in the reminder mail of the same run); a run with
nothing new sends nothing, so running it twice the same day sends nothing more.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import notify as n
from notifications.models import Kind, Notification, NotificationPreference

# Deadline reminders have their own daily mail (notifications/reminders.py).
NOT_IN_DIGEST = (Kind.DUE_SOON, Kind.OVERDUE, Kind.UNACKNOWLEDGED)


def send_digests(now=None) -> int:
    """Queue each digest person's e-mail; returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    with transaction.atomic():
        preferences = (
            NotificationPreference.objects.select_for_update()
            .filter(daily_digest=True, person__is_active=True)
            .select_related("person")
        )
        for preference in preferences:
            notes = list(
                Notification.objects.filter(
                    recipient=preference.person,
                    created_at__gt=preference.digest_sent_until,
                    created_at__lte=now,
                )
                .exclude(kind__in=NOT_IN_DIGEST)
                .order_by("created_at", "pk")
            )
            preference.digest_sent_until = now
            preference.save(update_fields=["digest_sent_until"])
            if not notes:
                continue
            subject = _("今日通知汇总：%(count)d条") % {"count": len(notes)}
            queued += n.queue_emails(
                [preference.person],
                subject,
                [(note.text, note.url) for note in notes],
                intro=subject + "。",
                event="digest",
            )
    return queued


def set_daily_digest(person, on: bool) -> NotificationPreference:
    """Switch the digest on or off; switched on, it starts from now (earlier mail went out)."""
    preference, _created = NotificationPreference.objects.get_or_create(person=person)
    if on and not preference.daily_digest:
        preference.digest_sent_until = timezone.now()
    preference.daily_digest = on
    preference.save()
    return preference
