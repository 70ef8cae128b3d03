from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from organisation.models import (
    CalendarDay,
    Department,
    IndustryChain,
    IndustryUnion,
    IssueCategory,
    Measure,
    OfficerTerm,
    PeopleImport,
    SignInLock,
    User,
    appoint_officer,
)
from organisation.people import ImportFailed, import_people
from organisation.roles import assign_role, is_administrator

# Django stores permission names in English ("Can add 产业链") when it migrates; the admin
# shows them translated from the codename and the model's (translated) verbose name instead.
PERMISSION_ACTIONS = {"add": _("添加"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def permission_label(permission) -> str:
    action, _sep, _model = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if model is None or action not in PERMISSION_ACTIONS:
        return permission.name
    instance_type = getattr(model, "instance_type", None)  # a simple-history model
    if instance_type is not None:
        subject = gettext("%(model)s的历史记录") % {"model": instance_type._meta.verbose_name}
    else:
        subject = str(model._meta.verbose_name)
    return f"{PERMISSION_ACTIONS[action]} · {subject}"


class ChinesePermissionsMixin(admin.ModelAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        permission_field = db_field.name in ("permissions", "user_permissions")
        if permission_field and field is not None and field.queryset is not None:
            field.queryset = field.queryset.select_related("content_type")
            # ModelChoiceField documents overriding label_from_instance per field
            field.label_from_instance = permission_label  # type: ignore[method-assign,assignment]
        return field


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ChinesePermissionsMixin, BaseGroupAdmin):
    """Groups carry permissions: only the system administrator (a superuser) touches them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(IndustryUnion)
class IndustryUnionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "is_example", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]


class OfficerTermInline(admin.TabularInline):
    """The chain's officers, past and present, for reading: appointments go through
    「联络员任期 → 添加」, which ends the previous term (one active officer per chain)."""

    model = OfficerTerm
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = ("officer", "started_on", "ended_on")
    verbose_name_plural = _("联络员任期（任命新联络员请在“联络员任期”中添加）")


@admin.register(IndustryChain)
class IndustryChainAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "union", "union_is_assumed", "order"]
    list_filter = ["union"]
    search_fields = ["name", "code"]
    inlines = [OfficerTermInline]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "code", "leader_name", "leader_title", "order"]
    search_fields = ["name", "short_name", "code", "leader_name"]


@admin.register(IssueCategory)
class IssueCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "default_days", "order"]
    list_editable = ["default_days"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title"]


class CalendarYearFilter(admin.SimpleListFilter):
    """By year: a new year's notice is entered, and checked, one year at a time."""

    title = _("年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        year = self.value()
        if year and year.isdigit():
            return queryset.filter(date__year=int(year))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "kind", "name", "source", "is_provisional"]
    list_filter = [CalendarYearFilter, "kind", "is_provisional"]
    search_fields = ["name", "source"]

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]


class AppointOfficerForm(forms.ModelForm):
    """Appointing a chain's officer; without `ended_on` in the form, the one-active-officer
    constraint is left to `appoint_officer`, which ends the previous term first."""

    class Meta:
        model = OfficerTerm
        fields = ["chain", "officer", "started_on"]


@admin.register(OfficerTerm)
class OfficerTermAdmin(SimpleHistoryAdmin):
    list_display = ["chain", "officer", "started_on", "ended_on"]
    list_filter = ["chain__union", "chain"]
    autocomplete_fields = ["officer", "chain"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AppointOfficerForm
            kwargs["fields"] = AppointOfficerForm.Meta.fields
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": AppointOfficerForm.Meta.fields})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        term = appoint_officer(obj.chain, obj.officer, on=obj.started_on)
        obj.pk, obj.started_on, obj.ended_on = term.pk, term.started_on, term.ended_on
        obj._state.adding = False


class RoleFormMixin(forms.ModelForm):
    """The role with what it needs: an officer's chain, department staff's department (also a
    database constraint: this turns the crash into a form error). `assign_role` applies it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if "chain" in self.fields and instance is not None and instance.pk and instance.is_officer:
            self.fields["chain"].initial = instance.current_chains().first()

    def clean(self):
        cleaned = super().clean() or {}
        role, department = cleaned.get("role"), cleaned.get("department")
        if role == User.Role.DEPARTMENT and department is None:
            self.add_error("department", _("职能部门人员须选择所属部门。"))
        elif role != User.Role.DEPARTMENT and department is not None:
            self.add_error("department", _("只有职能部门人员可以选择所属部门。"))
        if role == User.Role.OFFICER and cleaned.get("chain") is None:
            self.add_error("chain", _("联络员须选择产业链。"))
        return cleaned


def chain_field():
    return forms.ModelChoiceField(
        IndustryChain.objects.all(),
        required=False,
        label=_("产业链"),
        help_text=_("联络员所联络的产业链；任命后原联络员的任期同日结束。"),
    )


class UserChangeForm(RoleFormMixin, auth_forms.UserChangeForm):
    chain = chain_field()


class UserCreationForm(RoleFormMixin, auth_forms.AdminUserCreationForm):
    chain = chain_field()


# Any: django-stubs names the fieldset type only in its stubs (_FieldOpts).
MECHANISM: Any = (
    _("联动机制"),
    {"fields": ["name", "role", "chain", "department"]},
)


@admin.register(User)
class UserAdmin(ChinesePermissionsMixin, SimpleHistoryAdmin, BaseUserAdmin):
    """Superusers (the system administrator) see every field. Everyone else — the
    secretariat — edits names, e-mail, roles, chains and departments only: the superuser and
    staff flags, groups, permissions and passwords are not in their forms at all (posted
    values are ignored), administrators' accounts are read-only to them, and the password
    change view refuses other people's accounts."""

    form = UserChangeForm
    add_form = UserCreationForm

    list_display = ["username", "name", "role", "department", "email", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "name", "email"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), MECHANISM)
    add_fieldsets = (*(BaseUserAdmin.add_fieldsets or ()), MECHANISM)
    limited_fieldsets = (
        (None, {"fields": ["username"]}),
        (_("个人信息"), {"fields": ["email"]}),
        MECHANISM,
    )
    limited_add_fieldsets = (
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        (_("个人信息"), {"fields": ["email"]}),
        MECHANISM,
    )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.limited_add_fieldsets if obj is None else self.limited_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_readonly_fields(request, obj)
        return ["username"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and is_administrator(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # Only the system administrator sets other people's passwords; everyone may set their own.
        if not request.user.is_superuser and str(request.user.pk) != str(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the groups of the form: the role decides the secretariat group and staff flag.
        role = form.cleaned_data.get("role", form.instance.role)
        assign_role(
            form.instance,
            role,
            chain=form.cleaned_data.get("chain") if role == User.Role.OFFICER else None,
            department=form.cleaned_data.get("department"),
            by=request.user,
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel文件（.xlsx）"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin):
    """The upload screen: the same import as `manage.py import_people`, all rows or none."""

    def _may_import(self, request) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and request.user.has_perm("organisation.add_user")
        )

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
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        result = errors = None
        if request.method == "POST" and form.is_valid():
            try:
                result = import_people(form.cleaned_data["file"], by=request.user)
                messages.success(
                    request,
                    _("已导入%(n)d人：新建%(c)d人，更新%(u)d人。")
                    % {"n": result.total, "c": len(result.created), "u": len(result.updated)},
                )
            except ImportFailed as failed:
                errors = [str(e) for e in failed.errors]
                messages.error(
                    request, _("导入失败：共%(n)d处错误，未导入任何人员。") % {"n": len(errors)}
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("批量导入人员"),
            "form": form,
            "result": result,
            "errors": errors,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "organisation/admin_import_people.html", context)


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin):
    """Failed sign-ins by username (django-axes); deleting a row unlocks that username."""

    list_display = ["username", "failures_since_start", "attempt_time", "ip_address", "locked"]
    search_fields = ["username"]
    ordering = ["-attempt_time"]
    readonly_fields = fields = ("username", "failures_since_start", "attempt_time", "ip_address")

    @admin.display(boolean=True, description=_("锁定中"))
    def locked(self, obj) -> bool:
        return obj.failures_since_start >= settings.AXES_FAILURE_LIMIT and (
            obj.attempt_time > timezone.now() - settings.AXES_COOLOFF_TIME
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
