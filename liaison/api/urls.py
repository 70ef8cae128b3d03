"""/api/v1/: the schema and docs, and each app's endpoints from its own `api_urls` module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include("organisation.api_urls")),
    path("", include("issues.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("notifications.api_urls")),
]
