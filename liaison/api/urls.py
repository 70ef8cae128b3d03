"""/api/v1/: each app adds its endpoints through its own `api_urls` module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from liaison.api import views

urlpatterns = [
    path("auth/token/", views.ObtainToken.as_view(), name="token"),
    path("me/", views.Me.as_view(), name="me"),
    path("unions/", views.UnionList.as_view(), name="unions"),
    path("chains/", views.ChainList.as_view(), name="chains"),
    path("departments/", views.DepartmentList.as_view(), name="departments"),
    path("categories/", views.CategoryList.as_view(), name="categories"),
    path("measures/", views.MeasureList.as_view(), name="measures"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include("issues.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("oversight.api_urls")),
]
