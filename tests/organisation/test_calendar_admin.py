"""The secretariat keeps the calendar in the admin (a new year's notice each December)."""

from datetime import date

import pytest

from organisation.calendar import is_working_day
from organisation.models import CalendarDay, User
from organisation.reference import secretariat_group
from tests.conftest import make_user
from tests.foundation.test_admin import ENGLISH, visible_text

pytestmark = pytest.mark.django_db

URL = "/admin/organisation/calendarday/"


@pytest.fixture
def wang(client):
    wang = make_user("wang", User.Role.SECRETARIAT, name="王芳")
    wang.is_staff = True
    wang.save()
    wang.groups.add(secretariat_group())
    client.force_login(wang)
    return wang


def test_the_list_filters_by_year(client, wang):
    page = client.get(URL, {"year": "2026"})
    assert page.status_code == 200
    shown = list(page.context["cl"].result_list)
    assert len(shown) == 33 + 6
    assert {d.date.year for d in shown} == {2026}
    assert "?year=2027" in page.content.decode()


def test_the_secretariat_enters_a_tiaoxiu_working_day(client, wang):
    assert not is_working_day(date(2027, 2, 20))  # a Saturday
    response = client.post(
        URL + "add/",
        {"date": "2027-02-20", "kind": "workday", "name": "春节", "source": "示例通知"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(date=date(2027, 2, 20))
    assert day.history.get().history_user == wang
    assert is_working_day(date(2027, 2, 20))


def test_the_secretariat_corrects_and_deletes_a_date(client, wang):
    day = CalendarDay.objects.get(date=date(2027, 10, 3))
    response = client.post(
        f"{URL}{day.pk}/change/",
        {"date": "2027-10-03", "kind": "holiday", "name": "国庆节", "source": "正式通知"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.source, day.is_provisional) == ("正式通知", False)
    assert client.post(f"{URL}{day.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not CalendarDay.objects.filter(date=date(2027, 10, 3)).exists()


def test_a_date_is_entered_once(client, wang):
    response = client.post(URL + "add/", {"date": "2026-10-01", "kind": "workday", "name": "x"})
    assert response.status_code == 200
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).kind == "holiday"


def test_department_staff_may_not(client, hrss_staff):
    hrss_staff.is_staff = True
    hrss_staff.save()
    client.force_login(hrss_staff)
    assert client.get(URL).status_code == 403


def test_the_calendar_pages_are_in_chinese(client, wang):
    day = CalendarDay.objects.get(date=date(2026, 10, 10))
    pages = [URL, URL + "add/", f"{URL}{day.pk}/change/", f"{URL}{day.pk}/history/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert [word for word in ENGLISH if word in text] == [], url
    listing = visible_text(client.get(URL, {"year": "2026"}).content.decode())
    assert "调休上班" in listing and "年度" in listing and "暂定" in listing
    assert "工作日历" in visible_text(client.get("/admin/").content.decode())
