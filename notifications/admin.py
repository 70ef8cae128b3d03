from django.contrib import admin

from notifications.models import Notification, Reminder


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log is read, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "recipient__username", "recipient__name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["on", "issue", "kind", "recipients", "sent_at"]
    list_filter = ["kind", "on"]
    list_select_related = ["issue"]
