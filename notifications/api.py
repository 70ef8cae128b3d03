"""`GET /api/v1/notifications/` (the caller's own, paginated, `unread=true`) and marking read."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    issue: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    issue_number = serializers.CharField(source="issue.number", default=None, read_only=True)
    meeting: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    actor = serializers.CharField(source="actor.display_name", default=None, read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "text",
            "url",
            "items",
            "issue",
            "issue_number",
            "meeting",
            "actor",
            "created_at",
            "read_at",
            "is_read",
        ]


class NotificationList(generics.ListAPIView):
    """The signed-in person's notifications, newest first."""

    serializer_class = NotificationSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="only unread")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        mine = Notification.objects.filter(recipient_id=self.request.user.pk).select_related(
            "issue", "actor"
        )
        if self.request.query_params.get("unread", "").lower() in {"true", "1", "yes"}:
            mine = mine.unread()
        return mine


class NotificationRead(APIView):
    """Mark one notification read (idempotent); someone else's answers 404."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        note = get_object_or_404(
            Notification.objects.select_related("issue", "actor"), pk=pk, recipient=request.user
        )
        if note.read_at is None:
            note.read_at = timezone.now()
            note.save(update_fields=["read_at"])
        return Response(NotificationSerializer(note).data)


class NotificationReadAll(APIView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        return Response({"marked": Notification.objects.filter(recipient=request.user).mark_read()})
