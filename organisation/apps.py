from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("组织与基础数据")

    def ready(self):
        from organisation import sessions  # noqa: F401, PLC0415 - connects the sign-in stamp
