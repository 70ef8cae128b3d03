"""The issues part of the v1 API (DESIGN "Public API (v1)").

Thin views: every issue is fetched through `issue_for` (404 when invisible), every change goes
through `issues.services`, whose exceptions `liaison.api.errors` turns into 400/403/409.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from issues import extensions, notices
from issues import serializers as s
from issues.attachments import attachment_response, store_attachment, validate_upload
from issues.filters import IssueFilter, most_overdue_first
from issues.models import Attachment, ExtensionRequest, Issue, IssueUpdate, SupervisionNotice
from issues.permissions import may_file, may_post_update
from issues.services import (
    AlreadyFiled,
    check_transition,
    issue_for,
    perform_transition,
    post_update,
    raise_issue,
)
from issues.similar import similar_issues
from issues.transitions import TRANSITIONS, ExtensionDecisionInput, ExtensionRequestInput
from liaison.access import RulePermission
from liaison.storage import atomic_with_files
from organisation.models import Department

ORDERING = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    description="raised_at, due_date or number; prefix - for descending; -days_overdue: "
    "the most overdue first (overdue issues by due date, then the others)",
    enum=[
        "raised_at",
        "-raised_at",
        "due_date",
        "-due_date",
        "number",
        "-number",
        "-days_overdue",
    ],
)

IDEMPOTENCY_KEY_LENGTH = Issue._meta.get_field("submission_key").max_length
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="files at most once per key and user; a repeat answers 200 with that issue",
)


class StableOrdering(OrderingFilter):
    """The requested order, then newest first: pages never overlap or skip issues on ties.

    Issues without a due date sort last either way, on SQLite as on PostgreSQL.
    """

    def filter_queryset(self, request, queryset, view):
        if request.query_params.get(self.ordering_param) == "-days_overdue":
            return most_overdue_first(queryset)
        ordering = [t for t in self.get_ordering(request, queryset, view) or [] if t != "-pk"]
        if ordering in (["-raised_at"], ["raised_at"]):
            # Plain terms, the primary key the same way: the index's order (issue_newest_idx)
            # and a keyset for the next page's cursor (liaison.pagination).
            return queryset.order_by(ordering[0], ordering[0].replace("raised_at", "pk"))
        terms = [_order_term(term) for term in ordering if term.lstrip("-") != "pk"]
        return queryset.order_by(*terms, "-raised_at", "-pk")


def _order_term(term: str):
    """NULLS LAST only where a column has NULLs (due_date): on a NOT NULL column it would keep
    PostgreSQL from reading the order off an index."""
    name = term.lstrip("-")
    if not Issue._meta.get_field(name).null:
        return term
    return F(name).desc(nulls_last=True) if term.startswith("-") else F(name).asc(nulls_last=True)


@extend_schema_view(
    get=extend_schema(
        summary="Issues visible to you, filtered and paginated", parameters=[ORDERING]
    ),
    post=extend_schema(
        summary="File an issue (the chain's current officer)",
        description="An optional `Idempotency-Key` header (up to 64 characters) files once: "
        "the same key from the same user again answers 200 with the issue filed the first time.",
        parameters=[IDEMPOTENCY_KEY],
        request=s.IssueCreateSerializer,
        responses={201: s.IssueSerializer, 200: s.IssueSerializer},
    ),
)
class IssueList(generics.ListCreateAPIView):
    serializer_class = s.IssueSerializer
    filter_backends = [DjangoFilterBackend, StableOrdering]
    filterset_class = IssueFilter
    ordering_fields = ["raised_at", "due_date", "number"]
    ordering = ["-raised_at", "-pk"]

    def get_queryset(self):
        return (
            Issue.objects.visible_to(self.request.user)
            .with_related()
            .with_co_departments()
            .with_extension_count()
            .with_notice_count()
        )

    def create(self, request, *args, **kwargs):
        # Officers and the secretariat (代录) file: anyone else hears "not for your role"
        # before any field check.
        if not may_file(request.user):
            raise PermissionDenied(_("只有产业链的在任联络员可以提出问题。"))
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_LENGTH:
            raise ValidationError(
                {
                    "Idempotency-Key": [
                        _("Idempotency-Key 不能超过 %(limit)d 个字符。")
                        % {"limit": IDEMPOTENCY_KEY_LENGTH}
                    ]
                }
            )
        data = s.IssueCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer: int = status.HTTP_201_CREATED
        try:
            issue = raise_issue(request.user, submission_key=key, **data.validated_data)
        except AlreadyFiled as exc:
            # A retry of a filing that went through: the same issue, nothing filed twice.
            issue, answer = exc.issue, status.HTTP_200_OK
        body = s.IssueSerializer(
            issue_for(request.user, issue.pk), context={"request": request}
        ).data
        return Response(body, status=answer)


@extend_schema(summary="One issue")
class IssueDetail(generics.RetrieveAPIView):
    serializer_class = s.IssueDetailSerializer

    def get_object(self):
        return issue_for(self.request.user, self.kwargs["pk"])


class IssueTransition(APIView):
    # JSON, or multipart when a resolution carries reply letters (`files`).
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Take one transition of the state machine",
        description=", ".join(TRANSITIONS) + "; the body carries that transition's inputs.",
        parameters=[
            OpenApiParameter(
                "name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(TRANSITIONS)
            )
        ],
        # One of the transitions' own input serializers, as the table names them.
        request=PolymorphicProxySerializer(
            component_name="IssueTransitionInput",
            serializers=[t.inputs for t in TRANSITIONS.values()],
            resource_type_field_name=None,
        ),
        responses={200: s.IssueSerializer},
    )
    def post(self, request, pk: int, name: str):
        if name not in TRANSITIONS:
            raise Http404
        issue = issue_for(request.user, pk)
        # Role (403) and state (409) come before the body (400): the answer names the real obstacle.
        check_transition(issue, name, request.user)
        data = TRANSITIONS[name].inputs(data=request.data)
        data.is_valid(raise_exception=True)
        perform_transition(issue, name, request.user, **data.validated_data)
        fresh = issue_for(request.user, pk)
        return Response(s.IssueSerializer(fresh, context={"request": request}).data)


class SimilarIssues(APIView):
    """While filing: open issues whose title looks like the one typed (可能重复)."""

    @extend_schema(
        summary="Up to 5 open issues visible to you whose title looks like `title`, best first",
        description="Never withdrawn, merged or verified ones; a title under 2 characters "
        "answers []. `chain` (a chain code) narrows to that chain.",
        parameters=[s.SimilarQuerySerializer],
        responses={200: s.SimilarIssueSerializer(many=True)},
    )
    def get(self, request):
        query = s.SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        matches = similar_issues(request.user, **query.validated_data)
        return Response(s.SimilarIssueSerializer(matches, many=True).data)


@extend_schema(summary="The issue's history, oldest first")
class IssueHistory(generics.ListAPIView):
    serializer_class = s.HistorySerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Issue.history.none()
        issue = issue_for(self.request.user, self.kwargs["pk"])
        return issue.history.select_related("history_user", "department").order_by(
            "history_date", "history_id"
        )


@extend_schema_view(
    get=extend_schema(summary="Progress notes, oldest first"),
    post=extend_schema(
        summary="Post a progress note (handling department or secretariat); "
        "files as multipart `files` parts"
    ),
)
class IssueUpdates(generics.ListCreateAPIView):
    serializer_class = s.UpdateSerializer
    pagination_class = None
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IssueUpdate.objects.none()
        issue = issue_for(self.request.user, self.kwargs["pk"])
        files = Attachment.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")
        return issue.updates.select_related("author").prefetch_related(
            Prefetch("attachments", files)
        )

    def create(self, request, *args, **kwargs):
        issue = issue_for(request.user, self.kwargs["pk"])
        if not may_post_update(request.user, issue):
            raise PermissionDenied(_("只有承办部门、协办部门、秘书处和领导可以填写意见。"))
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        uploads = data.validated_data.get("files", [])
        # Every file is checked before anything is written: a refused file leaves no note behind.
        errors = []
        for upload in uploads:
            try:
                validate_upload(upload)
            except DjangoValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError({"files": errors})
        with atomic_with_files():  # a full disk: 503, no note, no file (liaison/storage.py)
            update = post_update(
                issue,
                request.user,
                data.validated_data["text"],
                notice=data.validated_data.get("notice_id"),
            )
            for upload in uploads:
                store_attachment(issue, upload, request.user, update=update)
        update = self.get_queryset().get(pk=update.pk)
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)


class IssueAttachment(APIView):
    """Download one file of an issue: only for those who may see the issue (404 otherwise)."""

    @extend_schema(
        summary="Download an attachment",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk: int, attachment_pk: int):
        issue = issue_for(request.user, pk)
        attachment = issue.attachments.filter(pk=attachment_pk).first()
        if attachment is None:
            raise Http404(_("附件不存在。"))
        return attachment_response(attachment)


# --- extension requests (延期申请): the rules are issues.extensions ---------------------------


def _extensions_of(issue: Issue):
    return issue.extensions.select_related("requested_by", "decided_by", "department")


@extend_schema_view(
    get=extend_schema(summary="Extension requests (延期申请) of the issue, oldest first"),
    post=extend_schema(
        summary="Ask for a later due date (staff of the lead department, issue accepted)",
        description="One pending request per issue, at most LIAISON_MAX_EXTENSIONS approved "
        "(409 otherwise); due_date later than the current due date and not in the past (400).",
        request=ExtensionRequestInput,
        responses={201: s.ExtensionSerializer},
    ),
)
class IssueExtensions(generics.ListCreateAPIView):
    serializer_class = s.ExtensionSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExtensionRequest.objects.none()
        return _extensions_of(issue_for(self.request.user, self.kwargs["pk"]))

    def create(self, request, *args, **kwargs):
        issue = issue_for(request.user, self.kwargs["pk"])
        # Role (403) and state (409) before the body (400), as for transitions.
        extensions.check_request(issue, request.user)
        data = ExtensionRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        extension = extensions.request_extension(issue, request.user, **data.validated_data)
        body = s.ExtensionSerializer(_extensions_of(issue).get(pk=extension.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class IssueExtensionDecision(APIView):
    @extend_schema(
        summary="Approve or reject a pending extension request (secretariat)",
        operation_id="issues_extensions_decide",
        description="approve: the issue's due date becomes the requested one (history row "
        "`extend`); reject: a note is required (history row `extension_rejected`).",
        parameters=[
            OpenApiParameter(
                "decision", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(extensions.DECISIONS)
            )
        ],
        request=ExtensionDecisionInput,
        responses={200: s.ExtensionSerializer},
    )
    def post(self, request, pk: int, eid: int, decision: str):
        if decision not in extensions.DECISIONS:
            raise Http404
        issue = issue_for(request.user, pk)
        extensions.check_decision(issue, eid, request.user)
        data = ExtensionDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        extensions.decide(issue, eid, request.user, decision, **data.validated_data)
        return Response(s.ExtensionSerializer(_extensions_of(issue).get(pk=eid)).data)


# --- supervision notices (催办/督办) ---------------------------------------------------------


@extend_schema_view(
    get=extend_schema(summary="The issue's supervision notices (催办/督办), oldest first"),
    post=extend_schema(
        summary="Issue a 催办 or 督办 notice (secretariat; assigned or accepted issues)",
        request=s.NoticeCreateSerializer,
        responses={201: s.NoticeSerializer},
    ),
)
class IssueNotices(generics.ListCreateAPIView):
    serializer_class = s.NoticeSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupervisionNotice.objects.none()
        issue = issue_for(self.request.user, self.kwargs["pk"])
        return issue.notices.select_related("issue", "department", "issued_by")

    def create(self, request, *args, **kwargs):
        issue = issue_for(request.user, self.kwargs["pk"])
        notices.check_may_issue(request.user)  # 403 before the body is read
        data = s.NoticeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = notices.issue_notice(issue, request.user, **data.validated_data)
        body = self.get_serializer(notices.notice_for(request.user, notice.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SupervisionNotice.Kind.choices)
    department = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=Department.objects.all()
    )
    # answered=true: answered_at set (exclude the unset ones); answered=false: not yet.
    answered = django_filters.BooleanFilter(
        field_name="answered_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = SupervisionNotice
        fields = ["kind", "department", "answered"]


@extend_schema(summary="Every supervision notice you may see, newest first")
class NoticeList(generics.ListAPIView):
    serializer_class = s.NoticeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NoticeFilter
    permission_classes = [IsAuthenticated, RulePermission]
    permission_required = "issues.list_notices"
    permission_message = gettext_lazy("您的账号尚未分配角色，不能查看督办通知。")

    def get_queryset(self):
        return (
            SupervisionNotice.objects.listed_for(self.request.user)
            .select_related("issue", "department", "issued_by")
            .order_by("-issued_at", "-pk")
        )
