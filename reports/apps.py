from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计与报告")

    def ready(self) -> None:
        from reports import permissions  # noqa: F401, PLC0415 - registers the rules at start-up
