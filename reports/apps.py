from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计与报告")

    def ready(self) -> None:
        from reports import permissions  # noqa: F401, PLC0415 - registers the rules at start-up

        # the stamp of cached reports follows reference data (imports models: not at import time)
        from reports.cached import connect_receivers  # noqa: PLC0415 - needs the app registry

        connect_receivers()
