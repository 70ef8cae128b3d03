"""The project's URLs and two that run a query longer than the statement timeout (a page and an
API path), for tests/security/test_database_guard.py."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from liaison.urls import urlpatterns as project_urls


def slow(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("finished")  # never: the statement timeout cancels it first


urlpatterns = [path("slow/", slow), path("api/v1/slow/", slow), *project_urls]
