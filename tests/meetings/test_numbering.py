"""Titles and numbering of meetings: 2024年第3次产业链联络员会议, one annual meeting a year."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from meetings.models import Kind, Meeting

BEIJING = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=BEIJING)


def test_regular_meetings_are_numbered_per_year_with_a_generated_title():
    first = Meeting.objects.create(kind=Kind.REGULAR, scheduled_at=at(2024, 3, 1))
    second = Meeting.objects.create(kind=Kind.REGULAR, scheduled_at=at(2024, 5, 1))
    third = Meeting.objects.create(kind=Kind.REGULAR, scheduled_at=at(2024, 11, 24))
    next_year = Meeting.objects.create(kind=Kind.REGULAR, scheduled_at=at(2025, 1, 10))
    assert [first.number, second.number, third.number, next_year.number] == [1, 2, 3, 1]
    assert third.title == "2024年第3次产业链联络员会议"
    assert third.number_label == "〔2024〕3号"
    assert next_year.title == "2025年第1次产业链联络员会议"


def test_the_year_is_the_beijing_date_of_the_meeting():
    # 2024-12-31 20:00 UTC is already 2025-01-01 in Beijing.
    meeting = Meeting.objects.create(
        kind=Kind.REGULAR, scheduled_at=datetime(2024, 12, 31, 20, tzinfo=ZoneInfo("UTC"))
    )
    assert meeting.year == 2025


def test_a_given_title_is_kept():
    meeting = Meeting.objects.create(
        kind=Kind.REGULAR, scheduled_at=at(2024, 3, 1), title="软件产业链专题联络员会议"
    )
    assert meeting.title == "软件产业链专题联络员会议"
    assert meeting.number == 1
    meeting.location = "市总工会二楼会议室"
    meeting.save()
    assert meeting.title == "软件产业链专题联络员会议"


def test_annual_meeting_title_and_one_a_year():
    annual = Meeting.objects.create(kind=Kind.ANNUAL, scheduled_at=at(2024, 12, 20))
    assert annual.title == "2024年度工会和政府联席会议"
    assert annual.number is None
    with pytest.raises(IntegrityError):
        Meeting.objects.create(kind=Kind.ANNUAL, scheduled_at=at(2024, 6, 1))


def test_moving_a_meeting_to_another_year_renumbers_it():
    Meeting.objects.create(kind=Kind.REGULAR, scheduled_at=at(2025, 2, 1))
    meeting = Meeting.objects.create(kind=Kind.REGULAR, scheduled_at=at(2024, 12, 1))
    meeting.scheduled_at = at(2025, 3, 1)
    meeting.save()
    assert (meeting.year, meeting.number, meeting.title) == (2025, 2, "2025年第2次产业链联络员会议")
