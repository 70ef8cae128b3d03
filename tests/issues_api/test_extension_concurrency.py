"""Extension requests (延期申请) decided or asked twice at the same moment: one wins, the
other hears 409, and nothing is half-written. PostgreSQL only, like test_concurrency.py."""

from datetime import timedelta

import pytest

from issues.extensions import request_extension
from issues.models import ExtensionRequest, Issue, State
from organisation.models import User
from tests.conftest import make_user
from tests.issues_api.helpers import VALID_INPUTS, bring_to, url
from tests.issues_api.racing import POSTGRES_ONLY, race_posts

pytestmark = POSTGRES_ONLY


@pytest.fixture
def accepted(personas) -> Issue:
    return bring_to(
        State.ACCEPTED,
        officer=personas["software_officer"],
        secretariat=personas["secretariat"],
        staff=personas["hrss_staff"],
    )


@pytest.fixture
def pending(accepted, personas) -> ExtensionRequest:
    return request_extension(
        accepted,
        personas["hrss_staff"],
        due_date=accepted.due_date + timedelta(days=10),
        reason="企业复工延后",
    )


def decision(extension, name):
    return url(extension.issue_id, f"extensions/{extension.pk}/{name}/")


@pytest.mark.parametrize("round_", range(3))
def test_two_secretaries_decide_at_once(personas, pending, round_):
    wang = personas["secretariat"]
    wu = make_user("wu", User.Role.SECRETARIAT, name="吴丽")

    statuses = race_posts(
        [
            (wang, decision(pending, "approve"), {"note": "同意"}),
            (wu, decision(pending, "reject"), {"note": "不同意"}),
        ]
    )

    assert statuses == [200, 409]
    pending.refresh_from_db()
    issue = Issue.objects.get(pk=pending.issue_id)
    decided = {"approved": "extend", "rejected": "extension_rejected"}[pending.state]
    rows = list(issue.history.order_by("history_date").values_list("transition", flat=True))
    assert rows == ["raise", "assign", "accept", decided], "one row, the winner's"
    assert (issue.due_date == pending.due_date) is (pending.state == "approved")


def test_two_members_of_the_lead_department_ask_at_once(personas, accepted):
    li = personas["hrss_staff"]
    ho = make_user("ho", User.Role.DEPARTMENT, department="hrss", name="何平")
    later = (accepted.due_date + timedelta(days=5)).isoformat()

    statuses = race_posts(
        [
            (li, url(accepted, "extensions/"), {"due_date": later, "reason": "企业复工延后"}),
            (ho, url(accepted, "extensions/"), {"due_date": later, "reason": "等待批复"}),
        ]
    )

    assert statuses == [201, 409]
    assert ExtensionRequest.objects.filter(issue=accepted).count() == 1


def test_an_approval_and_a_resolution_at_once(personas, pending):
    """Either the due date moves and the stale resolve is refused, or the issue is resolved,
    the request lapses and the approval is refused: never both."""
    statuses = race_posts(
        [
            (personas["secretariat"], decision(pending, "approve"), {"note": ""}),
            (
                personas["hrss_staff"],
                url(pending.issue_id, "transitions/resolve/"),
                VALID_INPUTS["resolve"](),
            ),
        ]
    )

    assert statuses == [200, 409]
    pending.refresh_from_db()
    issue = Issue.objects.get(pk=pending.issue_id)
    if issue.state == State.RESOLVED:
        assert pending.state == "lapsed"
        assert issue.due_date == pending.previous_due_date
    else:
        assert (issue.state, pending.state) == (State.ACCEPTED, "approved")
        assert issue.due_date == pending.due_date
    assert issue.history.count() == 4
