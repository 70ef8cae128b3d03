"""Overdue and the red/yellow light, on Beijing dates whatever the server clock's zone."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from issues.models import State, today
from issues.services import perform_transition
from organisation.models import Department
from tests.issues_api.helpers import file_issue, url

pytestmark = pytest.mark.django_db

# 23:30 UTC on the 24th is 07:30 on the 25th in Beijing: "today" is the 25th.
LATE_EVENING_UTC = datetime(2024, 11, 24, 23, 30, tzinfo=UTC)
ASSIGNED_ON = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def due_on(personas):
    """`due_on(date)`: an issue assigned on 2024-11-20 with that due date."""

    def build(due: date, state: str = State.ASSIGNED):
        with time_machine.travel(ASSIGNED_ON, tick=False):
            issue = file_issue(personas["software_officer"])
            issue = perform_transition(
                issue,
                "assign",
                personas["secretariat"],
                department=Department.objects.get(code="hrss"),
                due_date=due,
            )
            # Signed for at once: these tests are about the due date, not the 签收 window.
            issue = perform_transition(issue, "accept", personas["hrss_staff"])
            if state == State.RESOLVED:
                issue = perform_transition(
                    issue, "resolve", personas["hrss_staff"], resolution="已办结"
                )
        return issue

    return build


def light(api, user, issue):
    body = api.as_user(user).get(url(issue)).json()
    return body["warning"], body["is_overdue"]


def test_today_is_the_beijing_date():
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        assert today() == date(2024, 11, 25)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2024, 11, 24), ("red", True)),  # yesterday in Beijing, though still the 24th in UTC
        (date(2024, 11, 25), ("yellow", False)),  # due today
        (date(2024, 11, 28), ("yellow", False)),  # due in 3 days
        (date(2024, 11, 29), (None, False)),  # due in 4 days
    ],
)
def test_warning_boundaries(api, personas, due_on, due, expected):
    issue = due_on(due)
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        assert light(api, personas["secretariat"], issue) == expected


def test_overdue_begins_at_beijing_midnight(api, personas, due_on):
    issue = due_on(date(2024, 11, 24))
    with time_machine.travel(
        datetime(2024, 11, 24, 15, 59, tzinfo=UTC), tick=False
    ):  # 23:59 Beijing
        assert light(api, personas["secretariat"], issue) == ("yellow", False)
    with time_machine.travel(
        datetime(2024, 11, 24, 16, 0, tzinfo=UTC), tick=False
    ):  # 00:00 on the 25th
        assert light(api, personas["secretariat"], issue) == ("red", True)
        listed = api.get("/api/v1/issues/?overdue=true").json()["results"]
        assert [row["number"] for row in listed] == [issue.number]


def test_only_assigned_issues_are_overdue(api, personas, due_on):
    issue = due_on(date(2024, 11, 21), state=State.RESOLVED)
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        assert light(api, personas["secretariat"], issue) == (None, False)
        assert api.get("/api/v1/issues/?overdue=true").json()["count"] == 0


def test_assign_refuses_yesterday_by_the_beijing_calendar(api, personas):
    issue = file_issue(personas["software_officer"])
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        response = api.as_user(personas["secretariat"]).post(
            url(issue, "transitions/assign/"),
            {"department": "hrss", "due_date": "2024-11-24"},
            format="json",
        )
    assert response.status_code == 400
    assert "due_date" in response.json()
