"""The meetings part of the v1 API (DESIGN "Public API (v1)").

Thin views: every meeting is fetched through `meeting_for` (404 for people without a role),
or `meeting_to_change` (then 403 without the operation's rule, before the body is read: the
answer names the real obstacle); every change goes through `meetings.services`, whose
exceptions `liaison.api.errors` turns into 400/403/409. Rules: `meetings.permissions`.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.access import RulePermission
from meetings import decision_views, decisions, services
from meetings import serializers as s
from meetings.models import Decision, ItemNote, Meeting
from meetings.transitions import DECISION_TRANSITIONS, MEETING_TRANSITIONS

DETAIL_PREFETCH = [
    "agenda_items",
    "attendance",
    Prefetch("minutes__item_notes", queryset=ItemNote.objects.select_related("agenda_item")),
    Prefetch(
        "minutes__decisions",
        queryset=Decision.objects.select_related("department", "issue").prefetch_related(
            "co_departments"
        ),
    ),
]


def detail_response(request, meeting_pk: int, code=status.HTTP_200_OK) -> Response:
    meeting = (
        services.visible_meetings(request.user)
        .select_related("minutes")
        .prefetch_related(*DETAIL_PREFETCH)
        .get(pk=meeting_pk)
    )
    return Response(s.MeetingSerializer(meeting, context={"request": request}).data, status=code)


@extend_schema_view(
    get=extend_schema(summary="Meetings, upcoming first"),
    post=extend_schema(
        summary="Create a meeting (secretariat)",
        request=s.MeetingCreateSerializer,
        responses={201: s.MeetingSerializer},
    ),
)
class MeetingList(generics.ListCreateAPIView):
    serializer_class = s.MeetingSummarySerializer
    filter_backends: list = []
    # Without a role the list is empty (nothing exists for you); creating is the secretariat's.
    permission_classes = [IsAuthenticated, RulePermission]
    permission_required = {"POST": "meetings.manage"}
    permission_message = services.ROLE_MESSAGE

    def get_queryset(self):
        return services.visible_meetings(self.request.user).upcoming_first()

    def create(self, request, *args, **kwargs):
        data = s.MeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.create_meeting(request.user, **data.validated_data)
        return detail_response(request, meeting.pk, status.HTTP_201_CREATED)


@extend_schema(
    summary="One meeting with its agenda, attendance and minutes", responses=s.MeetingSerializer
)
class MeetingDetail(APIView):
    def get(self, request, pk: int):
        services.meeting_for(request.user, pk)
        return detail_response(request, pk)


@extend_schema(
    summary="(Re)build the agenda by DESIGN's rules (until it is published)",
    request=None,
    responses=s.MeetingSerializer,
)
class AgendaGenerate(APIView):
    def post(self, request, pk: int):
        meeting = services.meeting_to_change(request.user, pk, "generate_agenda")
        services.generate_agenda(meeting, request.user)
        return detail_response(request, pk)


@extend_schema(
    summary="One lifecycle transition: publish_agenda, hold, approve_minutes, cancel",
    parameters=[
        OpenApiParameter(
            "name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(MEETING_TRANSITIONS)
        )
    ],
    request=s.TransitionInputSerializer,
    responses=s.MeetingSerializer,
)
class MeetingTransition(APIView):
    def post(self, request, pk: int, name: str):
        if name not in MEETING_TRANSITIONS:
            raise Http404
        meeting = services.meeting_to_change(request.user, pk, name)
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.setdefault("version", request.headers.get("If-Match"))
        services.perform_meeting_transition(meeting, name, request.user, **fields)
        return detail_response(request, pk)


@extend_schema(
    summary="Replace the attendance list",
    request=s.AttendanceRowSerializer(many=True),
    responses=s.AttendanceSerializer(many=True),
)
class AttendanceReplace(APIView):
    def put(self, request, pk: int):
        meeting = services.meeting_to_change(request.user, pk, "set_attendance")
        # The body is the list itself, or {"attendance": [...]}.
        rows = request.data.get("attendance") if isinstance(request.data, dict) else request.data
        data = s.AttendanceRowSerializer(data=rows if rows is not None else [], many=True)
        data.is_valid(raise_exception=True)
        entries = services.set_attendance(meeting, request.user, data.validated_data)
        return Response(s.AttendanceSerializer(entries, many=True).data)


@extend_schema_view(
    get=extend_schema(
        summary="The minutes: summary, a note per agenda item, decisions",
        responses=s.MINUTES_SCHEMA,
    ),
    put=extend_schema(
        summary="Write the minutes (409 once approved)",
        request=s.MinutesInputSerializer,
        responses=s.MINUTES_SCHEMA,
    ),
)
class MinutesView(APIView):
    def get(self, request, pk: int):
        services.meeting_for(request.user, pk)
        return Response(s.minutes_data(self._fresh(pk)))

    def put(self, request, pk: int):
        meeting = services.meeting_to_change(request.user, pk, "save_minutes")
        data = s.MinutesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.save_minutes(meeting, request.user, **data.validated_data)
        return Response(s.minutes_data(self._fresh(pk)))

    @staticmethod
    def _fresh(pk: int) -> Meeting:
        return (
            Meeting.objects.select_related("minutes")
            .prefetch_related(*DETAIL_PREFETCH[2:])
            .get(pk=pk)
        )


# --- decisions tracked to 销号 ------------------------------------------------------------------


@extend_schema(
    summary="Decisions of approved minutes and where each stands (销号)",
    parameters=[
        OpenApiParameter("year", OpenApiTypes.INT, description="the meeting's year"),
        OpenApiParameter("department", OpenApiTypes.STR, description="lead department code"),
        OpenApiParameter("state", OpenApiTypes.STR, enum=list(decisions.TRACKING_STATES)),
        OpenApiParameter("overdue", OpenApiTypes.BOOL),
    ],
)
class DecisionList(generics.ListAPIView):
    serializer_class = s.TrackedDecisionSerializer
    filter_backends: list = []
    # A role reads the decisions of approved minutes; without one, the list is refused.
    permission_classes = [IsAuthenticated, RulePermission]
    permission_required = "meetings.read"
    permission_message = decision_views.READ_MESSAGE

    def get_queryset(self):
        params = self.request.query_params
        return decisions.filter_decisions(
            decisions.decisions_list(self.request.user),
            year=params.get("year"),
            department=params.get("department"),
            state=params.get("state"),
            overdue=params.get("overdue"),
        )


@extend_schema(
    summary="Report a decision done (lead department), close it (销号) or reopen it (secretariat)",
    parameters=[
        OpenApiParameter(
            "name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(DECISION_TRANSITIONS)
        )
    ],
    request=s.DecisionTransitionInputSerializer,
    responses=s.TrackedDecisionSerializer,
)
class DecisionTransition(APIView):
    def post(self, request, pk: int, name: str):
        decision = decisions.decision_to_change(request.user, pk, name)
        data = s.DecisionTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        spec = DECISION_TRANSITIONS[name]
        files = request.FILES.getlist("files") if spec.takes_files else []
        decision = decisions.perform_decision_transition(
            decision, name, request.user, text=data.validated_data[spec.field], files=files
        )
        return Response(s.TrackedDecisionSerializer(decision, context={"request": request}).data)
