"""API tokens expire after LIAISON_TOKEN_DAYS, are revoked by DELETE /api/v1/auth/token/, and
every token of a person is revoked when their password changes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.security.conftest import STRONG

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def sign_in(username="zhang", password="pw-zhang"):
    response = APIClient().post(TOKEN, {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def client_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_expires_after_the_token_days(software_officer):
    start = timezone.now()
    with time_machine.travel(start):
        token = sign_in()
    with time_machine.travel(start + timedelta(days=29, hours=23)):
        assert client_with(token).get("/api/v1/me/").status_code == 200
    with time_machine.travel(start + timedelta(days=30, minutes=1)):
        response = client_with(token).get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json() == {"detail": "令牌已过期，请重新获取。"}
        fresh = sign_in()
    assert fresh != token
    assert client_with(fresh).get("/api/v1/me/").status_code == 200


def test_the_token_days_come_from_the_settings(settings, software_officer):
    settings.LIAISON_TOKEN_DAYS = 1
    start = timezone.now()
    with time_machine.travel(start):
        token = sign_in()
    with time_machine.travel(start + timedelta(days=1, minutes=1)):
        assert client_with(token).get("/api/v1/me/").status_code == 401


def test_delete_revokes_the_callers_token(software_officer, ai_officer):
    token, other = sign_in(), sign_in("chen", "pw-chen")
    client = client_with(token)
    assert client.delete(TOKEN).status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    assert client.delete(TOKEN).status_code == 401  # the repeat: nothing left to revoke
    assert client_with(other).get("/api/v1/me/").status_code == 200
    assert sign_in() != token


def test_delete_without_a_token_is_401():
    assert APIClient().delete(TOKEN).status_code == 401


def test_a_password_change_revokes_every_token(client, software_officer):
    token = sign_in()
    client.force_login(software_officer)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-zhang", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == 302
    assert client_with(token).get("/api/v1/me/").status_code == 401
    assert not Token.objects.filter(user=software_officer).exists()
    # The session that changed the password stays signed in.
    assert client.get("/accounts/profile/").status_code == 200


def test_a_password_set_by_the_system_administrator_revokes_the_tokens(
    client, system_admin, leader
):
    token = sign_in("liu", "pw-liu")
    client.force_login(system_admin)
    response = client.post(
        f"/admin/organisation/user/{leader.pk}/password/",
        {"password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    assert client_with(token).get("/api/v1/me/").status_code == 401


def test_revoked_on_the_profile_page(client, software_officer):
    token = sign_in()
    client.force_login(software_officer)
    assert client.post("/accounts/profile/token/").status_code == 302
    assert client_with(token).get("/api/v1/me/").status_code == 401
