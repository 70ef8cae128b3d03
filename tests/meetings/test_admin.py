"""The admin shows meetings but changes nothing (changes go through the services)."""

from datetime import date

import pytest

from meetings.models import Minutes
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


def test_admin_pages_open_read_only(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.gov.cn", "pw")
    meeting = make_meeting(date(2024, 11, 24))
    minutes = Minutes.objects.create(meeting=meeting, summary="纪要")
    client.force_login(admin)
    assert client.get("/admin/meetings/meeting/").status_code == 200
    r = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/")
    assert r.status_code == 200 and "2024年第1次产业链联络员会议" in r.content.decode()
    assert client.get(f"/admin/meetings/minutes/{minutes.pk}/change/").status_code == 200
    assert client.get("/admin/meetings/meeting/add/").status_code == 403
    r = client.post(f"/admin/meetings/meeting/{meeting.pk}/change/", {"location": "别处"})
    assert r.status_code == 403
