from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("组织与基础数据")

    def ready(self):
        # A calendar edited in the admin counts at once: the cached special dates are dropped.
        from organisation import (
            calendar,
            sessions,  # noqa: F401 - connects the sign-in stamp
        )

        day = self.get_model("CalendarDay")
        post_save.connect(calendar.clear_cache, sender=day, dispatch_uid="calendar_day_saved")
        post_delete.connect(calendar.clear_cache, sender=day, dispatch_uid="calendar_day_deleted")
