"""The issue in JSON, exactly as DESIGN "Public API (v1)" names its fields.

Reference objects travel by their stable codes (chain, union, category, department), the
measure by its number, people by username; the `*_name` fields are for display only.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from issues.extensions import approved_count
from issues.models import (
    Attachment,
    ExtensionRequest,
    Issue,
    IssueUpdate,
    Outcome,
    Satisfaction,
    Source,
    SupervisionNotice,
)
from issues.notice_print import TEXT_MAX
from issues.services import available_transitions
from issues.states import STATE_LABELS
from issues.transitions import TRANSITIONS, history_label
from organisation.models import IndustryChain, IssueCategory, Measure


class IssueSerializer(serializers.ModelSerializer):
    """Read-only: an issue changes only through create and the transitions endpoint."""

    chain: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    chain_name = serializers.CharField(source="chain.name", read_only=True)
    union = serializers.CharField(source="chain.union.code", read_only=True)
    union_name = serializers.CharField(source="chain.union.name", read_only=True)
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    measure: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="number", read_only=True
    )
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    raised_by = serializers.CharField(source="raised_by.username", read_only=True)
    raised_by_name = serializers.CharField(source="raised_by.display_name", read_only=True)
    satisfaction = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    # DESIGN names the field `source`; the stubs type DRF's own Field.source as a string.
    source = serializers.SerializerMethodField()  # type: ignore[assignment]
    co_departments = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)
    is_unacknowledged = serializers.BooleanField(read_only=True)
    warning = serializers.SerializerMethodField()
    duplicate_of: serializers.PrimaryKeyRelatedField[Issue] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    extension_count = serializers.SerializerMethodField()
    notice_count = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = [
            "id",
            "number",
            "title",
            "description",
            "chain",
            "union",
            "category",
            "measure",
            "company",
            "source",
            "state",
            "department",
            "co_departments",
            "due_date",
            "accepted_at",
            "is_overdue",
            "days_overdue",
            "is_unacknowledged",
            "warning",
            "raised_by",
            "raised_at",
            "outcome",
            "resolution",
            "satisfaction",
            "verified_at",
            "duplicate_of",
            "extension_count",
            "notice_count",
            "available_transitions",
            # Extras for display: not part of DESIGN's contract, never needed to act.
            "chain_name",
            "union_name",
            "category_name",
            "department_name",
            "state_label",
            "raised_by_name",
            "resolved_at",
            "return_count",
            "reopen_count",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["red", "yellow"], allow_null=True))
    def get_warning(self, issue) -> str | None:
        return issue.warning

    @extend_schema_field(serializers.ChoiceField(choices=Satisfaction.values, allow_null=True))
    def get_satisfaction(self, issue) -> str | None:
        return issue.satisfaction or None

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.values, allow_null=True))
    def get_outcome(self, issue) -> str | None:
        return issue.outcome or None

    @extend_schema_field(serializers.ChoiceField(choices=Source.values, allow_null=True))
    def get_source(self, issue) -> str | None:
        """How the secretariat heard of an issue it filed (代录); null when the officer filed it."""
        return issue.source or None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_co_departments(self, issue) -> list[str]:
        return [d.code for d in issue.co_department_list()]

    def get_extension_count(self, issue) -> int:
        """Approved extension requests (延期): annotated by the querysets that list issues."""
        return approved_count(issue)

    def get_notice_count(self, issue) -> int:
        """Supervision notices (催办/督办) issued: annotated on lists (`with_notice_count`),
        counted for one issue."""
        count = getattr(issue, "notice_count", None)
        return issue.notices.count() if count is None else count

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(TRANSITIONS)))
    )
    def get_available_transitions(self, issue) -> list[str]:
        request = self.context.get("request")
        if request is None or issue.as_of:  # an issue as it stood on a past day: read-only
            return []
        return available_transitions(issue, request.user)


def chain_field(**options) -> serializers.SlugRelatedField:
    """A chain by its code, as filing and the similar-issues lookup take it."""
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=IndustryChain.objects.all(),
        label=_("产业链"),
        error_messages={"does_not_exist": _("没有代码为“{value}”的产业链。")},
        **options,
    )


class IssueCreateSerializer(serializers.Serializer):
    """What is filed: `{title, description, chain, category, measure?, company?, source?}`."""

    title = serializers.CharField(max_length=200, label=_("标题"))
    description = serializers.CharField(label=_("问题描述"))
    chain = chain_field()
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=IssueCategory.objects.all(),
        label=_("类别"),
        error_messages={"does_not_exist": _("没有代码为“{value}”的类别。")},
    )
    measure = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Measure.objects.all(),
        required=False,
        allow_null=True,
        label=_("相关措施"),
        error_messages={"does_not_exist": _("没有第“{value}”条措施（共11条）。")},
    )
    company = serializers.CharField(
        max_length=200, required=False, allow_blank=True, label=_("涉及企业")
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]  # (see IssueSerializer)
        choices=Source.choices,
        required=False,
        allow_blank=True,
        label=_("来源"),
        help_text="how the secretariat heard of it when it files for a chain (代录)",
    )


# --- history and progress notes -------------------------------------------------------


class HistorySerializer(serializers.Serializer):
    """One row of simple-history: what a transition left behind."""

    at = serializers.DateTimeField(source="history_date")
    user = serializers.CharField(source="history_user.username", default=None)
    user_name = serializers.CharField(source="history_user.display_name", default=None)
    transition = serializers.SerializerMethodField()
    # For display: 交办, 签收, … and the rows that are not transitions (延期, 延期未获同意).
    transition_label = serializers.SerializerMethodField()
    from_state = serializers.SerializerMethodField()
    # Plain strings in the schema: the state enum is named once, on the issue.
    to_state = serializers.CharField(
        source="state",
        help_text="raised, assigned, accepted, resolved, verified, withdrawn, merged",
    )
    reason = serializers.CharField(source="history_change_reason", default="")
    department = serializers.CharField(source="department.code", default=None)
    department_name = serializers.CharField(source="department.name", default=None)
    due_date = serializers.DateField()

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="raise, a transition's name, or extend / extension_rejected "
            "(an extension request decided; the state stays accepted)",
        )
    )
    def get_transition(self, row) -> str | None:
        return row.transition or None

    def get_transition_label(self, row) -> str:
        return str(history_label(row.transition))

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="null on the first row (raise)")
    )
    def get_from_state(self, row) -> str | None:
        return row.from_state or None


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "size",
            "content_type",
            "uploaded_by",
            "uploaded_at",
            "reply",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        """The API download (token or session), which checks visibility like the issue does."""
        path = reverse("api:issue-attachment", args=[attachment.issue_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class IssueDetailSerializer(IssueSerializer):
    """One issue: the list's fields plus the files attached to the issue itself."""

    attachments = serializers.SerializerMethodField()

    class Meta(IssueSerializer.Meta):
        fields = [*IssueSerializer.Meta.fields, "attachments"]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, issue) -> list[dict]:
        files = issue.attachments.filter(update__isnull=True).select_related("uploaded_by")
        return list(AttachmentSerializer(files, many=True, context=self.context).data)


class UpdateSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    text = serializers.CharField(
        label=_("进展"),
        error_messages={"required": _("请填写进展内容。"), "blank": _("请填写进展内容。")},
    )

    attachments = AttachmentSerializer(many=True, read_only=True)
    files = serializers.ListField(
        child=serializers.FileField(),
        write_only=True,
        required=False,
        label=_("附件"),
        help_text="multipart/form-data: one `files` part per file",
    )

    department = serializers.CharField(source="department.code", read_only=True, default=None)
    notice = serializers.IntegerField(
        source="notice_id",
        required=False,
        allow_null=True,
        label=_("答复的通知"),
        help_text="the id of the issue's unanswered 催办/督办 notice this note answers "
        "(lead department)",
    )

    class Meta:
        model = IssueUpdate
        fields = [
            "id",
            "author",
            "author_name",
            "kind",
            "department",
            "text",
            "notice",
            "created_at",
            "attachments",
            "files",
        ]
        read_only_fields = ["id", "author", "author_name", "kind", "department", "created_at"]
        read_only_fields += ["attachments"]


# --- similar issues while filing (可能重复) -------------------------------------------------


class SimilarQuerySerializer(serializers.Serializer):
    """The query string of GET /api/v1/issues/similar/: the title typed so far, the chain."""

    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", trim_whitespace=True
    )
    chain = chain_field(required=False, allow_null=True, default=None)


