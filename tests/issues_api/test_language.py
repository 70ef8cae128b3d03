"""API messages follow the request's language: Chinese by default, English on request."""

import pytest

from issues.models import State
from tests.issues_api.helpers import url

pytestmark = pytest.mark.django_db


def test_chinese_by_default(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    client = api.as_user(personas["leader"])
    assert client.post(url(issue, "transitions/assign/"), {}, format="json").json() == {
        "detail": "您的角色不能对该问题执行“交办”。"
    }
    assert client.get("/api/v1/issues/999999/").json() == {"detail": "问题不存在。"}


def test_english_on_request(api, personas, issue_in):
    issue = issue_in(State.VERIFIED)
    leader = api.as_user(personas["leader"])
    refused = leader.post(
        url(issue, "transitions/assign/"), {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.json() == {"detail": "Your role may not “Assign” this issue."}

    conflict = api.as_user(personas["software_officer"]).post(
        url(issue, "transitions/reopen/"), {"reason": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert conflict.status_code == 409
    assert conflict.json()["detail"].startswith("The issue is now “Verified” and cannot “Reopen”")


def test_field_errors_in_english(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    response = api.as_user(personas["secretariat"]).post(
        url(issue, "transitions/assign/"),
        {"department": "atlantis", "due_date": "2000-01-01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["department"] == ["There is no department with the code “atlantis”."]


def test_not_found_says_the_same_for_unknown_and_hidden(api, personas, issue_in):
    hidden = issue_in(State.RAISED, chain="automotive")
    client = api.as_user(personas["software_officer"])
    assert (
        client.get(url(hidden)).json()
        == client.get(url(999999)).json()
        == {"detail": "问题不存在。"}
    )
    assert client.get(url(hidden), HTTP_ACCEPT_LANGUAGE="en").json() == {"detail": "No such issue."}
