"""Sending a notification: one in-app row per recipient, and the same text by e-mail.

Nothing here talks to a mail server: an e-mail is a `Delivery` row and a background task
(notifications/tasks.py), written in the same transaction as the in-app rows, so a mail
server that is down or hangs never slows or fails the request; the task retries it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications import tasks, webhooks
from notifications.models import Delivery, Notification, NotificationPreference, Webhook
from organisation.models import OfficerTerm, User

_state = threading.local()


@contextmanager
def muted():
    """No notifications inside this block (demo seeding replays a year of history at once)."""
    previous = getattr(_state, "muted", False)
    _state.muted = True
    try:
        yield
    finally:
        _state.muted = previous


def is_muted() -> bool:
    return getattr(_state, "muted", False)


# --- who -----------------------------------------------------------------------------


def active_people():
    return User.objects.filter(is_active=True)


def department_staff(department_id) -> Q:
    return Q(role=User.Role.DEPARTMENT, department_id=department_id)


def secretariat() -> Q:
    return Q(role=User.Role.SECRETARIAT)


def leaders() -> Q:
    return Q(role=User.Role.LEADER)


def every_officer() -> Q:
    return Q(role=User.Role.OFFICER, officer_terms__ended_on__isnull=True)


def chain_officer(chain_id) -> Q:
    """The chain's *current* officer: open issues follow the chain, not the person."""
    officer_ids = OfficerTerm.objects.filter(chain_id=chain_id, ended_on__isnull=True).values(
        "officer_id"
    )
    return Q(pk__in=officer_ids)


def recipients(*conditions: Q, exclude=None) -> list[User]:
    if not conditions:
        return []
    query = Q()
    for condition in conditions:
        query |= condition
    people = active_people().filter(query).distinct()
    if exclude is not None and getattr(exclude, "pk", None):
        # Never tell people about what they did themselves.
        people = people.exclude(pk=exclude.pk)
    return list(people.order_by("pk"))


# --- where ---------------------------------------------------------------------------


def issue_url(issue) -> str:
    return reverse("issues:detail", args=[issue.pk])


def meeting_url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def absolute(url: str) -> str:
    """Links in e-mails and webhooks point at LIAISON_BASE_URL (required with DEBUG off)."""
    base = settings.LIAISON_BASE_URL
    if not url or "://" in url or not base:
        return url
    return base.rstrip("/") + url


# --- send ----------------------------------------------------------------------------


def notify(
    people: Iterable[User],
    kind: str,
    text: str,
    *,
    url: str = "",
    issue=None,
    actor=None,
    extra: dict | None = None,
    email: bool = True,
) -> list[Notification]:
    """Create the in-app notifications and queue the e-mails, all in one transaction.

    People who chose the daily digest get no mail now: `digest.send_digests` tells them.
    """
    people = [p for p in people if p is not None]
    if is_muted() or not people:
        return []
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=person,
                    kind=kind,
                    text=text,
                    url=url,
                    issue=issue,
                    actor=actor,
                    **(extra or {}),
                )
                for person in people
            ]
        )
        if email:
            digest_ids = wants_digest(people)
            queue_emails(
                [p for p in people if p.pk not in digest_ids], text, [(text, url)], event=kind
            )
    return rows


MAILED = 30  # lines of one e-mail about many notifications; the rest are in the app


def notify_each(rows: list[Notification], *, event: str, subject: str) -> list[Notification]:
    """Many in-app notifications at once (each its own recipient, text and issue): one insert,
    and one e-mail per person listing theirs (`subject` when there are several; past
    `MAILED`, a line pointing to the app), so the queries grow with the people told, not with
    the rows. Digest people get no mail now."""
    if is_muted() or not rows:
        return []
    by_person: dict[User, list[Notification]] = {}
    for row in rows:
        by_person.setdefault(row.recipient, []).append(row)
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        digest_ids = wants_digest(by_person)
        for person, mine in by_person.items():
            if person.pk in digest_ids:
                continue
            title = mine[0].text if len(mine) == 1 else subject
            lines = [(r.text, r.url) for r in mine[:MAILED]]
            if len(mine) > MAILED:
                more = _("另有%(count)d条，见站内通知") % {"count": len(mine) - MAILED}
                lines.append((more, reverse("notifications:list")))
            queue_emails([person], title, lines, event=event)
    return created


def wants_digest(people: Iterable[User]) -> set[int]:
    return set(
        NotificationPreference.objects.filter(
            person__in=[p.pk for p in people], daily_digest=True
        ).values_list("person_id", flat=True)
    )


def queue_emails(
    people: Iterable[User],
    subject: str,
    lines: list[tuple[str, str]],
    *,
    intro: str = "",
    event: str = "",
    addresses: Iterable[str] = (),
) -> int:
    """One `Delivery` (and its task) per person with an address; returns how many were queued.

    `lines` are (text, url) pairs; the mail has a plain-text and an HTML part. `addresses`:
    more recipients without an account (a department's leader copied on a 督办).
    """
    people = [p for p in people if p.email]
    to: list[tuple[User | None, str]] = [(p, p.email) for p in people]
    to += [(None, address) for address in addresses if address]
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "intro": intro,
            "lines": [{"text": text, "url": absolute(url)} for text, url in lines],
        }
        subject = "【助链联动】" + subject.split("。")[0][:60]
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    with transaction.atomic():
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    channel=Delivery.Channel.EMAIL,
                    event=event,
                    recipient=person,
                    address=address,
                    subject=subject[:200],
                    text=text,
                    html=html,
                )
                for person, address in to
            ]
        )
        return tasks.enqueue(deliveries)


def announce(event: str, text: str, url: str = "", *, issues=(), meeting=None) -> int:
    """Queue one webhook call per active hook that wants `event`; returns how many."""
    if is_muted():
        return 0
    hooks = [hook for hook in Webhook.objects.filter(is_active=True) if hook.wants(event)]
    if not hooks:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        payload = webhooks.event_object(
            event, text, absolute(url), issues=issues, meeting=meeting, link=absolute
        )
    with transaction.atomic():
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    channel=Delivery.Channel.WEBHOOK, event=event, webhook=hook, payload=payload
                )
                for hook in hooks
            ]
        )
        return tasks.enqueue(deliveries)
