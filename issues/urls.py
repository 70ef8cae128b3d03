from django.urls import path

from issues import notice_views, views

app_name = "issues"

urlpatterns = [
    path("issues/", views.issue_list, name="list"),
    path("issues/new/", views.issue_new, name="new"),
    path("issues/<int:pk>/", views.issue_detail, name="detail"),
    path("issues/<int:pk>/transitions/<slug:name>/", views.issue_transition, name="transition"),
    path("issues/<int:pk>/updates/", views.issue_post_update, name="post_update"),
    path("issues/<int:pk>/extensions/", views.extension_request, name="extension_request"),
    path(
        "issues/<int:pk>/extensions/<int:eid>/<slug:decision>/",
        views.extension_decision,
        name="extension_decision",
    ),
    path("issues/<int:pk>/notices/", notice_views.notice_create, name="notice_create"),
    path("notices/<int:pk>.pdf", notice_views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>.docx", notice_views.notice_docx_download, name="notice_docx"),
    path(
        "issues/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "issues/<int:pk>/attachments/<int:attachment_pk>/image/",
        views.attachment_image,
        name="attachment_image",
    ),
]
