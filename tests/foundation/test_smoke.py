import pytest

pytestmark = pytest.mark.django_db


def test_me_returns_role_and_chains(api, software_officer):
    response = api.as_user(software_officer).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["role"] == "officer"
    assert response.json()["chains"] == ["software"]


def test_anonymous_api_is_401(api):
    assert api.get("/api/v1/me/").status_code == 401
