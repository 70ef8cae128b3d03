from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("组织与基础数据")

    def ready(self):
        # Imported here, once the models are ready: the sign-in stamp's receivers connect on
        # import, and a calendar edited in the admin must drop the cached special dates at once.
        from organisation import calendar, reference_cache, sessions  # noqa: F401, PLC0415

        day = self.get_model("CalendarDay")
        post_save.connect(calendar.clear_cache, sender=day, dispatch_uid="calendar_day_saved")
        post_delete.connect(calendar.clear_cache, sender=day, dispatch_uid="calendar_day_deleted")
        # A reference row saved or deleted: a new token in the same transaction, so that every
        # process reads the tables again once it commits (organisation.reference_cache).
        for name in reference_cache.REFERENCE_MODELS:
            model = self.get_model(name)
            for signal in (post_save, post_delete):
                signal.connect(
                    reference_cache.changed, sender=model, dispatch_uid=f"reference_{name}"
                )
