"""The audit log in the admin: read by superusers and the audit administrator, edited by nobody."""

from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "event", "client_ip", "object_repr", "path", "detail"]
    list_filter = ["event"]
    search_fields = ["username", "object_repr", "path", "client_ip", "detail"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = [
        "at",
        "user",
        "username",
        "client_ip",
        "event",
        "object_type",
        "object_id",
        "object_repr",
        "path",
        "detail",
    ]
    actions = None

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and (
            request.user.is_superuser or request.user.has_perm("audit.view_auditevent")
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
