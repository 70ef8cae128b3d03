"""GET /api/v1/issues/{id}/: the shape of an issue, and what may not be written through it."""

import pytest

from issues.models import State
from issues.services import perform_transition
from tests.issues_api.helpers import fresh, url

pytestmark = pytest.mark.django_db

DESIGN_FIELDS = {
    "id",
    "number",
    "title",
    "description",
    "chain",
    "union",
    "category",
    "measure",
    "company",
    "source",
    "state",
    "department",
    "co_departments",
    "due_date",
    "accepted_at",
    "is_overdue",
    "days_overdue",
    "is_unacknowledged",
    "warning",
    "raised_by",
    "raised_at",
    "outcome",
    "resolution",
    "satisfaction",
    "verified_at",
    "duplicate_of",
    "extension_count",
    "notice_count",
    "available_transitions",
}


def test_an_issue_carries_exactly_designs_fields_and_a_few_display_extras(api, personas, issue_in):
    issue = issue_in(State.VERIFIED)
    body = api.as_user(personas["leader"]).get(url(issue)).json()

    assert set(body) >= DESIGN_FIELDS
    assert set(body) - DESIGN_FIELDS <= {
        "company",
        "chain_name",
        "union_name",
        "category_name",
        "department_name",
        "state_label",
        "raised_by_name",
        "resolved_at",
        "return_count",
        "reopen_count",
        "attachments",
    }
    assert body["chain"] == "software" and body["chain_name"] == "软件"
    assert body["union"] == "electronics-it"
    assert body["category"] == "recruitment"
    assert body["department"] == "hrss" and body["department_name"] == "市人力资源和社会保障局"
    assert body["state"] == "verified" and body["state_label"] == "已办结"
    assert body["satisfaction"] == "satisfied"
    assert body["resolution"] == "已协调解决"
    assert body["raised_by"] == "zhang"
    assert body["verified_at"] and "T" in body["verified_at"]
    assert body["warning"] is None and body["is_overdue"] is False
    assert body["available_transitions"] == []


def test_available_transitions_are_the_ones_this_person_may_take_now(api, personas, issue_in):
    issue = issue_in(State.RESOLVED)
    assert api.as_user(personas["software_officer"]).get(url(issue)).json()[
        "available_transitions"
    ] == [
        "verify",
        "reopen",
    ]
    assert api.as_user(personas["hrss_staff"]).get(url(issue)).json()["available_transitions"] == []
    raised = issue_in(State.RAISED)
    assert api.as_user(personas["secretariat"]).get(url(raised)).json()[
        "available_transitions"
    ] == [
        "assign",
        "withdraw",
        "merge",
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("software_officer", 200),
        ("ai_officer", 200),
        ("automotive_officer", 404),
        ("hrss_staff", 200),
        ("housing_staff", 404),
        ("secretariat", 200),
        ("leader", 200),
        ("outsider", 404),
    ],
)
def test_who_sees_an_assigned_issue(api, personas, issue_in, persona, status):
    issue = issue_in(State.ASSIGNED)
    assert api.as_user(personas[persona]).get(url(issue)).status_code == status


def test_a_returned_issue_stays_visible_to_the_department_that_returned_it(api, personas, issue_in):
    issue = perform_transition(
        issue_in(State.ASSIGNED), "return", personas["hrss_staff"], reason="非本部门职责"
    )
    response = api.as_user(personas["hrss_staff"]).get(url(issue))
    assert response.status_code == 200
    assert response.json()["department"] is None


@pytest.mark.parametrize("method", ["put", "patch"])
def test_the_state_cannot_be_written(api, personas, issue_in, method):
    issue = issue_in(State.RAISED)
    client = api.as_user(personas["secretariat"])
    response = getattr(client, method)(
        url(issue), {"state": "verified", "title": "改"}, format="json"
    )
    assert response.status_code == 405
    assert fresh(issue).state == State.RAISED
    assert fresh(issue).title != "改"


def test_delete_is_not_offered(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    assert api.as_user(personas["secretariat"]).delete(url(issue)).status_code == 405


def test_not_signed_in_is_401(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    response = api.get(url(issue))
    assert response.status_code == 401
    assert response.json()["detail"]
    assert "Token" in response["WWW-Authenticate"]


def test_a_bad_token_is_401(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get(url(issue)).status_code == 401
