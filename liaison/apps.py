import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from liaison.database import niceness, process_kind
from liaison.text import install_form_validator


class LiaisonConfig(AppConfig):
    """The project shell: settings, URLs, the home page, the API root, `seed_demo`."""

    name = "liaison"
    verbose_name = _("助链联动工作平台")

    def ready(self) -> None:
        install_form_validator()  # every CharField refuses control characters (liaison/text.py)
        lower = niceness(process_kind())
        if lower:
            os.nice(lower)  # the task worker: below the web (liaison/database.py)
