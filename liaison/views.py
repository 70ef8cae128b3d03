from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.i18n import JavaScriptCatalog

from issues.home import work_for


@login_required
def home(request):
    """My work: what waits for the signed-in person, by role."""
    return render(request, "liaison/home.html", {"work": work_for(request.user)})


class AdminJavaScriptCatalog(JavaScriptCatalog):
    """The admin's JavaScript catalogue plus our locale/ (djangojs.po), which holds the Chinese
    of the strings Django's own zh_Hans catalogue lacks (the permission picker)."""

    def get_paths(self, packages):
        return [*super().get_paths(packages), *map(str, settings.LOCALE_PATHS)]
