from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("督办与通知")

    def ready(self) -> None:
        # Connects the receivers of the issue and meeting signals, registers the deploy check
        # and the admin rules (imported for that effect).
        from notifications import checks, permissions, receivers  # noqa: F401, PLC0415
