"""Notifications (in-app, mirrored by e-mail) and the log that keeps reminders once a day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.transitions import TRANSITIONS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Kind(models.TextChoices):
    """The kinds that are not an issue transition; those are named by `issues.transitions`."""

    RAISE = "raise", _("新问题")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
    AGENDA_PUBLISHED = "agenda_published", _("议程发布")


def kind_choices() -> list[tuple[str, StrOrPromise]]:
    """Every kind: a new issue, each issue transition that notifies, reminders, meetings.

    A callable (migrations store its name, not the list), so that a transition added to
    `issues.transitions` with a notice needs nothing here.
    """
    return [
        (Kind.RAISE.value, Kind.RAISE.label),
        *[(t.name, t.label) for t in TRANSITIONS.values() if t.notify],
        *[(k.value, k.label) for k in (Kind.DUE_SOON, Kind.OVERDUE, Kind.AGENDA_PUBLISHED)],
    ]


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.filter(read_at__isnull=True).update(read_at=timezone.now())


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=kind_choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    issue = models.ForeignKey(
        "issues.Issue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("问题"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("会议"),
    )
    text = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Reminder(models.Model):
    """One row per issue, kind and day a reminder went out: `send_reminders` is idempotent per day."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将到期")
        OVERDUE = "overdue", _("已超期")

    issue = models.ForeignKey(
        "issues.Issue", on_delete=models.CASCADE, related_name="reminders", verbose_name=_("问题")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("日期"))
    recipients = models.PositiveSmallIntegerField(_("接收人数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        ordering = ["-on", "issue_id"]
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "kind", "on"], name="one_reminder_per_issue_kind_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} · {self.kind} · {self.on}"
