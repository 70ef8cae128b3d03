"""/meetings.ics: outside /api/v1/ so that calendar clients can subscribe to a plain URL."""

from django.urls import path

from meetings.ical import meetings_ics

urlpatterns = [
    path("meetings.ics", meetings_ics, name="meetings-ics"),
]
