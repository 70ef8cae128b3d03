from django.urls import path

from notifications import api

urlpatterns = [
    path("notifications/", api.NotificationList.as_view(), name="notifications"),
    path(
        "notifications/read-all/", api.NotificationReadAll.as_view(), name="notifications_read_all"
    ),
    path("notifications/<int:pk>/read/", api.NotificationRead.as_view(), name="notification_read"),
]
