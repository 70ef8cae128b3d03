"""Extension requests (延期申请), DESIGN "The bottleneck state machine" and "Public API (v1)":
who may ask and decide (a table), the statuses, one pending and the cap, the lapse when the
issue leaves `accepted`, the one history row of each decision, and who is told."""

from datetime import timedelta

import pytest

from issues.models import ExtensionRequest, Issue, State, today
from issues.services import perform_transition
from notifications.models import Notification
from organisation.calendar import add_working_days
from organisation.models import Department, User
from tests.conftest import make_user
from tests.issues_api.helpers import file_issue, fresh, url

pytestmark = pytest.mark.django_db

Ext = ExtensionRequest.State


def later(issue: Issue, days: int = 10) -> str:
    return (fresh(issue).due_date + timedelta(days=days)).isoformat()


def ask(api, user, issue, due_date=None, reason="企业招聘会延至下月举办，需延期办理"):
    body = {"due_date": due_date or later(issue), "reason": reason}
    return api.as_user(user).post(url(issue, "extensions/"), body, format="json")


def decide(api, user, issue, eid, decision, note=""):
    path = url(issue, f"extensions/{eid}/{decision}/")
    return api.as_user(user).post(path, {"note": note}, format="json")


@pytest.fixture
def miit_staff(db):
    """Staff of 市工业和信息化局: a department never involved in the issue."""
    return make_user("zhao", User.Role.DEPARTMENT, department="miit", name="赵磊")


@pytest.fixture
def co_handled(personas):
    """Accepted by hrss (主办), with housing as co-department (协办)."""

    def build() -> Issue:
        issue = file_issue(personas["software_officer"])
        issue = perform_transition(
            issue,
            "assign",
            personas["secretariat"],
            department=Department.objects.get(code="hrss"),
            co_departments=[Department.objects.get(code="housing")],
            due_date=today() + timedelta(days=10),
        )
        return perform_transition(issue, "accept", personas["hrss_staff"])

    return build


@pytest.fixture
def pending(api, personas, co_handled):
    """An accepted issue and hrss's pending request on it."""
    issue = co_handled()
    response = ask(api, personas["hrss_staff"], issue)
    assert response.status_code == 201, response.json()
    return issue, response.json()["id"]


# --- the permission table: role × action × own/other issue ------------------------------

# The issue is the software chain's, led by hrss, with housing as co-department.
# list: GET extensions/ · request: POST extensions/ · approve, reject: on hrss's pending one.
PERMISSIONS = {
    # persona:              list  request approve reject
    "software_officer": (200, 403, 403, 403),  # the chain's officer: sees, never asks or decides
    "ai_officer": (200, 403, 403, 403),  # same union, another chain: sees
    "automotive_officer": (404, 404, 404, 404),  # another union: invisible
    "hrss_staff": (200, 201, 403, 403),  # the lead department asks
    "housing_staff": (200, 403, 403, 403),  # the co-department sees, never asks
    "miit_staff": (404, 404, 404, 404),  # an uninvolved department: invisible
    "secretariat": (200, 403, 200, 200),  # decides, never asks
    "leader": (200, 403, 403, 403),  # reads
}
ACTIONS = ("list", "request", "approve", "reject")
CASES = [(who, action) for who in PERMISSIONS for action in ACTIONS]


@pytest.mark.parametrize(("who", "action"), CASES, ids=[f"{w}-{a}" for w, a in CASES])
def test_permission_table(api, personas, miit_staff, co_handled, who, action):
    user = miit_staff if who == "miit_staff" else personas[who]
    issue = co_handled()
    expected = PERMISSIONS[who][ACTIONS.index(action)]
    if action == "list":
        status = api.as_user(user).get(url(issue, "extensions/")).status_code
    elif action == "request":
        status = ask(api, user, issue).status_code
    else:
        eid = ask(api, personas["hrss_staff"], issue).json()["id"]
        status = decide(api, user, issue, eid, action, note="与企业核实后决定").status_code
    assert status == expected


def test_a_department_that_led_before_no_longer_asks(api, personas, co_handled):
    """Reassigned to housing: hrss still sees the issue (it was involved), never asks for it."""
    issue = co_handled()
    perform_transition(
        issue,
        "reassign",
        personas["secretariat"],
        department=Department.objects.get(code="housing"),
        co_departments=[],
        reason="职责调整",
    )
    assert api.as_user(personas["hrss_staff"]).get(url(issue, "extensions/")).status_code == 200
    assert ask(api, personas["hrss_staff"], issue).status_code == 403


