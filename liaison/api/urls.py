"""/api/v1/: the schema and docs, and each app's endpoints from its own `api_urls` module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's initialiser as a script file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("organisation.api_urls")),
    path("", include("issues.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("notifications.api_urls")),
]
