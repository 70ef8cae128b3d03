"""/api/v1/meetings/… (included by liaison.api.urls under the `api` namespace)."""

from django.urls import path

from meetings import api

urlpatterns = [
    path("meetings/", api.MeetingList.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", api.MeetingDetail.as_view(), name="meeting-detail"),
    path(
        "meetings/<int:pk>/agenda/generate/",
        api.AgendaGenerate.as_view(),
        name="meeting-agenda-generate",
    ),
    path(
        "meetings/<int:pk>/transitions/<str:name>/",
        api.MeetingTransition.as_view(),
        name="meeting-transition",
    ),
    path(
        "meetings/<int:pk>/attendance/", api.AttendanceReplace.as_view(), name="meeting-attendance"
    ),
    path("meetings/<int:pk>/minutes/", api.MinutesView.as_view(), name="meeting-minutes"),
    path("decisions/", api.DecisionList.as_view(), name="decision-list"),
    path(
        "decisions/<int:pk>/<str:name>/",
        api.DecisionTransition.as_view(),
        name="decision-transition",
    ),
]
