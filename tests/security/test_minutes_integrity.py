"""Approved minutes: a stored PDF altered on disk is never served (500, logged); approval signs
only the minutes the approver saw (a `version` changed since → 409, nothing approved)."""

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Event
from meetings.models import MeetingState
from meetings.services import approve_minutes, save_minutes, set_attendance
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def held(secretariat):
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    save_minutes(meeting, secretariat, summary="会议听取了软件产业链用工问题的汇报。")
    return meeting


def url(meeting, name="approve_minutes"):
    return f"/api/v1/meetings/{meeting.pk}/transitions/{name}/"


# --- the stored PDF is checked on every download -------------------------------------------------


def test_an_altered_pdf_is_refused_and_logged(client, leader, held, secretariat, caplog):
    approve_minutes(held, secretariat)
    held.refresh_from_db()
    client.force_login(leader)
    pdf_url = reverse("meetings:minutes_pdf", args=[held.pk])
    assert client.get(pdf_url).status_code == 200
    with held.minutes.pdf.open("r+b") as handle:  # one byte changed on the disk
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 1]))

    with caplog.at_level(logging.ERROR, logger="liaison.security"):
        response = client.get(pdf_url)

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "校验未通过" in response.content.decode() and "SHA-256" in response.content.decode()
    assert held.minutes.pdf_sha256 in caplog.text and "refused" in caplog.text
    row = AuditEvent.objects.get(event=Event.DOWNLOAD, detail__startswith="refused")
    assert row.user == leader and row.object_id == str(held.minutes.pk)


def test_a_missing_pdf_is_refused_too(client, leader, held, secretariat, caplog):
    approve_minutes(held, secretariat)
    held.refresh_from_db()
    held.minutes.pdf.storage.delete(held.minutes.pdf.name)
    client.force_login(leader)

    with caplog.at_level(logging.ERROR, logger="liaison.security"):
        response = client.get(reverse("meetings:minutes_pdf", args=[held.pk]))

    assert response.status_code == 500
    assert "missing" in caplog.text


# --- approval checks the version the approver saw ------------------------------------------------


def seen_version(api, meeting):
    return api.get(f"/api/v1/meetings/{meeting.pk}/").json()["minutes"]["version"]


def test_approval_of_minutes_changed_since_they_were_read_is_refused(api, secretariat, held):
    api.as_user(secretariat)
    version = seen_version(api, held)
    save_minutes(held, secretariat, summary="另一位工作人员刚刚改了概述。")

    response = api.post(url(held), {"version": version}, format="json")

    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    held.refresh_from_db()
    assert held.state == MeetingState.HELD and held.minutes.pdf_sha256 == ""


def test_attendance_changed_since_counts_as_a_change(api, secretariat, held):
    api.as_user(secretariat)
    version = seen_version(api, held)
    set_attendance(held, secretariat, [{"name": "李强", "organisation": "市人社局"}])

    assert api.post(url(held), {"version": version}, format="json").status_code == 409


def test_approval_of_the_version_read_succeeds(api, secretariat, held):
    api.as_user(secretariat)
    version = seen_version(api, held)

    response = api.post(url(held), {"version": version}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == MeetingState.MINUTES_APPROVED


def test_if_match_header_works_like_the_field(api, secretariat, held):
    api.as_user(secretariat)
    stale = seen_version(api, held)
    save_minutes(held, secretariat, summary="又改了。")
    assert api.post(url(held), {}, format="json", HTTP_IF_MATCH=f'"{stale}"').status_code == 409
    fresh = seen_version(api, held)
    assert api.post(url(held), {}, format="json", HTTP_IF_MATCH=f'"{fresh}"').status_code == 200


def test_without_a_version_approval_still_works(api, secretariat, held):
    """Programs written before the version existed keep working."""
    response = api.as_user(secretariat).post(url(held), {}, format="json")
    assert response.status_code == 200


def test_the_web_form_sends_the_version_and_a_stale_one_is_refused(client, secretariat, held):
    client.force_login(secretariat)
    page = client.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    version = seen_version_from(page)
    save_minutes(held, secretariat, summary="另一位工作人员刚刚改了概述。")

    response = client.post(
        reverse("meetings:transition", args=[held.pk, "approve_minutes"]), {"version": version}
    )

    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    held.refresh_from_db()
    assert held.state == MeetingState.HELD


def seen_version_from(page: str) -> str:
    marker = 'name="version" value="'
    assert marker in page, "the approve form carries the version"
    return page.split(marker, 1)[1].split('"', 1)[0]
