"""/decisions/…: the decisions tracked to 销号 (namespace `decisions`)."""

from django.urls import path

from meetings import decision_views

app_name = "decisions"

urlpatterns = [
    path("decisions/", decision_views.decision_list, name="list"),
    path("decisions/<int:pk>/files/<int:file_pk>/", decision_views.decision_file, name="file"),
    path("decisions/<int:pk>/<slug:name>/", decision_views.decision_transition, name="transition"),
]
