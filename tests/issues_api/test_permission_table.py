"""Who may take which transition: every persona × every transition × own/other chain or department.

The issue is a 软件 (software) issue, in the transition's source state, handled by 市人社局
(hrss) where it has a department. "own"/"other" is in the persona: zhang is the officer of this
chain, chen of another chain of the same union (sees it, may not act), sun of another union
(does not see it); li works at hrss (the handling department), ma at housing (never involved).
"""

import pytest

from issues.models import State
from issues.services import perform_transition
from organisation.models import Department, IndustryChain, appoint_officer
from tests.conftest import make_user
from tests.issues_api.helpers import SOURCE_STATE, VALID_INPUTS, fresh, url

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, HIDDEN, CONFLICT = 200, 403, 404, 409

F, H = FORBIDDEN, HIDDEN
#                     assign reassign accept return resolve verify reopen withdraw merge
EXPECTED = {
    "software_officer": [F, F, F, F, F, OK, OK, OK, F],
    "ai_officer": [F] * 9,
    "automotive_officer": [H] * 9,
    # A raised issue never assigned to hrss is invisible to li (assign, withdraw, merge).
    "hrss_staff": [H, F, OK, OK, OK, F, F, H, H],
    "housing_staff": [H] * 9,
    "secretariat": [OK, OK, F, F, F, F, F, OK, OK],
    "leader": [F] * 9,
    "outsider": [H] * 9,
}
NAMES = [
    "assign",
    "reassign",
    "accept",
    "return",
    "resolve",
    "verify",
    "reopen",
    "withdraw",
    "merge",
]
CASES = [
    pytest.param(persona, name, statuses[i], id=f"{persona}-{name}")
    for persona, statuses in EXPECTED.items()
    for i, name in enumerate(NAMES)
]


@pytest.mark.parametrize(("persona", "name", "expected"), CASES)
def test_transition_by_persona(api, personas, issue_in, persona, name, expected):
    issue = issue_in(SOURCE_STATE[name])
    before = fresh(issue).history.count()

    response = api.as_user(personas[persona]).post(
        url(issue, f"transitions/{name}/"), VALID_INPUTS[name](), format="json"
    )

    assert response.status_code == expected, response.content
    after = fresh(issue).history.count()
    if expected == OK:
        assert after == before + 1
        assert name in {"reassign"} or response.json()["state"] != SOURCE_STATE[name]
    else:
        assert after == before, "a refused transition writes no history"
        assert fresh(issue).state == SOURCE_STATE[name]
    if expected == HIDDEN:
        assert "number" not in response.json(), "a hidden issue leaks nothing"


@pytest.mark.parametrize(
    ("persona", "chain", "expected"),
    [
        ("automotive_officer", "automotive", OK),  # the other union's officer on their own chain
        ("software_officer", "automotive", HIDDEN),
        ("ai_officer", "ai", OK),
        ("software_officer", "ai", FORBIDDEN),  # same union: sees it, not theirs to verify
    ],
)
def test_verify_belongs_to_the_chains_officer(api, personas, issue_in, persona, chain, expected):
    issue = issue_in(State.RESOLVED, chain=chain)
    response = api.as_user(personas[persona]).post(
        url(issue, "transitions/verify/"), {"satisfaction": "satisfied"}, format="json"
    )
    assert response.status_code == expected


def test_a_department_that_returned_or_lost_the_issue_may_no_longer_act(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)  # with hrss
    perform_transition(
        issue,
        "reassign",
        personas["secretariat"],
        department=Department.objects.get(code="housing"),
    )
    li = api.as_user(personas["hrss_staff"])

    assert li.get(url(issue)).status_code == 200, "hrss was involved: it still sees the issue"
    assert (
        li.post(
            url(issue, "transitions/resolve/"), {"resolution": "已办"}, format="json"
        ).status_code
        == FORBIDDEN
    )
    assert li.post(url(issue, "updates/"), {"text": "进展"}, format="json").status_code == FORBIDDEN
    ma = api.as_user(personas["housing_staff"])
    perform_transition(fresh(issue), "accept", personas["housing_staff"])  # the new lead signs
    assert (
        ma.post(
            url(issue, "transitions/resolve/"), {"resolution": "已办"}, format="json"
        ).status_code
        == OK
    )


@pytest.mark.parametrize(
    ("persona", "state", "name"),
    [
        ("secretariat", State.ASSIGNED, "assign"),
        ("secretariat", State.RESOLVED, "reassign"),
        ("secretariat", State.VERIFIED, "withdraw"),
        ("hrss_staff", State.RESOLVED, "resolve"),
        ("hrss_staff", State.ASSIGNED, "resolve"),  # 签收 comes first
        ("hrss_staff", State.ACCEPTED, "accept"),
        ("hrss_staff", State.RESOLVED, "return"),
        ("secretariat", State.RESOLVED, "merge"),
        ("secretariat", State.MERGED, "merge"),
        ("secretariat", State.MERGED, "assign"),
        ("hrss_staff", State.VERIFIED, "return"),
        ("software_officer", State.ASSIGNED, "verify"),
        ("software_officer", State.ACCEPTED, "reopen"),
        ("software_officer", State.VERIFIED, "reopen"),
        ("software_officer", State.WITHDRAWN, "withdraw"),
    ],
)
def test_the_right_person_in_the_wrong_state_gets_409(
    api, personas, issue_in, persona, state, name
):
    issue = issue_in(state)
    response = api.as_user(personas[persona]).post(
        url(issue, f"transitions/{name}/"), VALID_INPUTS[name](), format="json"
    )
    assert response.status_code == CONFLICT
    assert response.json()["detail"]
    assert fresh(issue).state == state


def test_role_is_checked_before_the_body(api, personas, issue_in):
    """A leader posting nothing hears 'not for your role', not 'field required'."""
    issue = issue_in(State.RAISED)
    response = api.as_user(personas["leader"]).post(
        url(issue, "transitions/assign/"), {}, format="json"
    )
    assert response.status_code == FORBIDDEN


def test_unknown_transition_is_404(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    response = api.as_user(personas["secretariat"]).post(
        url(issue, "transitions/approve/"), {}, format="json"
    )
    assert response.status_code == HIDDEN


def test_unknown_issue_is_404(api, personas):
    response = api.as_user(personas["secretariat"]).post(
        url(999999, "transitions/assign/"), VALID_INPUTS["assign"](), format="json"
    )
    assert response.status_code == HIDDEN


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_transitions_take_post_only(api, personas, issue_in, method):
    issue = issue_in(State.RAISED)
    response = getattr(api.as_user(personas["secretariat"]), method)(
        url(issue, "transitions/assign/")
    )
    assert response.status_code == 405


def test_issues_follow_the_chain_when_its_officer_is_replaced(api, personas, issue_in):
    issue = issue_in(State.RESOLVED)
    zhao = make_user("zhao", "officer", name="赵磊")
    appoint_officer(IndustryChain.objects.get(code="software"), zhao)

    zhang = api.as_user(personas["software_officer"]).post(
        url(issue, "transitions/verify/"), {"satisfaction": "satisfied"}, format="json"
    )
    assert zhang.status_code == HIDDEN, "the former officer no longer sees the chain's issues"
    zhao_client = api.as_user(zhao)
    assert zhao_client.get(url(issue)).json()["available_transitions"] == ["verify", "reopen"]
    assert (
        zhao_client.post(
            url(issue, "transitions/verify/"), {"satisfaction": "satisfied"}, format="json"
        ).status_code
        == OK
    )