# --- asking: the answer, the statuses ----------------------------------------------------


def test_the_request_answers_with_the_contract_fields(api, personas, co_handled):
    issue = co_handled()
    new_date = later(issue)
    response = ask(api, personas["hrss_staff"], issue, due_date=new_date)
    assert response.status_code == 201
    body = response.json()
    assert {"id", "due_date", "reason", "state", "requested_by", "decided_by", "note"} <= set(body)
    assert body["due_date"] == new_date and body["state"] == "pending"
    assert body["requested_by"] == "li" and body["decided_by"] is None and body["note"] == ""
    assert body["previous_due_date"] == fresh(issue).due_date.isoformat()
    listed = api.as_user(personas["leader"]).get(url(issue, "extensions/")).json()
    assert [row["id"] for row in listed] == [body["id"]]
    # Asking changes nothing on the issue: no history row, the due date stays.
    assert fresh(issue).history.count() == 3  # raise, assign, accept


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"reason": "需要延期"}, "due_date", "请填写申请延至的日期"),
        ({"due_date": "2099-01-01"}, "reason", "请说明延期理由"),
        ({"due_date": "2099-01-01", "reason": "  "}, "reason", "请说明延期理由"),
        ({"due_date": "明天", "reason": "需要延期"}, "due_date", ""),
    ],
)
def test_missing_or_bad_fields_are_400_with_the_field(
    api, personas, co_handled, body, field, message
):
    issue = co_handled()
    response = api.as_user(personas["hrss_staff"]).post(
        url(issue, "extensions/"), body, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not ExtensionRequest.objects.exists()


def test_the_new_date_must_be_later_than_the_current_due_date(api, personas, co_handled):
    issue = co_handled()
    current = fresh(issue).due_date
    response = ask(api, personas["hrss_staff"], issue, due_date=current.isoformat())
    assert response.status_code == 400
    assert "须晚于现在的办理时限" in response.json()["due_date"][0]


def test_the_new_date_is_never_in_the_past(api, personas, co_handled):
    issue = co_handled()
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = ask(api, personas["hrss_staff"], issue, due_date=yesterday)
    assert response.status_code == 400
    assert "不能早于今天" in response.json()["due_date"][0]


@pytest.mark.parametrize("state", [State.ASSIGNED, State.RESOLVED, State.VERIFIED])
def test_only_an_accepted_issue_gets_a_request(api, personas, issue_in, state):
    issue = issue_in(state)
    response = ask(api, personas["hrss_staff"], issue, due_date="2099-01-01")
    assert response.status_code == 409
    assert "只有办理中的问题可以申请延期" in response.json()["detail"]


def test_role_and_state_come_before_the_fields(api, personas, issue_in):
    """An empty body from someone who may not ask hears why, not "field required"."""
    issue = issue_in(State.ASSIGNED)
    li, wang = personas["hrss_staff"], personas["secretariat"]
    assert api.as_user(wang).post(url(issue, "extensions/"), {}, format="json").status_code == 403
    assert api.as_user(li).post(url(issue, "extensions/"), {}, format="json").status_code == 409


def test_one_pending_request_at_a_time(api, personas, pending):
    issue, _eid = pending
    response = ask(api, personas["hrss_staff"], issue, due_date=later(issue, 20))
    assert response.status_code == 409
    assert "已有一份待审批的延期申请" in response.json()["detail"]
    assert ExtensionRequest.objects.filter(issue=issue).count() == 1


def test_a_rejected_request_may_be_followed_by_another(api, personas, pending):
    issue, eid = pending
    assert (
        decide(api, personas["secretariat"], issue, eid, "reject", "理由不充分").status_code == 200
    )
    assert ask(api, personas["hrss_staff"], issue).status_code == 201


def test_at_most_the_configured_number_are_approved(api, personas, co_handled, settings):
    settings.LIAISON_MAX_EXTENSIONS = 2
    issue = co_handled()
    li, wang = personas["hrss_staff"], personas["secretariat"]
    for _round in range(2):
        eid = ask(api, li, issue).json()["id"]
        assert decide(api, wang, issue, eid, "approve").status_code == 200
    response = ask(api, li, issue)
    assert response.status_code == 409
    assert "已延期 2 次，达到上限" in response.json()["detail"]
    assert api.as_user(li).get(url(issue)).json()["extension_count"] == 2


# --- deciding --------------------------------------------------------------------------


def test_approving_moves_the_due_date_with_one_history_row(api, personas, pending):
    issue, eid = pending
    old = fresh(issue).due_date
    asked = ExtensionRequest.objects.get(pk=eid).due_date
    before = fresh(issue).history.count()

    response = decide(api, personas["secretariat"], issue, eid, "approve", "同意延期至申请日期")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "approved" and body["decided_by"] == "wang"
    assert body["note"] == "同意延期至申请日期"
    issue = fresh(issue)
    assert issue.due_date == asked and issue.state == State.ACCEPTED
    assert issue.history.count() == before + 1
    history = api.as_user(personas["hrss_staff"]).get(url(issue, "history/")).json()
    row = history[-1]
    assert row["transition"] == "extend" and row["transition_label"] == "延期"
    assert row["from_state"] == "accepted" and row["to_state"] == "accepted"
    assert row["user"] == "wang" and row["due_date"] == asked.isoformat()
    assert f"{old.year}年{old.month}月{old.day}日" in row["reason"]
    assert f"{asked.year}年{asked.month}月{asked.day}日" in row["reason"]
    assert "同意延期至申请日期" in row["reason"]
    detail = api.as_user(personas["hrss_staff"]).get(url(issue)).json()
    assert detail["due_date"] == asked.isoformat() and detail["extension_count"] == 1


def test_rejecting_needs_a_note_and_keeps_the_due_date(api, personas, pending):
    issue, eid = pending
    wang = personas["secretariat"]
    old = fresh(issue).due_date
    response = decide(api, wang, issue, eid, "reject", "")
    assert response.status_code == 400
    assert "不同意延期须说明理由" in response.json()["note"][0]
    assert ExtensionRequest.objects.get(pk=eid).state == Ext.PENDING

    response = decide(api, wang, issue, eid, "reject", "时限充足，请按期办结")
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    issue = fresh(issue)
    assert issue.due_date == old
    rows = api.as_user(wang).get(url(issue, "history/")).json()
    assert [r["transition"] for r in rows] == ["raise", "assign", "accept", "extension_rejected"]
    assert rows[-1]["transition_label"] == "延期未获同意"
    assert "时限充足，请按期办结" in rows[-1]["reason"]
    assert api.as_user(wang).get(url(issue)).json()["extension_count"] == 0


def test_a_decided_request_is_not_decided_again(api, personas, pending):
    issue, eid = pending
    wang = personas["secretariat"]
    assert decide(api, wang, issue, eid, "approve").status_code == 200
    again = decide(api, wang, issue, eid, "reject", "改变主意")
    assert again.status_code == 409
    assert "已同意" in again.json()["detail"]
    assert fresh(issue).history.filter(transition="extend").count() == 1


def test_unknown_requests_and_decisions_are_404(api, personas, pending, co_handled):
    issue, eid = pending
    other = co_handled()
    wang = personas["secretariat"]
    assert decide(api, wang, issue, 999999, "approve").status_code == 404
    assert decide(api, wang, other, eid, "approve").status_code == 404, "not that issue's"
    assert decide(api, wang, issue, eid, "postpone").status_code == 404
    assert ExtensionRequest.objects.get(pk=eid).state == Ext.PENDING


def test_a_request_whose_date_has_passed_is_not_approved(api, personas, pending, time_machine):
    issue, eid = pending
    asked = ExtensionRequest.objects.get(pk=eid).due_date
    time_machine.move_to(asked + timedelta(days=2))
    response = decide(api, personas["secretariat"], issue, eid, "approve")
    assert response.status_code == 409
    assert "已过" in response.json()["detail"]


# --- lapse: the issue leaves `accepted` -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "who", "inputs"),
    [
        ("reassign", "secretariat", {"due_date": "2099-01-01", "reason": "改由秘书处协调"}),
        ("return", "hrss_staff", {"reason": "不属于本部门职责"}),
        ("resolve", "hrss_staff", {"resolution": "已协调解决"}),
    ],
)
def test_a_pending_request_lapses_when_the_issue_leaves_accepted(
    api, personas, pending, name, who, inputs
):
    issue, eid = pending
    response = api.as_user(personas[who]).post(
        url(issue, f"transitions/{name}/"), inputs, format="json"
    )
    assert response.status_code == 200, response.json()
    extension = ExtensionRequest.objects.get(pk=eid)
    assert extension.state == Ext.LAPSED
    assert extension.decided_by is None
    assert extension.history.first().history_change_reason.startswith("问题已")
    # The transition wrote its one row, and nothing else.
    assert fresh(issue).history.count() == 4
    # Too late to decide now.
    assert decide(api, personas["secretariat"], issue, eid, "approve").status_code == 409
    listed = api.as_user(personas["leader"]).get(url(issue, "extensions/")).json()
    assert listed[0]["state"] == "lapsed"


