"""DESIGN's invariants of the state machine, each held by the API, the model and the database."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django_fsm import can_proceed

from issues.models import Issue, State, today
from issues.services import TRANSITIONS, TransitionConflict, perform_transition
from organisation.calendar import add_working_days
from organisation.models import Department
from tests.issues_api.helpers import VALID_INPUTS, fresh, url

pytestmark = pytest.mark.django_db


def post(api, user, issue, name, body):
    return api.as_user(user).post(url(issue, f"transitions/{name}/"), body, format="json")


# --- assigned ⇒ department and due date ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"due_date": "2099-01-01"}, "department"),
        # (No due date is no longer an error: DESIGN's default_days apply, test_workorder.py.)
        ({"department": "atlantis", "due_date": "2099-01-01"}, "department"),
        ({"department": "hrss", "due_date": "next week"}, "due_date"),
    ],
)
def test_assign_needs_a_department_and_a_due_date(api, personas, issue_in, body, field):
    issue = issue_in(State.RAISED)
    response = post(api, personas["secretariat"], issue, "assign", body)
    assert response.status_code == 400
    assert field in response.json()
    assert fresh(issue).state == State.RAISED
    assert fresh(issue).history.count() == 1


def test_reassign_needs_a_department_or_a_due_date(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    response = post(api, personas["secretariat"], issue, "reassign", {"reason": "调整"})
    assert response.status_code == 400
    assert response.json() == {"department": ["请指定新的承办部门或新的办理时限。"]}


def test_reassign_to_another_department(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    due = fresh(issue).due_date
    response = post(
        api,
        personas["secretariat"],
        issue,
        "reassign",
        {"department": "housing", "reason": "职责调整"},
    )
    assert response.status_code == 200
    assert response.json()["department"] == "housing"
    assert response.json()["due_date"] == due.isoformat(), (
        "the due date stays when only the department changes"
    )


# --- due dates in the past are refused on assign and reassign --------------------------------


@pytest.mark.parametrize(
    ("state", "name"), [(State.RAISED, "assign"), (State.ASSIGNED, "reassign")]
)
def test_a_due_date_in_the_past_is_refused(api, personas, issue_in, state, name):
    issue = issue_in(state)
    body = {"department": "hrss", "due_date": (today() - timedelta(days=1)).isoformat()}
    response = post(api, personas["secretariat"], issue, name, body)
    assert response.status_code == 400
    assert response.json() == {"due_date": ["办理时限不能早于今天。"]}
    assert fresh(issue).state == state


@pytest.mark.parametrize(
    ("state", "name"), [(State.RAISED, "assign"), (State.ASSIGNED, "reassign")]
)
def test_due_today_is_accepted(api, personas, issue_in, state, name):
    issue = issue_in(state)
    response = post(
        api,
        personas["secretariat"],
        issue,
        name,
        {"department": "hrss", "due_date": today().isoformat()},
    )
    assert response.status_code == 200
    assert response.json()["due_date"] == today().isoformat()


# --- raised / withdrawn ⇒ no department; return clears department and due date ---------------


def test_return_clears_department_and_due_date(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    response = post(api, personas["hrss_staff"], issue, "return", {"reason": "应由市财政局办理"})
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["department"], body["due_date"]) == ("raised", None, None)
    assert fresh(issue).return_count == 1


def test_return_needs_a_reason(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    response = post(api, personas["hrss_staff"], issue, "return", {"reason": "   "})
    assert response.status_code == 400
    assert response.json() == {"reason": ["退回须说明理由。"]}


def test_withdrawn_has_no_department(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    post(api, personas["hrss_staff"], issue, "return", {"reason": "非本部门职责"})
    response = post(
        api, personas["software_officer"], issue, "withdraw", {"reason": "企业已自行解决"}
    )
    assert response.status_code == 200
    assert response.json()["department"] is None


# --- resolved / verified ⇒ resolution; verified ⇒ satisfaction ----------------------------------


def test_resolve_needs_a_resolution(api, personas, issue_in):
    issue = issue_in(State.ACCEPTED)
    response = post(api, personas["hrss_staff"], issue, "resolve", {})
    assert response.status_code == 400
    assert response.json() == {"resolution": ["请填写办理结果；已答复的，须说明无法解决的理由。"]}


@pytest.mark.parametrize("body", [{}, {"satisfaction": "unhappy"}, {"satisfaction": ""}])
def test_verify_needs_a_satisfaction(api, personas, issue_in, body):
    issue = issue_in(State.RESOLVED)
    response = post(api, personas["software_officer"], issue, "verify", body)
    assert response.status_code == 400
    assert response.json() == {"satisfaction": ["请选择满意、基本满意或不满意。"]}


def test_verify_basically_satisfied(api, personas, issue_in):
    issue = issue_in(State.RESOLVED)
    response = post(
        api, personas["software_officer"], issue, "verify", {"satisfaction": "basically_satisfied"}
    )
    assert response.status_code == 200
    assert response.json()["satisfaction"] == "basically_satisfied"
    assert response.json()["verified_at"]


# --- reopen keeps the department ------------------------------------------------------------


def test_reopen_keeps_the_department_with_a_fresh_due_date(api, personas, issue_in):
    issue = issue_in(State.RESOLVED)
    response = post(api, personas["software_officer"], issue, "reopen", {"reason": "补贴仍未到账"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "assigned"
    assert body["department"] == "hrss"
    # 重办: the category's default_days working days from today, not the old due date.
    assert body["due_date"] == add_working_days(today(), 10).isoformat()
    assert body["resolution"] == "", "the old resolution lives on in the history only"
    assert fresh(issue).reopen_count == 1


def test_reopen_needs_a_reason(api, personas, issue_in):
    issue = issue_in(State.RESOLVED)
    response = post(api, personas["software_officer"], issue, "reopen", {"reason": ""})
    assert response.status_code == 400
    assert response.json() == {"reason": ["重新办理须说明理由。"]}


# --- verified and withdrawn are final ----------------------------------------------------------


@pytest.mark.parametrize("state", [State.VERIFIED, State.WITHDRAWN, State.MERGED])
def test_final_states_are_final(issue_in, state):
    issue = fresh(issue_in(state))
    assert not [
        name for name, spec in TRANSITIONS.items() if can_proceed(getattr(issue, spec.method))
    ]


@pytest.mark.parametrize("state", [State.VERIFIED, State.WITHDRAWN])
@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("secretariat", "assign"),
        ("secretariat", "reassign"),
        ("secretariat", "withdraw"),
        ("software_officer", "reopen"),
        ("software_officer", "verify"),
    ],
)
def test_final_states_refuse_with_409(api, personas, issue_in, state, persona, name):
    issue = issue_in(state)
    assert post(api, personas[persona], issue, name, VALID_INPUTS[name]()).status_code == 409


# --- the state is never written directly; the database holds the line too ---------------------


def test_the_state_field_is_protected(issue_in):
    issue = fresh(issue_in(State.RAISED))
    with pytest.raises(AttributeError):
        issue.state = State.VERIFIED


@pytest.mark.parametrize(
    ("state", "changes"),
    [
        (State.ASSIGNED, {"department": None}),
        (State.ASSIGNED, {"due_date": None}),
        (State.RESOLVED, {"resolution": ""}),
        (State.VERIFIED, {"satisfaction": ""}),
        (State.WITHDRAWN, {"department_id": 1}),
    ],
)
def test_the_database_refuses_broken_rows(issue_in, state, changes):
    issue = issue_in(state)
    if "department_id" in changes:
        changes = {"department_id": Department.objects.get(code="hrss").pk}
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(**changes)


def test_acting_on_an_outdated_copy_is_a_conflict(personas, issue_in):
    """A copy read before someone else's reassign may not overwrite it (no lost update)."""
    issue = issue_in(State.ASSIGNED)
    outdated = fresh(issue)
    perform_transition(
        fresh(issue),
        "reassign",
        personas["secretariat"],
        department=Department.objects.get(code="housing"),
    )
    with pytest.raises(TransitionConflict):
        perform_transition(
            outdated, "reassign", personas["secretariat"], due_date=today() + timedelta(days=3)
        )
    assert fresh(issue).department.code == "housing"
    assert fresh(issue).history.count() == 3


def test_a_reassign_that_changes_nothing_is_refused(api, personas, issue_in):
    issue = fresh(issue_in(State.ASSIGNED))
    response = post(
        api,
        personas["secretariat"],
        issue,
        "reassign",
        {"department": "hrss", "due_date": issue.due_date.isoformat(), "reason": "重申"},
    )
    assert response.status_code == 400
    assert response.json() == {"department": ["请指定新的承办部门或新的办理时限。"]}
    assert fresh(issue).history.count() == 2  # raise, assign: nothing more


def test_an_overdue_issue_may_move_to_another_department_keeping_its_date(personas, issue_in):
    issue = issue_in(State.ASSIGNED)  # due in 10 days
    with time_machine.travel(today() + timedelta(days=12), tick=False):
        moved = perform_transition(
            fresh(issue),
            "reassign",
            personas["secretariat"],
            department=Department.objects.get(code="housing"),
            due_date=fresh(issue).due_date,
        )
        assert moved.department.code == "housing" and moved.is_overdue
