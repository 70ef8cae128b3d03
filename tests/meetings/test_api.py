"""The meetings API: the whole journey, the JSON of DESIGN, and permissions as a table."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from issues.models import Issue, State
from meetings.models import Meeting, MeetingState
from meetings.services import generate_agenda, save_minutes, set_attendance
from tests.meetings.conftest import FAKE_PDF, make_issue, make_meeting

pytestmark = pytest.mark.django_db

BASE = "/api/v1/meetings/"


def test_the_secretariat_runs_a_meeting_through_the_api(api, secretariat, software_officer):
    issue = make_issue("软件测试人才招聘难", raised_on=timezone.localdate() - timedelta(days=5))
    client = api.as_user(secretariat)
    when = (timezone.localtime() + timedelta(days=7)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    r = client.post(
        BASE,
        {"kind": "regular", "scheduled_at": when.isoformat(), "location": "市总工会三楼会议室"},
        format="json",
    )
    assert r.status_code == 201, r.data
    meeting = r.data
    assert meeting["title"].endswith("次产业链联络员会议") and meeting["state"] == "planned"
    assert set(meeting) >= {
        "id",
        "kind",
        "number",
        "title",
        "scheduled_at",
        "location",
        "state",
        "agenda",
        "attendance",
        "minutes",
    }
    url = f"{BASE}{meeting['id']}/"

    r = client.post(url + "agenda/generate/")
    assert r.status_code == 200
    new = next(item for item in r.data["agenda"] if item["section"] == "new")
    assert set(new) >= {"id", "order", "section", "title", "issues", "notes"}
    assert new["issues"] == [
        {
            "id": issue.pk,
            "number": issue.number,
            "title": issue.title,
            "state": "raised",
            "department": None,
            "due_date": None,
            "warning": None,
        }
    ]

    assert client.post(url + "transitions/publish_agenda/").data["state"] == "agenda_published"
    assert client.post(url + "agenda/generate/").status_code == 409

    r = client.put(
        url + "attendance/",
        [
            {"user": software_officer.pk, "status": "present"},
            {
                "name": "赵六",
                "organisation": "市人力资源和社会保障局",
                "status": "absent",
                "note": "出差",
            },
            {"name": "钱七", "organisation": "郑州软件园企业代表", "status": "observer"},
        ],
        format="json",
    )
    assert r.status_code == 200, r.data
    assert [(a["name"], a["status"]) for a in r.data] == [
        ("张敏", "present"),
        ("赵六", "absent"),
        ("钱七", "observer"),
    ]
    assert r.data[0]["organisation"] == "软件产业链联络员"

    with time_machine.travel(when, tick=True):  # held on its day
        assert client.post(url + "transitions/hold/").data["state"] == "held"
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    r = client.put(
        url + "minutes/",
        {
            "summary": "会议听取了各产业链问题办理情况汇报。",
            "items": [{"agenda_item": new["id"], "discussion": "与会人员认为应尽快交办。"}],
            "decisions": [
                {
                    "text": "由市人社局牵头，20日内办结",
                    "department": "hrss",
                    "due_date": due,
                    "issue": issue.number,
                }
            ],
        },
        format="json",
    )
    assert r.status_code == 200, r.data
    assert (
        r.data["decisions"][0]["department"] == "hrss"
        and r.data["decisions"][0]["issue"] == issue.pk
    )
    assert r.data["items"] == [{"agenda_item": new["id"], "discussion": "与会人员认为应尽快交办。"}]

    r = client.post(url + "transitions/approve_minutes/")
    assert r.status_code == 200, r.data
    assert r.data["state"] == "minutes_approved"
    assert r.data["minutes"]["approved_at"] and len(r.data["minutes"]["pdf_sha256"]) == 64
    issue.refresh_from_db()
    assert (issue.state, issue.department.code, issue.due_date.isoformat()) == (
        "assigned",
        "hrss",
        due,
    )

    r = client.put(url + "minutes/", {"summary": "改动"}, format="json")
    assert r.status_code == 409
    assert client.get(url + "minutes/").data["summary"] == "会议听取了各产业链问题办理情况汇报。"
    assert client.put(url + "attendance/", [], format="json").status_code == 409


def test_bad_input_is_400_with_field_errors(api, secretariat):
    client = api.as_user(secretariat)
    assert client.post(BASE, {"kind": "weekly"}, format="json").status_code == 400
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    r = client.put(
        f"{BASE}{meeting.pk}/attendance/", [{"status": "absent", "name": "赵六"}], format="json"
    )
    assert r.status_code == 400 and "请假须注明原因" in r.data["attendance"][0]
    r = client.put(
        f"{BASE}{meeting.pk}/minutes/",
        {"decisions": [{"text": "", "department": "nowhere"}]},
        format="json",
    )
    assert r.status_code == 400 and r.data["decisions"][0].startswith("议定事项 1：")


def test_a_second_annual_meeting_in_a_year_is_refused(api, secretariat):
    client = api.as_user(secretariat)
    body = {"kind": "annual", "scheduled_at": "2024-12-20T09:00:00+08:00"}
    assert client.post(BASE, body, format="json").data["title"] == "2024年度工会和政府联席会议"
    r = client.post(BASE, body | {"scheduled_at": "2024-06-20T09:00:00+08:00"}, format="json")
    assert r.status_code == 400 and "kind" in r.data


def test_the_list_is_upcoming_first(api, leader):
    today = timezone.localdate()
    past = make_meeting(today - timedelta(days=30), state=MeetingState.HELD)
    later = make_meeting(today + timedelta(days=40))
    soon = make_meeting(today + timedelta(days=3))
    older = make_meeting(today - timedelta(days=90), state=MeetingState.MINUTES_APPROVED)
    r = api.as_user(leader).get(BASE)
    assert [m["id"] for m in r.data["results"]] == [soon.pk, later.pk, past.pk, older.pk]


def _detail_queries(client, meeting):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"{BASE}{meeting.pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_detail_query_count_is_flat(api, leader, secretariat, django_assert_max_num_queries):
    def meeting_with(n):
        issues = [make_issue(f"问题{k}") for k in range(n)]
        meeting = make_meeting(timezone.localdate())
        generate_agenda(meeting, secretariat)
        meeting = type(meeting).objects.get(pk=meeting.pk)
        type(meeting).objects.filter(pk=meeting.pk).update(state=MeetingState.HELD)
        meeting.refresh_from_db()
        set_attendance(
            meeting, secretariat, [{"name": f"代表{k}", "organisation": "企业"} for k in range(n)]
        )
        due = timezone.localdate() + timedelta(days=9)
        save_minutes(
            meeting,
            secretariat,
            summary="纪要",
            items=[{"agenda_item": i.pk, "discussion": "讨论"} for i in meeting.agenda_items.all()],
            decisions=[
                {"text": f"决定{k}", "department": "hrss", "due_date": due, "issue": i.pk}
                for k, i in enumerate(issues)
            ],
        )
        return meeting

    client = api.as_user(leader)
    small, large = meeting_with(2), meeting_with(30)
    # session/token, meeting_for, meeting + minutes, agenda items, attendance, item notes,
    # decisions (with department and issue)
    with django_assert_max_num_queries(8):
        _detail_queries(client, small)
    assert _detail_queries(client, small) == _detail_queries(client, large)


def test_list_query_count_is_flat(api, leader, django_assert_max_num_queries):
    client = api.as_user(leader)
    for k in range(3):
        make_meeting(timezone.localdate() + timedelta(days=k))
    # token, count, page
    with django_assert_max_num_queries(3):
        assert client.get(BASE).status_code == 200
    for k in range(30):
        make_meeting(timezone.localdate() - timedelta(days=k + 1))
    with django_assert_max_num_queries(3):
        assert len(client.get(BASE).data["results"]) == 33


# --- permissions as a table: role × action → status ----------------------------------------

ACTIONS = {
    "list": ("get", "", None),
    "detail": ("get", "{id}/", None),
    "create": ("post", "", {"kind": "regular", "scheduled_at": "2030-01-05T09:00:00+08:00"}),
    "generate": ("post", "{id}/agenda/generate/", None),
    "publish": ("post", "{id}/transitions/publish_agenda/", None),
    "cancel": ("post", "{id}/transitions/cancel/", {"reason": "改期"}),
    "attendance": ("put", "{id}/attendance/", [{"name": "张三", "organisation": "市财政局"}]),
    "minutes_get": ("get", "{id}/minutes/", None),
}
READS = {"list", "detail", "minutes_get"}
# Publishing an empty agenda is bad input (400): there is nothing to publish yet.
OK = {
    "list": 200,
    "detail": 200,
    "create": 201,
    "generate": 200,
    "publish": 400,
    "cancel": 200,
    "attendance": 200,
    "minutes_get": 200,
}
ROLES = ["secretariat", "leader", "software_officer", "hrss_staff", "outsider", "anonymous"]


def expected(role, action):
    if role == "anonymous":
        return 401
    if role == "secretariat":
        return OK[action]
    if role == "outsider":
        # Without a role in the mechanism no meeting exists for you; creating is not for you.
        return {"list": 200, "create": 403}.get(action, 404)
    return 200 if action in READS else 403


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(api, personas, role, action):
    meeting = make_meeting(timezone.localdate() + timedelta(days=10))
    method, path, body = ACTIONS[action]
    client = api if role == "anonymous" else api.as_user(personas[role])
    r = getattr(client, method)(BASE + path.format(id=meeting.pk), body, format="json")
    assert r.status_code == expected(role, action), (role, action, r.data)
    if r.status_code in (401, 403, 404):
        assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.PLANNED
        assert Meeting.objects.count() == 1


def test_unknown_transition_is_404(api, secretariat):
    meeting = make_meeting(timezone.localdate())
    assert (
        api.as_user(secretariat).post(f"{BASE}{meeting.pk}/transitions/explode/").status_code == 404
    )


def test_approval_with_a_bad_decision_answers_400_and_applies_nothing(api, secretariat):
    good = make_issue("好的决定")
    bad = make_issue("缺少部门")
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    client = api.as_user(secretariat)
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    client.put(
        f"{BASE}{meeting.pk}/minutes/",
        {
            "decisions": [
                {"text": "交市人社局办理", "department": "hrss", "due_date": due, "issue": good.pk},
                {"text": "尽快研究", "issue": bad.pk},
            ]
        },
        format="json",
    )
    r = client.post(f"{BASE}{meeting.pk}/transitions/approve_minutes/")
    assert r.status_code == 400
    assert r.data["decisions"][0].startswith("议定事项 2：")
    assert Issue.objects.get(pk=good.pk).state == State.RAISED
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.HELD
    r = client.put(
        f"{BASE}{meeting.pk}/minutes/",
        {
            "decisions": [
                {"text": "交市人社局办理", "department": "hrss", "due_date": due, "issue": good.pk},
            ]
        },
        format="json",
    )
    assert r.status_code == 200
    assert FAKE_PDF  # the stub renderer is in place for this module