def test_a_merge_lapses_it_too(api, personas, pending):
    issue, eid = pending
    original = file_issue(personas["software_officer"], title="原件")
    perform_transition(issue, "merge", personas["secretariat"], duplicate_of=original.pk)
    assert ExtensionRequest.objects.get(pk=eid).state == Ext.LAPSED


def test_decided_requests_do_not_lapse(api, personas, pending):
    issue, eid = pending
    decide(api, personas["secretariat"], issue, eid, "approve")
    perform_transition(fresh(issue), "resolve", personas["hrss_staff"], resolution="已办结")
    assert ExtensionRequest.objects.get(pk=eid).state == Ext.APPROVED


def test_a_refused_transition_lapses_nothing(api, personas, pending):
    issue, eid = pending
    response = api.as_user(personas["hrss_staff"]).post(
        url(issue, "transitions/resolve/"), {"resolution": ""}, format="json"
    )
    assert response.status_code == 400
    assert ExtensionRequest.objects.get(pk=eid).state == Ext.PENDING


# --- the issue JSON and the working days ------------------------------------------------


def test_the_list_counts_approved_extensions_without_a_query_per_row(
    api, personas, co_handled, django_assert_max_num_queries
):
    wang, li = personas["secretariat"], personas["hrss_staff"]
    issues = [co_handled() for _ in range(3)]
    for issue in issues[:2]:
        eid = ask(api, li, issue).json()["id"]
        decide(api, wang, issue, eid, "approve")
    ask(api, li, issues[2])  # pending: not counted
    client = api.as_user(wang)
    client.get("/api/v1/issues/")  # warm the calendar cache
    # The page, its count, the co-departments; what the rows show beside them (six reads of
    # the rows' ids, `with_related`): a fixed number whatever the rows.
    with django_assert_max_num_queries(10):
        rows = client.get("/api/v1/issues/").json()["results"]
    assert {r["id"]: r["extension_count"] for r in rows} == {
        issues[0].pk: 1,
        issues[1].pk: 1,
        issues[2].pk: 0,
    }


