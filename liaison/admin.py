from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from liaison.models import (
    Department,
    IndustryChain,
    IndustryUnion,
    IssueCategory,
    Measure,
    OfficerTerm,
    User,
)


@admin.register(IndustryUnion)
class IndustryUnionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "is_example", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]


class OfficerTermInline(admin.TabularInline):
    model = OfficerTerm
    extra = 0
    fields = ["officer", "started_on", "ended_on"]
    autocomplete_fields = ["officer"]


@admin.register(IndustryChain)
class IndustryChainAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "union", "union_is_assumed", "order"]
    list_filter = ["union"]
    search_fields = ["name", "code"]
    inlines = [OfficerTermInline]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "code", "order"]
    search_fields = ["name", "short_name", "code"]


@admin.register(IssueCategory)
class IssueCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title"]


@admin.register(OfficerTerm)
class OfficerTermAdmin(SimpleHistoryAdmin):
    list_display = ["chain", "officer", "started_on", "ended_on"]
    list_filter = ["chain__union", "chain"]
    autocomplete_fields = ["officer", "chain"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "name", "role", "department", "email", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "name", "email"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("联动机制"), {"fields": ["name", "role", "department"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("联动机制"), {"fields": ["name", "role", "department"]}),)
