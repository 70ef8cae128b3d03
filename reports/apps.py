from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计与报告")

    def ready(self) -> None:
        # the rules, and the cached documents by name (the render task looks them up there)
        from reports import documents, permissions  # noqa: F401, PLC0415

        # the stamp of cached reports follows reference data (imports models: not at import time)
        from reports.cached import connect_receivers  # noqa: PLC0415 - needs the app registry

        connect_receivers()
