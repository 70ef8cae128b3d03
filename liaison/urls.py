from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from liaison import pwa, views
from organisation import views as organisation_views

admin.site.site_header = "助链联动工作平台 · 管理"
admin.site.site_title = "助链联动工作平台"
admin.site.index_title = "基础数据与人员管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", organisation_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", organisation_views.profile, name="profile"),
    path("accounts/profile/feed/", organisation_views.reset_feed_key, name="profile-reset-feed"),
    path("accounts/profile/token/", organisation_views.revoke_token, name="profile-revoke-token"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=organisation_views.PasswordForm),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own: its JavaScript catalogue with the Chinese Django lacks.
    path("admin/jsi18n/", views.AdminJavaScriptCatalog.as_view(packages=["django.contrib.admin"])),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("liaison.api.urls", "api"), namespace="api")),
    # The installable app: its manifest and its service worker, from the root (liaison.pwa).
    path("manifest.webmanifest", pwa.web_manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("", include("issues.urls")),
    path("", include("meetings.urls")),
    path("", include("meetings.ical_urls")),
    path("", include("meetings.decision_urls")),
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
]

# The product's own error pages (DESIGN "Public API"): liaison.views and templates/4xx|500.html.
handler400 = "liaison.views.bad_request"
handler403 = "liaison.views.permission_denied"
handler404 = "liaison.views.page_not_found"
handler500 = "liaison.views.server_error"
