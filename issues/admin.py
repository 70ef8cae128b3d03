"""Issues in the admin are read-only: states change only through the state machine
(django-fsm-2's admin integration would run transitions for any staff user)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from issues.models import Issue


@admin.register(Issue)
class IssueAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "chain", "state", "department", "due_date", "raised_at"]
    list_filter = ["state", "chain__union", "chain", "department", "category"]
    search_fields = ["number", "title"]
    list_select_related = ["chain", "department"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
