from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("难点堵点")

    def ready(self):
        # The figures' rollup follows every write of an issue, notice, extension and calendar
        # day from here (`issues.rollup`), once the models are loaded.
        from issues import rollup  # noqa: PLC0415 - needs the models

        rollup.connect()
