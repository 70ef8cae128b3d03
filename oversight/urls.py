from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notification_mark_all_read, name="notifications_read_all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", views.notification_mark_read, name="notification_read"),
    path("issues/export.xlsx", views.issues_export, name="issues_export"),
    path("meetings/decisions/<int:year>.xlsx", views.decisions_export, name="decisions_export"),
]
