"""Sign-in lockout (django-axes): LIAISON_LOGIN_FAILURES failures for one username lock it for
LIAISON_LOCKOUT_MINUTES on the web form and the token endpoint alike; the right password is
refused too; the secretariat or the security administrator unlocks in the admin."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from organisation.models import SignInLock

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"


def fail_on_web(client, username="zhang", times=5):
    return [
        client.post(LOGIN, {"username": username, "password": "wrong"}).status_code
        for _ in range(times)
    ]


def fail_on_api(username="zhang", times=5):
    return [
        APIClient().post(TOKEN, {"username": username, "password": "wrong"}).status_code
        for _ in range(times)
    ]


def test_five_failures_on_the_token_endpoint_lock_the_username(software_officer):
    assert fail_on_api(times=4) == [400, 400, 400, 400]
    fifth = APIClient().post(TOKEN, {"username": "zhang", "password": "wrong"})
    assert fifth.status_code == 429
    right = APIClient().post(TOKEN, {"username": "zhang", "password": "pw-zhang"})
    assert right.status_code == 429
    assert 14 * 60 < int(right["Retry-After"]) <= 15 * 60
    assert "锁定至" in right.json()["detail"]


def test_the_web_form_says_until_when_and_refuses_the_right_password(client, software_officer):
    assert fail_on_web(client, times=4) == [200, 200, 200, 200]
    with time_machine.travel(timezone.now(), tick=False):
        until = timezone.localtime(timezone.now() + timedelta(minutes=15))
        fifth = client.post(LOGIN, {"username": "zhang", "password": "wrong"})
    assert fifth.status_code == 429
    right = client.post(LOGIN, {"username": "zhang", "password": "pw-zhang"})
    assert right.status_code == 429
    html = right.content.decode()
    assert f"账号已锁定至{until:%H:%M}" in html
    assert "_auth_user_id" not in client.session


def test_failures_on_both_paths_count_together(client, software_officer):
    assert fail_on_web(client, times=3) == [200, 200, 200]
    assert fail_on_api(times=2) == [400, 429]
    assert client.post(LOGIN, {"username": "zhang", "password": "pw-zhang"}).status_code == 429


def test_the_lock_ends_after_the_lockout_minutes(client, software_officer):
    fail_on_api(times=5)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = APIClient().post(TOKEN, {"username": "zhang", "password": "pw-zhang"})
        assert response.status_code == 200


def test_failures_spread_beyond_the_window_do_not_lock(software_officer):
    start = timezone.now()
    for minutes in (0, 20, 40, 60, 80, 100):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert fail_on_api(times=1) == [400]
    with time_machine.travel(start + timedelta(minutes=100)):
        assert (
            APIClient().post(TOKEN, {"username": "zhang", "password": "pw-zhang"}).status_code
            == 200
        )


def test_one_locked_username_does_not_lock_another(software_officer, ai_officer):
    fail_on_api(times=5)
    assert APIClient().post(TOKEN, {"username": "chen", "password": "pw-chen"}).status_code == 200


def test_the_limits_come_from_the_settings(settings, software_officer):
    settings.AXES_FAILURE_LIMIT = settings.LIAISON_LOGIN_FAILURES = 2
    assert fail_on_api(times=2) == [400, 429]


@pytest.mark.parametrize("unlocker", ["clerk", "security_admin"])
def test_unlocked_in_the_admin(client, request, unlocker, software_officer):
    fail_on_api(times=5)
    lock = SignInLock.objects.get(username="zhang")
    client.force_login(request.getfixturevalue(unlocker))
    page = client.get("/admin/organisation/signinlock/")
    assert page.status_code == 200 and "zhang" in page.content.decode()
    response = client.post(
        "/admin/organisation/signinlock/",
        {"action": "delete_selected", "_selected_action": [lock.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not SignInLock.objects.exists()
    assert APIClient().post(TOKEN, {"username": "zhang", "password": "pw-zhang"}).status_code == 200


def test_the_audit_administrator_cannot_unlock(client, audit_admin, software_officer):
    fail_on_api(times=5)
    client.force_login(audit_admin)
    assert client.get("/admin/organisation/signinlock/").status_code == 403
    assert SignInLock.objects.filter(username="zhang").exists()