def test_the_extension_counts_its_working_days(api, personas, co_handled):
    issue = co_handled()
    current = fresh(issue).due_date
    new_date = add_working_days(current, 5)
    eid = ask(api, personas["hrss_staff"], issue, due_date=new_date.isoformat()).json()["id"]
    decide(api, personas["secretariat"], issue, eid, "approve")
    reason = fresh(issue).history.latest("history_date").history_change_reason
    assert "延长 5 个工作日" in reason


# --- who is told -------------------------------------------------------------------------


def test_the_secretariat_hears_of_a_request_and_the_lead_of_the_decision(
    api, personas, co_handled, django_capture_on_commit_callbacks
):
    issue = co_handled()
    li, wang = personas["hrss_staff"], personas["secretariat"]
    with django_capture_on_commit_callbacks(execute=True):
        eid = ask(api, li, issue, reason="企业春节后复工").json()["id"]
    told = Notification.objects.filter(kind="extension_requested")
    assert list(told.values_list("recipient__username", flat=True)) == ["wang"]
    assert "企业春节后复工" in told.get().text and issue.number in told.get().text

    with django_capture_on_commit_callbacks(execute=True):
        decide(api, wang, issue, eid, "approve", "同意")
    told = Notification.objects.filter(kind="extension_approved")
    assert list(told.values_list("recipient__username", flat=True)) == ["li"]
    new = fresh(issue).due_date
    assert f"延至{new.year}年{new.month}月{new.day}日" in told.get().text

    with django_capture_on_commit_callbacks(execute=True):
        eid = ask(api, li, issue).json()["id"]
        decide(api, wang, issue, eid, "reject", "请按期办结")
    told = Notification.objects.filter(kind="extension_rejected")
    assert list(told.values_list("recipient__username", flat=True)) == ["li"]
    assert "请按期办结" in told.get().text


# --- language ------------------------------------------------------------------------------


def test_errors_in_english_for_an_english_client(api, personas, pending):
    issue, _eid = pending
    response = api.as_user(personas["hrss_staff"]).post(
        url(issue, "extensions/"),
        {"due_date": later(issue, 30), "reason": "again"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "pending" in response.json()["detail"].lower()
    response = api.as_user(personas["secretariat"]).post(
        url(issue, f"extensions/{_eid}/reject/"), {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["note"][0].lower()
