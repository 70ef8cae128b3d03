"""/api/v1/issues/… (included by liaison.api.urls under the `api` namespace)."""

from django.urls import path

from issues import api

urlpatterns = [
    path("issues/", api.IssueList.as_view(), name="issue-list"),
    path("issues/similar/", api.SimilarIssues.as_view(), name="issue-similar"),
    path("issues/<int:pk>/", api.IssueDetail.as_view(), name="issue-detail"),
    path(
        "issues/<int:pk>/transitions/<str:name>/",
        api.IssueTransition.as_view(),
        name="issue-transition",
    ),
    path("issues/<int:pk>/history/", api.IssueHistory.as_view(), name="issue-history"),
    path("issues/<int:pk>/updates/", api.IssueUpdates.as_view(), name="issue-updates"),
    path("issues/<int:pk>/extensions/", api.IssueExtensions.as_view(), name="issue-extensions"),
    path(
        "issues/<int:pk>/extensions/<int:eid>/<str:decision>/",
        api.IssueExtensionDecision.as_view(),
        name="issue-extension-decision",
    ),
    path("issues/<int:pk>/notices/", api.IssueNotices.as_view(), name="issue-notices"),
    path("notices/", api.NoticeList.as_view(), name="notice-list"),
    path(
        "issues/<int:pk>/attachments/<int:attachment_pk>/",
        api.IssueAttachment.as_view(),
        name="issue-attachment",
    ),
]
