"""/api/v1/ sign-in, the person, the reference data and the working-day calendar (included under the `api` namespace)."""

from django.urls import path

from organisation import api

urlpatterns = [
    path("auth/token/", api.ObtainToken.as_view(), name="token"),
    path("me/", api.Me.as_view(), name="me"),
    path("unions/", api.UnionList.as_view(), name="unions"),
    path("chains/", api.ChainList.as_view(), name="chains"),
    path("departments/", api.DepartmentList.as_view(), name="departments"),
    path("categories/", api.CategoryList.as_view(), name="categories"),
    path("measures/", api.MeasureList.as_view(), name="measures"),
    path("calendar/<int:year>/", api.CalendarYear.as_view(), name="calendar-year"),
]
