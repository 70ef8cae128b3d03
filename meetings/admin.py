"""Meetings in the admin: for looking things up only.

Every change to a meeting goes through `meetings.services` (permission, state machine,
history, and the decisions acting on issues at approval). An editable admin would bypass all
of that — and django-fsm-2's admin runs transitions for any staff user — so it is read-only.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import AgendaItem, Attendance, Decision, ItemNote, Meeting, Minutes


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaItemInline(ReadOnlyMixin, admin.TabularInline):
    model = AgendaItem
    fields = ["order", "section", "title", "notes"]
    extra = 0


class AttendanceInline(ReadOnlyMixin, admin.TabularInline):
    model = Attendance
    fields = ["order", "name", "organisation", "status", "note"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "scheduled_at", "location", "state"]
    list_filter = ["kind", "state", "year"]
    search_fields = ["title", "location"]
    date_hierarchy = "scheduled_at"
    inlines = [AgendaItemInline, AttendanceInline]


class ItemNoteInline(ReadOnlyMixin, admin.TabularInline):
    model = ItemNote
    fields = ["agenda_item", "discussion"]
    extra = 0


class DecisionInline(ReadOnlyMixin, admin.TabularInline):
    model = Decision
    fields = [
        "order",
        "text",
        "department",
        "due_date",
        "issue",
        "applied_transition",
        "applied_at",
    ]
    extra = 0


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["meeting", "approved_at", "approved_by", "pdf_sha256"]
    search_fields = ["meeting__title", "summary"]
    list_select_related = ["meeting", "approved_by"]
    inlines = [ItemNoteInline, DecisionInline]
