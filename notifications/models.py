"""Notifications (in-app, mirrored by e-mail) and the log that keeps reminders once a day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.transitions import EVENTS, TRANSITIONS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Kind(models.TextChoices):
    """The kinds that are not an issue transition; those are named by `issues.transitions`."""

    RAISE = "raise", _("新问题")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
    UNACKNOWLEDGED = "unacknowledged", _("超时未签收")
    AGENDA_PUBLISHED = "agenda_published", _("议程发布")
    DECISION = "decision", _("议定事项")


def kind_choices() -> list[tuple[str, StrOrPromise]]:
    """Every kind: a new issue, each issue transition that notifies, reminders, meetings.

    A callable (migrations store its name, not the list), so that a transition added to
    `issues.transitions` with a notice needs nothing here.
    """
    return [
        (Kind.RAISE.value, Kind.RAISE.label),
        *[(t.name, t.label) for t in TRANSITIONS.values() if t.notify],
        *[(e.name, e.label) for e in EVENTS.values()],
        *[
            (k.value, k.label)
            for k in (
                Kind.DUE_SOON,
                Kind.OVERDUE,
                Kind.UNACKNOWLEDGED,
                Kind.AGENDA_PUBLISHED,
                Kind.DECISION,
            )
        ],
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
    # A digest's lines, each {"text", "url"} (send_reminders: one a day listing the issues).
    items = models.JSONField(_("条目"), default=list, blank=True)
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
        UNACKNOWLEDGED = "unacknowledged", _("超时未签收")

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


class NotificationPreference(models.Model):
    """How one person wants their e-mail: one mail per event (the default) or a daily digest."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("人员"),
    )
    daily_digest = models.BooleanField(
        _("每日汇总邮件"), default=False, help_text=_("每天一封汇总邮件，代替每件事一封邮件。")
    )
    # The digest covers the in-app notifications created after this moment.
    digest_sent_until = models.DateTimeField(_("已汇总至"), default=timezone.now)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return str(self.person)


class WebhookEvent(models.TextChoices):
    RAISE = "raise", _("新问题")
    ASSIGN = "assign", _("交办（含改派）")
    RETURN = "return", _("退回")
    OVERDUE = "overdue", _("超期")
    NOTICE = "notice", _("催办/督办通知")
    AGENDA_PUBLISHED = "agenda_published", _("议程发布")
    MINUTES_APPROVED = "minutes_approved", _("纪要审定")


class Webhook(models.Model):
    """An outgoing hook the secretariat manages: a group robot of 企业微信 or 钉钉, or plain JSON.

    Only hosts listed in settings.LIAISON_WEBHOOK_HOSTS are accepted (at save) and called (at send).
    """

    class Format(models.TextChoices):
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")
        JSON = "json", _("JSON")

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("地址"), max_length=500)
    format = models.CharField(_("格式"), max_length=10, choices=Format.choices)
    events = models.JSONField(_("事件"), default=list, blank=True)
    secret = models.CharField(
        _("加签密钥"),
        max_length=200,
        blank=True,
        help_text=_("钉钉机器人“加签”安全设置的密钥（SEC 开头）。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("Webhook")
        verbose_name_plural = _("Webhook")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from notifications.webhooks import refuse_unlisted  # noqa: PLC0415 - webhooks imports models

        refuse_unlisted(self.url)

    def wants(self, event: str) -> bool:
        return self.is_active and event in (self.events or [])


class Delivery(models.Model):
    """One e-mail or one webhook call, sent by a background task and retried with back-off.

    Rows are written in the same transaction as what they report; the task that sends them too
    (the database task backend stores it in the same database).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        WEBHOOK = "webhook", _("Webhook")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    event = models.CharField(_("事件"), max_length=30, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收人"),
    )
    address = models.CharField(_("邮箱"), max_length=254, blank=True)
    webhook = models.ForeignKey(
        Webhook,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("Webhook"),
    )
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    text = models.TextField(_("正文"), blank=True)
    html = models.TextField(_("HTML 正文"), blank=True)
    payload = models.JSONField(_("事件数据"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_state")]

    def __str__(self) -> str:
        target = self.address or (self.webhook.name if self.webhook else "")
        return f"{self.get_channel_display()} → {target}"
