from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from oversight.models import Notification, PeopleImport, Reminder
from oversight.people import ImportFailed, import_people


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


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel文件（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin):
    """The upload screen: the same import as `manage.py import_people`, all rows or none."""

    def _may_import(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.has_perm("liaison.add_user")

    def has_module_permission(self, request):
        return self._may_import(request)

    def has_view_permission(self, request, obj=None):
        return self._may_import(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self._may_import(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        result = errors = None
        if request.method == "POST" and form.is_valid():
            try:
                result = import_people(form.cleaned_data["file"])
                messages.success(request, _("已导入%(n)d人：新建%(c)d人，更新%(u)d人。") % {
                    "n": result.total, "c": len(result.created), "u": len(result.updated)})
            except ImportFailed as failed:
                errors = [str(e) for e in failed.errors]
                messages.error(request, _("导入失败：共%(n)d处错误，未导入任何人员。") % {"n": len(errors)})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("批量导入人员"),
            "form": form,
            "result": result,
            "errors": errors,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "oversight/admin_import_people.html", context)
