"""The per-person calendar feed key: /api/v1/me/ gives its URL; it opens the feed and nothing
else; resetting it on the profile page revokes the old address; ?token= is not accepted."""

from datetime import date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


def test_calendar_url_of_me_opens_the_feed(api, software_officer, client):
    make_meeting(date(2030, 3, 1))
    url = api.as_user(software_officer).get("/api/v1/me/").json()["calendar_url"]
    assert url.startswith("http://testserver/meetings.ics?feed=")
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    # Asking again gives the same address: calendar clients keep their subscription.
    assert api.get("/api/v1/me/").json()["calendar_url"] == url


def test_the_api_token_is_no_longer_accepted_on_the_feed(client, software_officer):
    token = Token.objects.create(user=software_officer)
    assert client.get(f"/meetings.ics?token={token.key}").status_code == 401


def test_the_feed_key_grants_nothing_else(client, software_officer):
    key = software_officer.feed_key()
    as_token = APIClient()
    as_token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert as_token.get("/api/v1/me/").status_code == 401
    assert as_token.get("/api/v1/issues/").status_code == 401
    for path in ["/", "/issues/", "/meetings/", "/api/v1/issues/", "/issues/export.xlsx"]:
        response = client.get(f"{path}?feed={key}")
        assert response.status_code in (302, 401, 403), path
        assert "_auth_user_id" not in client.session
    assert APIClient().get(f"/api/v1/me/?feed={key}").status_code == 401


def test_resetting_the_key_revokes_the_old_address(client, software_officer):
    old = software_officer.feed_key()
    client.force_login(software_officer)
    page = client.get("/accounts/profile/")
    assert old in page.content.decode()
    assert client.post("/accounts/profile/feed/").status_code == 302
    software_officer.refresh_from_db()
    new = software_officer.calendar_feed_key
    assert new and new != old
    client.logout()
    assert client.get(f"/meetings.ics?feed={old}").status_code == 401
    assert client.get(f"/meetings.ics?feed={new}").status_code == 200


def test_an_inactive_persons_key_stops_working(client, software_officer):
    key = software_officer.feed_key()
    software_officer.is_active = False
    software_officer.save()
    assert client.get(f"/meetings.ics?feed={key}").status_code == 401


def test_the_profile_page_is_linked_from_the_user_menu(client, software_officer):
    client.force_login(software_officer)
    assert 'href="/accounts/profile/"' in client.get("/").content.decode()


def test_the_feed_key_reset_wants_post(client, software_officer):
    client.force_login(software_officer)
    assert client.get("/accounts/profile/feed/").status_code == 405
