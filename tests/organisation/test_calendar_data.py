"""The calendar's data file and its loading by `load_reference_data`."""

import json
from datetime import date

import pytest

from organisation.models import CalendarDay, Department, IssueCategory
from organisation.reference import CALENDAR_FILE, load_reference_data

pytestmark = pytest.mark.django_db


def test_each_year_names_its_notice():
    years = json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))["years"]
    assert [y["year"] for y in years] == [2024, 2025, 2026, 2027]
    assert [y.get("number") for y in years[:2]] == [
        "国办发明电〔2023〕7号",
        "国办发明电〔2024〕12号",
    ]
    assert "2026年部分节假日安排" in years[2]["notice"]
    assert [y["provisional"] for y in years] == [False, False, False, True]
    assert "全国年节及纪念日放假办法" in years[3]["notice"] and "lunar" in years[3]["note"]


def test_the_rows_carry_name_kind_and_source():
    spring = CalendarDay.objects.get(date=date(2026, 2, 15))
    assert (spring.kind, spring.name, spring.is_provisional) == ("holiday", "春节", False)
    assert "2026年部分节假日安排" in spring.source
    worked = CalendarDay.objects.get(date=date(2024, 2, 4))
    assert (worked.kind, worked.source) == ("workday", "国办发明电〔2023〕7号")
    assert CalendarDay.objects.get(date=date(2027, 2, 5)).is_provisional
    assert CalendarDay.objects.filter(date__year=2026, kind="holiday").count() == 33
    # Every 调休 working day is a Saturday or Sunday; every one of 2024-2026 is there.
    workdays = CalendarDay.objects.filter(kind="workday")
    assert workdays.count() == 8 + 5 + 6
    assert {d.date.weekday() for d in workdays} <= {5, 6}


def test_loading_again_writes_nothing():
    rows, history = CalendarDay.objects.count(), CalendarDay.history.count()
    assert load_reference_data()["calendar"] == 0
    assert (CalendarDay.objects.count(), CalendarDay.history.count()) == (rows, history)


def test_an_admin_edit_survives_a_reload_unless_update_is_asked():
    CalendarDay.objects.filter(date=date(2026, 10, 10)).update(name="国庆节（已更正）")
    CalendarDay.objects.filter(date=date(2026, 9, 20)).delete()
    assert load_reference_data()["calendar"] == 1  # the deleted date comes back
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).name == "国庆节（已更正）"
    assert load_reference_data(update=True)["calendar"] == 1
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).name == "国庆节"


def test_reference_data_carries_default_days_and_leaders():
    assert IssueCategory.objects.get(code="housing").default_days == 20
    market = Department.objects.get(code="market")
    assert market.leader_title == "分管副局长" and market.leader_email.endswith("@example.gov.cn")
