from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_create, name="create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:pk>/transitions/<slug:name>/", views.meeting_transition, name="transition"),
    path("meetings/<int:pk>/agenda/generate/", views.generate_agenda, name="generate_agenda"),
    path("meetings/<int:pk>/agenda/items/", views.add_item, name="add_item"),
    path("meetings/<int:pk>/agenda/items/<int:item_pk>/", views.edit_item, name="edit_item"),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/move/<str:direction>/",
        views.move_item,
        name="move_item",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/delete/",
        views.delete_item,
        name="delete_item",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/restore/",
        views.restore_item,
        name="restore_item",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/issues/<int:issue_pk>/remove/",
        views.remove_issue,
        name="remove_issue",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/issues/<int:issue_pk>/restore/",
        views.restore_issue,
        name="restore_issue",
    ),
    path("meetings/<int:pk>/attendance/", views.save_attendance, name="attendance"),
    path("meetings/<int:pk>/attendance/usual/", views.fill_attendance, name="fill_attendance"),
    path("meetings/<int:pk>/minutes/", views.save_minutes, name="minutes"),
    path("meetings/<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/agenda.docx", views.agenda_docx, name="agenda_docx"),
    path("meetings/<int:pk>/minutes.docx", views.minutes_docx, name="minutes_docx"),
]
