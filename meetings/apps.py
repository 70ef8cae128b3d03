from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("会议")

    def ready(self) -> None:
        # The rules must be registered before the first has_perm; they import models, so not
        # before the app registry is ready.
        from meetings import permissions  # noqa: F401, PLC0415 - needs the app registry
