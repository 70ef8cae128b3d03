"""The security audit log (等保 2.0 level 3, 安全审计): append-only rows of who did what, from where.

Rows are never changed or deleted one by one: `save()` refuses an update, `delete()` refuses,
and the queryset refuses `update()`/`delete()`. The one way out is `prune_before()`, used by
`manage.py prune_audit_log`, which keeps at least 180 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_KEEP_DAYS = 180


class Event(models.TextChoices):
    SIGN_IN = "sign_in", _("登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("账号锁定")
    UNLOCKED = "unlocked", _("解除锁定")
    SIGN_OUT = "sign_out", _("退出")
    TOKEN_ISSUED = "token_issued", _("签发令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销令牌")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    ROLE_ASSIGNED = "role_assigned", _("分配角色")
    FEED_KEY_RESET = "feed_key_reset", _("重置日历订阅地址")
    PERMISSION_DENIED = "permission_denied", _("拒绝访问")
    EXPORT = "export", _("导出")
    DOWNLOAD = "download", _("下载文档")


class AppendOnly(Exception):
    """The audit log is append-only."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("the audit log is append-only")

    def delete(self):
        raise AppendOnly("the audit log is append-only")

    def prune_before(self, cutoff: datetime) -> int:
        """Delete the rows older than `cutoff` (no newer than MIN_KEEP_DAYS ago)."""
        if cutoff > timezone.now() - timedelta(days=MIN_KEEP_DAYS):
            raise AppendOnly(f"the audit log keeps at least {MIN_KEEP_DAYS} days")
        deleted, _by_model = models.QuerySet.delete(self.filter(at__lt=cutoff))
        return deleted


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # The account as it was: the username stays readable when the account is gone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    event = models.CharField(_("事件"), max_length=32, choices=Event.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    path = models.CharField(_("地址"), max_length=500, blank=True)
    detail = models.TextField(_("详情"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.get_event_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("the audit log is append-only")
