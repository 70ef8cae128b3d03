from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("督办与通知")

    def ready(self) -> None:
        from oversight import receivers

        receivers.connect_meetings()
