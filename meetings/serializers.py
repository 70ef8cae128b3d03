"""The meeting in JSON, exactly as DESIGN "Public API (v1)" shows it.

Departments travel by code, issues by id (the snapshot carries the number); `*_name`,
`state_label` and `available_transitions` are display extras, not needed to act.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meetings.models import (
    FOLLOWING_ISSUE,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionFile,
    DecisionState,
    Kind,
    Meeting,
)
from meetings.transitions import (
    DECISION_TRANSITIONS,
    MEETING_TRANSITIONS,
    available_decision_transitions,
    available_transitions,
)
from meetings.versions import minutes_version


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        # more_count: the section's issues beyond LIAISON_AGENDA_SECTION_LIMIT (additive).
        fields = [
            "id",
            "order",
            "section",
            "title",
            "issues",
            "notes",
            "decisions",
            "report",
            "more_count",
        ]
        read_only_fields = fields


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["name", "organisation", "status", "note", "user"]
        read_only_fields = fields


TRACKING_CHOICES = [*DecisionState.values, FOLLOWING_ISSUE]


class DecisionSerializer(serializers.ModelSerializer):
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    co_departments: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    state = serializers.ChoiceField(
        source="tracking_state", choices=TRACKING_CHOICES, read_only=True
    )
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)
    issue_number = serializers.CharField(source="issue.number", read_only=True, default=None)

    class Meta:
        model = Decision
        fields = [
            "id",
            "text",
            "department",
            "co_departments",
            "due_date",
            "issue",
            "state",
            "number",
            "department_name",
            "issue_number",
            "applied_transition",
        ]
        read_only_fields = fields


class DecisionFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DecisionFile
        fields = ["id", "original_name", "size", "content_type", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, record) -> str:
        return reverse("decisions:file", args=[record.decision_id, record.pk])


class TrackedDecisionSerializer(DecisionSerializer):
    """A decision of approved minutes as `GET /api/v1/decisions/` lists it (DESIGN)."""

    meeting = serializers.IntegerField(source="minutes.meeting_id", read_only=True)
    meeting_title = serializers.CharField(source="minutes.meeting.title", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    state_label = serializers.CharField(source="tracking_label", read_only=True)
    files = DecisionFileSerializer(many=True, read_only=True)
    available_transitions = serializers.SerializerMethodField()

    class Meta(DecisionSerializer.Meta):
        fields = [
            "id",
            "meeting",
            "text",
            "department",
            "co_departments",
            "due_date",
            "issue",
            "state",
            "is_overdue",
            "number",
            "meeting_title",
            "department_name",
            "issue_number",
            "state_label",
            "report_text",
            "reported_at",
            "closed_at",
            "files",
            "available_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(DECISION_TRANSITIONS)))
    )
    def get_available_transitions(self, decision) -> list[str]:
        request = self.context.get("request")
        return available_decision_transitions(decision, request.user) if request else []


class DecisionTransitionInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", label=_("办结情况"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("原因"))
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


def minutes_data(meeting: Meeting) -> dict:
    """`minutes` of the meeting JSON; an empty one while nothing was written."""
    minutes = getattr(meeting, "minutes", None) if _has_minutes(meeting) else None
    if minutes is None:
        return {
            "summary": "",
            "items": [],
            "decisions": [],
            "approved_at": None,
            "pdf_sha256": None,
            "version": "",
        }
    return {
        "summary": minutes.summary,
        "items": [
            {"agenda_item": note.agenda_item_id, "discussion": note.discussion}
            for note in sorted(minutes.item_notes.all(), key=lambda n: (n.agenda_item.order, n.pk))
        ],
        "decisions": DecisionSerializer(minutes.decisions.all(), many=True).data,
        "approved_at": (
            serializers.DateTimeField().to_representation(minutes.approved_at)
            if minutes.approved_at
            else None
        ),
        "pdf_sha256": minutes.pdf_sha256 or None,
        "version": minutes_version(minutes),
    }


def _has_minutes(meeting: Meeting) -> bool:
    try:
        meeting.minutes  # noqa: B018 - the reverse one-to-one raises when absent
    except Meeting.minutes.RelatedObjectDoesNotExist:
        return False
    return True


class ItemNoteOutSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField()
    discussion = serializers.CharField()


class MinutesOutSerializer(serializers.Serializer):
    """The schema of `minutes` (the data itself comes from `minutes_data`)."""

    summary = serializers.CharField()
    items = ItemNoteOutSerializer(many=True)
    decisions = DecisionSerializer(many=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    pdf_sha256 = serializers.CharField(allow_null=True)
    version = serializers.CharField(help_text="changes with every edit; give it when approving")


MINUTES_SCHEMA = MinutesOutSerializer


class MeetingSerializer(serializers.ModelSerializer):
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    attendance = AttendanceSerializer(many=True, read_only=True)
    minutes = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "number",
            "title",
            "scheduled_at",
            "location",
            "state",
            "agenda",
            "attendance",
            "minutes",
            "kind_label",
            "state_label",
            "available_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(MINUTES_SCHEMA)
    def get_minutes(self, meeting) -> dict:
        return minutes_data(meeting)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(MEETING_TRANSITIONS)))
    )
    def get_available_transitions(self, meeting) -> list[str]:
        request = self.context.get("request")
        return available_transitions(meeting, request.user) if request else []


class MeetingSummarySerializer(serializers.ModelSerializer):
    """A row of the meeting list: no agenda, attendance or minutes."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "number",
            "title",
            "scheduled_at",
            "location",
            "state",
            "kind_label",
            "state_label",
        ]
        read_only_fields = fields


class MeetingCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, label=_("会议类型"))
    scheduled_at = serializers.DateTimeField(
        label=_("会议时间"), default_timezone=timezone.get_default_timezone()
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransitionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("原因"))
    version = serializers.CharField(
        required=False,
        allow_blank=True,
        label=_("纪要版本"),
        help_text="approve_minutes: `minutes.version` as the approver saw it (or an If-Match "
        "header); changed since → 409",
    )


class AttendanceRowSerializer(serializers.Serializer):
    user = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    organisation = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    status = serializers.ChoiceField(
        choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ItemNoteInputSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField()
    discussion = serializers.CharField(allow_blank=True, default="")


class DecisionInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    text = serializers.CharField(allow_blank=True)
    department = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="department code"
    )
    co_departments = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="department codes"
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    issue = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="issue id or number (2024-0007)",
    )


class MinutesInputSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True)
    items = ItemNoteInputSerializer(many=True, required=False)
    decisions = DecisionInputSerializer(many=True, required=False)
