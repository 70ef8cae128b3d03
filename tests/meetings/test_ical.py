"""/meetings.ics parsed back with the icalendar library."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from meetings.models import Kind, MeetingState
from meetings.services import perform_meeting_transition
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


def events(response):
    cal = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}, cal


def test_the_feed_parses_with_beijing_times_and_stable_uids(client, leader):
    regular = make_meeting(date(2024, 11, 24))
    annual = make_meeting(date(2024, 12, 20), kind=Kind.ANNUAL, state=MeetingState.MINUTES_APPROVED)
    client.force_login(leader)
    r = client.get("/meetings.ics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    got, cal = events(r)
    event = got["2024年第1次产业链联络员会议"]
    start = event.decoded("dtstart")
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert start.replace(tzinfo=None).isoformat() == "2024-11-24T14:00:00"
    assert start.astimezone(ZoneInfo("UTC")).hour == 6
    assert str(event["location"]) == "市总工会三楼会议室"
    assert str(event["status"]) == "TENTATIVE"
    assert str(got["2024年度工会和政府联席会议"]["status"]) == "CONFIRMED"
    assert any(
        c.name == "VTIMEZONE" and str(c["tzid"]) == "Asia/Shanghai" for c in cal.walk("VTIMEZONE")
    )
    uid = str(event["uid"])
    # Moving the meeting keeps its UID.
    regular.scheduled_at += timedelta(hours=2)
    regular.save()
    again, _ = events(client.get("/meetings.ics"))
    assert str(again["2024年第1次产业链联络员会议"]["uid"]) == uid
    assert uid != str(again["2024年度工会和政府联席会议"]["uid"])
    assert annual.pk


def test_a_cancelled_meeting_is_marked_cancelled(client, secretariat):
    meeting = make_meeting(date(2030, 3, 1))
    perform_meeting_transition(meeting, "cancel", secretariat, reason="改期")
    client.force_login(secretariat)
    got, _ = events(client.get("/meetings.ics"))
    assert str(got["2030年第1次产业链联络员会议"]["status"]) == "CANCELLED"


def test_calendar_clients_sign_in_with_the_feed_key(client, software_officer):
    make_meeting(date(2030, 3, 1))
    assert client.get("/meetings.ics").status_code == 401
    assert client.get("/meetings.ics?feed=wrong").status_code == 401
    key = software_officer.feed_key()
    r = client.get(f"/meetings.ics?feed={key}")
    assert r.status_code == 200 and len(events(r)[0]) == 1


def test_people_without_a_role_get_no_calendar(client, outsider):
    client.force_login(outsider)
    assert client.get("/meetings.ics").status_code == 403
