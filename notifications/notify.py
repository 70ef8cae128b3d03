"""Sending a notification: one in-app row per recipient, and the same text by e-mail.

Everything here runs after the change it reports has committed (the issue signal is sent
on commit), so a failing mail server never rolls back a transition; it is logged instead.
"""

from __future__ import annotations

import logging
import os
import smtplib
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification
from organisation.models import OfficerTerm, User

log = logging.getLogger(__name__)
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


def set_muted(value: bool) -> None:
    _state.muted = value


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
    base = getattr(settings, "LIAISON_BASE_URL", "") or os.environ.get("LIAISON_BASE_URL", "")
    return (base.rstrip("/") + url) if base else url


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
    """Create the in-app notifications and send the e-mails; returns what was created."""
    people = [p for p in people if p is not None]
    if is_muted() or not people:
        return []
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
        send_emails([p.email for p in people if p.email], text, url)
    return rows


def send_emails(addresses: list[str], text: str, url: str, subject: str = "") -> int:
    if not addresses:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = "【助链联动】" + (subject or text.split("。")[0][:60])
        body = text
        if url:
            body += "\n\n" + translation.gettext("查看详情：") + absolute(url)
        body += "\n\n" + translation.gettext("（本邮件由助链联动工作平台自动发送，请勿直接回复。）")
    try:
        connection = get_connection()
        messages = [
            EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection
            )
            for address in addresses
        ]
        # One message per person: addresses of other departments are not disclosed.
        return connection.send_messages(messages) or 0
    except (smtplib.SMTPException, OSError) as exc:  # refused, down, hung (EMAIL_TIMEOUT)
        log.error("could not send notification e-mail to %d recipients: %r", len(addresses), exc)
        return 0
    except Exception:  # a mail outage must not break the work it reports (logged below)
        log.exception("could not send notification e-mail to %d recipients", len(addresses))
        return 0
