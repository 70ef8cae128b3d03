"""API authentication: token for programs, session for the browser, 401 for nobody."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_token_for_username_and_password(software_officer):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "zhang", "password": "pw-zhang"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "zhang"
    # Asking again gives the same token: a program may re-authenticate at every start.
    again = APIClient().post("/api/v1/auth/token/", {"username": "zhang", "password": "pw-zhang"})
    assert again.json()["token"] == token


def test_bad_password_is_400_with_a_message(software_officer):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "zhang", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["用户名或密码不正确。"]}


def test_bad_password_message_in_english():
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Wrong username or password."]}


def test_missing_fields_are_field_errors():
    response = APIClient().post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_an_inactive_person_gets_no_token(software_officer):
    software_officer.is_active = False
    software_officer.save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "zhang", "password": "pw-zhang"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path", ["/api/v1/me/", "/api/v1/unions/", "/api/v1/chains/", "/api/v1/departments/"]
)
def test_no_token_is_401(path):
    response = APIClient().get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get("/api/v1/me/").status_code == 401


def test_the_browser_session_works(client, hrss_staff):
    client.force_login(hrss_staff)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["department"] == "hrss"
