"""Sessions end after LIAISON_SESSION_IDLE_MINUTES without activity and at most 7 days after
sign-in, however active."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db


def sign_in(client):
    response = client.post("/accounts/login/", {"username": "zhang", "password": "pw-zhang"})
    assert response.status_code == 302


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_idle_sessions_end_after_the_idle_minutes(client, software_officer):
    assert settings.SESSION_COOKIE_AGE == 480 * 60
    start = timezone.now()
    with time_machine.travel(start):
        sign_in(client)
    with time_machine.travel(start + timedelta(minutes=470)):
        assert signed_in(client)  # activity renews the session …
    with time_machine.travel(start + timedelta(minutes=940)):
        assert signed_in(client)  # … 470 minutes after the last request
    with time_machine.travel(start + timedelta(minutes=940 + 481)):
        assert not signed_in(client)


def test_sessions_end_seven_days_after_sign_in_however_active(client, software_officer):
    start = timezone.now()
    with time_machine.travel(start):
        sign_in(client)
    for hours in range(6, 7 * 24, 6):
        with time_machine.travel(start + timedelta(hours=hours)):
            assert signed_in(client), hours
    with time_machine.travel(start + timedelta(days=7, hours=1)):
        assert not signed_in(client)