class SimilarIssueSerializer(serializers.Serializer):
    """One open issue that looks like the title (`issues.similar.Match`)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()  # for display, as on the issue
    score = serializers.FloatField(help_text="0–1: the share of the titles' character bigrams")

    def get_state_label(self, match) -> str:
        return str(STATE_LABELS[match.state])


# --- extension requests (延期申请) --------------------------------------------------------


class ExtensionSerializer(serializers.ModelSerializer):
    """`{id, due_date, reason, state, requested_by, decided_by, note}` and, for display, more."""

    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.display_name", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)
    decided_by_name = serializers.CharField(
        source="decided_by.display_name", default=None, read_only=True
    )
    department = serializers.CharField(source="department.code", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "due_date",
            "reason",
            "state",
            "requested_by",
            "decided_by",
            "note",
            # Extras for display: not part of DESIGN's contract.
            "previous_due_date",
            "department",
            "requested_at",
            "decided_at",
            "requested_by_name",
            "decided_by_name",
            "state_label",
        ]
        read_only_fields = fields


# --- supervision notices --------------------------------------------------------------------


class NoticeSerializer(serializers.ModelSerializer):
    """`{id, kind, number, text, issued_at, reply_by, answered_at, pdf}` and, for display and
    the list across issues, the issue, the department and who issued it."""

    issue_number = serializers.CharField(source="issue.number", read_only=True)
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    department_name = serializers.CharField(source="department.name", read_only=True)
    issued_by = serializers.CharField(source="issued_by.username", read_only=True, default=None)
    status = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()
    docx = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionNotice
        fields = [
            "id",
            "kind",
            "number",
            "text",
            "issued_at",
            "reply_by",
            "answered_at",
            "pdf",
            # Extras: not part of DESIGN's contract.
            "issue",
            "issue_number",
            "department",
            "department_name",
            "issued_by",
            "automatic",
            "status",
            "docx",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["answered", "pending", "overdue"]))
    def get_status(self, notice) -> str:
        return notice.status_on()

    def _url(self, name: str, notice) -> str:
        path = reverse(name, args=[notice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_pdf(self, notice) -> str:
        return self._url("issues:notice_pdf", notice)

    def get_docx(self, notice) -> str:
        return self._url("issues:notice_docx", notice)


class NoticeCreateSerializer(serializers.Serializer):
    """What the secretariat sends: `{kind: urge|supervise, text, reply_by}`."""

    kind = serializers.ChoiceField(
        choices=SupervisionNotice.Kind.choices,
        label=_("类型"),
        error_messages={"invalid_choice": _("请选择催办或督办。")},
    )
    text = serializers.CharField(
        label=_("通知内容"),
        max_length=TEXT_MAX,  # a notice prints on one page
        style={"base_template": "textarea.html", "rows": 5},
        error_messages={
            "required": _("请填写通知内容。"),
            "blank": _("请填写通知内容。"),
            "max_length": _("通知内容不能超过%(max)d字（须一页印完）。") % {"max": TEXT_MAX},
        },
    )
    reply_by = serializers.DateField(
        label=_("答复期限"), error_messages={"required": _("请填写答复期限。")}
    )
