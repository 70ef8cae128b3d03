"""Headers: a Content-Security-Policy without inline scripts, no framing, same-origin referrers;
pages that carry no inline script or on*= handler for the policy to block; the schema and the
docs for signed-in users and token holders only."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import MeetingState
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_page_sends_the_policy_and_the_headers(client):
    response = client.get("/accounts/login/")
    csp = directives(response)
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def pages(secretariat):
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    return [
        reverse("home"),
        "/issues/",
        reverse("meetings:detail", args=[meeting.pk]),  # the formsets' "add a row" buttons
        "/meetings/",
        "/dashboard/",
        "/admin/",
        "/admin/organisation/user/add/",
        "/api/v1/docs/",
    ]


def assert_clean(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert INLINE_SCRIPT.findall(html) == [], url
    assert HANDLER.findall(html) == [], url


def test_no_page_carries_an_inline_script_or_handler(client, secretariat, software_officer):
    assert_clean(client, "/accounts/login/")
    secretariat.is_staff = secretariat.is_superuser = True
    secretariat.save()
    client.force_login(secretariat)
    for url in pages(secretariat):
        assert_clean(client, url)
    client.force_login(software_officer)
    assert_clean(client, "/issues/new/")  # its submit-once button


def test_the_swagger_initialiser_is_a_script_file(client, leader):
    client.force_login(leader)
    html = client.get("/api/v1/docs/").content.decode()
    script = re.search(r'<script src="(/api/v1/docs/\?[^"]*script[^"]*)"', html)
    assert script, "Swagger UI is started by a script file of its own"
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_schema_and_docs_answer_401_to_anonymous_programs(api):
    for url in ("/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script="):
        response = api.get(url)
        assert response.status_code == 401, url
        assert "WWW-Authenticate" in response


def test_schema_for_a_token_holder(api, hrss_staff):
    response = api.as_user(hrss_staff).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    assert "/api/v1/issues/" in response.json()["paths"]
