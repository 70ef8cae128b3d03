"""GET /api/v1/calendar/{year}/ and the reference fields the deadlines use."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

HOLIDAYS_2026 = [
    *["2026-01-01", "2026-01-02", "2026-01-03"],
    *[f"2026-02-{d}" for d in range(15, 24)],
    *["2026-04-04", "2026-04-05", "2026-04-06"],
    *[f"2026-05-0{d}" for d in range(1, 6)],
    *["2026-06-19", "2026-06-20", "2026-06-21"],
    *["2026-09-25", "2026-09-26", "2026-09-27"],
    *[f"2026-10-0{d}" for d in range(1, 8)],
]
WORKDAYS_2026 = [
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
]


def test_the_calendar_of_2026(api, software_officer):
    response = api.as_user(software_officer).get("/api/v1/calendar/2026/")
    assert response.status_code == 200
    assert response.json() == {"year": 2026, "holidays": HOLIDAYS_2026, "workdays": WORKDAYS_2026}


def test_2027_holds_the_statutory_days_until_the_notice(api, hrss_staff):
    days = api.as_user(hrss_staff).get("/api/v1/calendar/2027/").json()
    assert days["workdays"] == []
    assert {"2027-02-05", "2027-02-08", "2027-04-05", "2027-06-09", "2027-09-15"} <= set(
        days["holidays"]
    )
    assert len(days["holidays"]) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 days of the 办法


def test_a_signed_in_browser_may_read_it(client, leader):
    client.force_login(leader)
    assert client.get("/api/v1/calendar/2025/").json()["workdays"][0] == "2025-01-26"


def test_anonymous_gets_401():
    assert APIClient().get("/api/v1/calendar/2026/").status_code == 401


def test_a_year_not_entered_is_404_in_the_users_language(api, secretariat):
    response = api.as_user(secretariat).get("/api/v1/calendar/2030/")
    assert response.status_code == 404
    assert "工作日历" in str(response.json())


def test_categories_carry_default_days(api, software_officer):
    categories = api.as_user(software_officer).get("/api/v1/categories/").json()
    days = {c["code"]: c["default_days"] for c in categories}
    assert days["recruitment"] == 10 and days["rights"] == 5
    assert all(1 <= d <= 30 for d in days.values())


def test_departments_carry_their_leader_but_not_the_address(api, software_officer):
    departments = api.as_user(software_officer).get("/api/v1/departments/").json()
    hrss = next(d for d in departments if d["code"] == "hrss")
    assert (hrss["leader_name"], hrss["leader_title"]) == ("孙丽娟", "分管副局长")
    assert "leader_email" not in hrss
