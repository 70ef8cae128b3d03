"""The product's URLs plus one that fails, for the 500 page's test."""

from django.urls import path

from liaison.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("boom/", _boom), path("api/v1/boom/", _boom)]
