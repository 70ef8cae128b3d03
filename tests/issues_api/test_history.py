"""GET /api/v1/issues/{id}/history/: one row per transition, oldest first, with who and why."""

import pytest
from django.db import transaction

from issues.models import State
from issues.services import perform_transition
from issues.signals import issue_transitioned
from tests.issues_api.helpers import url

pytestmark = pytest.mark.django_db

FIELDS = {"at", "user", "transition", "from_state", "to_state", "reason", "department", "due_date"}


def test_the_whole_journey_reads_back_in_order(api, personas, issue_in):
    issue = issue_in(State.RESOLVED)  # raise, assign, accept, resolve
    issue = perform_transition(
        issue, "reopen", personas["software_officer"], reason="补贴仍未到账，" * 200
    )
    perform_transition(issue, "return", personas["hrss_staff"], reason="应由市财政局办理")

    rows = api.as_user(personas["software_officer"]).get(url(issue, "history/")).json()

    assert all(set(row) >= FIELDS for row in rows)
    assert [(r["transition"], r["from_state"], r["to_state"], r["user"]) for r in rows] == [
        ("raise", None, "raised", "zhang"),
        ("assign", "raised", "assigned", "wang"),
        ("accept", "assigned", "accepted", "li"),
        ("resolve", "accepted", "resolved", "li"),
        ("reopen", "resolved", "assigned", "zhang"),
        ("return", "assigned", "raised", "li"),
    ]
    assert rows[3]["reason"] == "已协调解决"
    assert rows[4]["reason"] == "补贴仍未到账，" * 200, "reasons are unbounded text"
    assert rows[4]["department"] == "hrss" and rows[4]["due_date"], "reopen keeps the department"
    assert rows[5]["department"] is None and rows[5]["due_date"] is None, "return clears both"
    assert rows[0]["at"] <= rows[1]["at"] <= rows[5]["at"]


def test_transitions_through_the_api_record_the_reason(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    api.as_user(personas["secretariat"]).post(
        url(issue, "transitions/assign/"),
        {"department": "housing", "due_date": "2099-12-31", "note": "请市住房局牵头"},
        format="json",
    )
    rows = api.get(url(issue, "history/")).json()
    assert rows[-1] == rows[-1] | {
        "transition": "assign",
        "user": "wang",
        "reason": "请市住房局牵头",
        "department": "housing",
        "due_date": "2099-12-31",
        "to_state": "assigned",
        "from_state": "raised",
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [("automotive_officer", 404), ("outsider", 404), ("leader", 200), ("ai_officer", 200)],
)
def test_history_follows_visibility(api, personas, issue_in, persona, status):
    issue = issue_in(State.RAISED)
    assert api.as_user(personas[persona]).get(url(issue, "history/")).status_code == status


def test_listeners_hear_each_accepted_transition_once_inside_its_transaction(
    api, personas, issue_in
):
    """The signal is sent in the transition's transaction (what listeners write commits with
    it: DESIGN "Notifications and background work"); a refused transition says nothing."""
    heard = []

    def listener(sender, issue, name, user, from_state, reason, **kwargs):
        assert transaction.get_connection().in_atomic_block
        heard.append((issue.number, name, user.username, from_state, reason))

    issue = issue_in(State.RAISED)
    issue_transitioned.connect(listener)
    try:
        wang = api.as_user(personas["secretariat"])
        wang.post(
            url(issue, "transitions/assign/"),
            {"department": "hrss", "due_date": "2000-01-01"},
            format="json",
        )  # 400
        api.as_user(personas["leader"]).post(
            url(issue, "transitions/withdraw/"), {"reason": "x"}, format="json"
        )  # 403
        api.as_user(personas["secretariat"]).post(
            url(issue, "transitions/withdraw/"), {"reason": "重复提出"}, format="json"
        )
    finally:
        issue_transitioned.disconnect(listener)

    assert heard == [(issue.number, "withdraw", "wang", "raised", "重复提出")]
