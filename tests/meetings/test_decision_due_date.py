"""A decision's due date in the past is refused when the minutes are saved, not only at
approval: on the API (400 naming the decision and the field) and next to the field on the form."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Decision, MeetingState
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    return make_meeting(timezone.localdate(), state=MeetingState.HELD)


def days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def test_the_api_refuses_a_past_due_date_naming_the_decision_and_field(secretariat, held, api):
    body = {
        "decisions": [
            {"text": "秘书处汇总各链用工需求", "department": "hrss", "due_date": days(10)},
            {"text": "市财政局研究补贴资金", "department": "finance", "due_date": days(-1)},
        ]
    }
    r = api.as_user(secretariat).put(f"/api/v1/meetings/{held.pk}/minutes/", body, format="json")
    assert r.status_code == 400
    assert r.data == {
        "decisions": [f"议定事项 2：完成时限不能早于今天（{timezone.localdate().isoformat()}）。"]
    }
    assert not Decision.objects.exists()  # nothing of the list was saved


def test_today_is_a_valid_due_date_and_co_departments_are_kept(secretariat, held, api):
    body = {
        "decisions": [
            {
                "text": "市人社局牵头，市财政局、市教育局配合",
                "department": "hrss",
                "co_departments": ["finance", "education", "hrss"],
                "due_date": days(0),
            }
        ]
    }
    r = api.as_user(secretariat).put(f"/api/v1/meetings/{held.pk}/minutes/", body, format="json")
    assert r.status_code == 200, r.data
    decision = r.data["decisions"][0]
    # The lead is not its own co-department.
    assert sorted(decision["co_departments"]) == ["education", "finance"]
    assert decision["state"] == "open"


def test_the_form_shows_the_error_next_to_the_due_date(secretariat, held, client):
    client.force_login(secretariat)
    response = client.post(
        f"/meetings/{held.pk}/minutes/",
        {
            "summary": "",
            "decisions-TOTAL_FORMS": "1",
            "decisions-INITIAL_FORMS": "0",
            "decisions-0-text": "市财政局研究补贴资金",
            "decisions-0-due_date": days(-3),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    message = f"完成时限不能早于今天（{timezone.localdate().isoformat()}）。"
    assert message in page
    # Next to the field: the date input is marked invalid and the message follows it.
    field_at = page.index('name="decisions-0-due_date"')
    assert 'aria-invalid="true"' in page[page.rfind("<input", 0, field_at) : field_at + 200]
    assert page.index(message, field_at) - field_at < 600
    assert not Decision.objects.exists()
