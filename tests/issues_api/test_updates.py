"""GET, POST /api/v1/issues/{id}/updates/: progress notes by the handling department and the secretariat."""

import pytest

from issues.models import IssueUpdate, State
from issues.services import perform_transition
from tests.issues_api.helpers import url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hrss_staff", 201),
        ("secretariat", 201),
        ("software_officer", 403),
        ("ai_officer", 403),
        ("leader", 201),  # a leader's note is an instruction (批示)
        ("automotive_officer", 404),
        ("housing_staff", 404),
        ("outsider", 404),
    ],
)
def test_who_may_post_a_note(api, personas, issue_in, persona, status):
    issue = issue_in(State.ASSIGNED)
    response = api.as_user(personas[persona]).post(
        url(issue, "updates/"), {"text": "已约企业座谈"}, format="json"
    )
    assert response.status_code == status
    assert IssueUpdate.objects.filter(issue=issue).count() == (1 if status == 201 else 0)


def test_notes_read_back_oldest_first(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    li = api.as_user(personas["hrss_staff"])
    li.post(url(issue, "updates/"), {"text": "已约企业座谈"}, format="json")
    li.post(url(issue, "updates/"), {"text": "已提交补贴复核"}, format="json")

    rows = api.as_user(personas["software_officer"]).get(url(issue, "updates/")).json()
    assert [(r["author"], r["text"]) for r in rows] == [
        ("li", "已约企业座谈"),
        ("li", "已提交补贴复核"),
    ]
    assert {"id", "author", "author_name", "text", "created_at"} <= set(rows[0])
    assert rows[0]["author_name"] == "李强"


def test_an_empty_note_is_refused(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    response = api.as_user(personas["hrss_staff"]).post(
        url(issue, "updates/"), {"text": "  "}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"text": ["请填写进展内容。"]}


def test_a_department_that_returned_the_issue_posts_no_more(api, personas, issue_in):
    issue = perform_transition(
        issue_in(State.ASSIGNED), "return", personas["hrss_staff"], reason="非本部门职责"
    )
    response = api.as_user(personas["hrss_staff"]).post(
        url(issue, "updates/"), {"text": "补充"}, format="json"
    )
    assert response.status_code == 403


def test_reading_notes_follows_visibility(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    assert api.as_user(personas["leader"]).get(url(issue, "updates/")).status_code == 200
    assert api.as_user(personas["housing_staff"]).get(url(issue, "updates/")).status_code == 404
