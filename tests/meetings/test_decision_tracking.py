"""Decisions tracked to 销号: with an issue they follow it; without one, the lead department
reports (open → reported), the secretariat closes (销号) or reopens with a reason."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from issues.models import PendingUpload, State
from meetings.agenda import follow_up
from meetings.models import Decision, DecisionState, Minutes
from organisation.models import Department
from tests.meetings.conftest import make_issue, make_meeting

pytestmark = pytest.mark.django_db
API = "/api/v1/decisions/"


def approved_meeting(day: date):
    meeting = make_meeting(day, state="minutes_approved")
    Minutes.objects.create(meeting=meeting, approved_at=timezone.now())
    return meeting


def decision(meeting=None, *, department="hrss", due=30, issue=None, order=1, state=None):
    meeting = meeting or approved_meeting(timezone.localdate() - timedelta(days=5))
    created = Decision.objects.create(
        minutes=meeting.minutes,
        order=order,
        text="秘书处会同市人社局汇总各链用工需求",
        department=Department.objects.get(code=department),
        due_date=timezone.localdate() + timedelta(days=due),
        issue=issue,
    )
    if state:
        Decision.objects.filter(pk=created.pk).update(state=state)
    return Decision.objects.get(pk=created.pk)


def pdf_file(name="办结报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 report\n%%EOF", content_type="application/pdf")


def test_report_then_close_with_history(hrss_staff, secretariat, api):
    d = decision()
    r = api.as_user(hrss_staff).post(
        f"{API}{d.pk}/report/", {"text": "已建立用工信息共享台账", "files": [pdf_file()]}
    )
    assert r.status_code == 200, r.data
    assert r.data["state"] == "reported" and r.data["report_text"] == "已建立用工信息共享台账"
    assert [f["original_name"] for f in r.data["files"]] == ["办结报告.pdf"]
    r = api.as_user(secretariat).post(f"{API}{d.pk}/close/", {"reason": "材料齐全，同意销号"})
    assert r.status_code == 200 and r.data["state"] == "closed" and r.data["is_overdue"] is False
    rows = list(d.history.exclude(transition="").order_by("history_date", "history_id"))
    assert [(h.transition, h.from_state, h.state, h.history_user) for h in rows] == [
        ("report", "open", "reported", hrss_staff),
        ("close", "reported", "closed", secretariat),
    ]
    assert rows[1].history_change_reason == "材料齐全，同意销号"


def test_reopen_needs_a_reason_and_sends_it_back_open(secretariat, api):
    d = decision(state=DecisionState.REPORTED)
    client = api.as_user(secretariat)
    r = client.post(f"{API}{d.pk}/reopen/", {"reason": ""})
    assert r.status_code == 400 and "reason" in r.data
    r = client.post(f"{API}{d.pk}/reopen/", {"reason": "台账未覆盖机器人产业链"})
    assert r.status_code == 200 and r.data["state"] == "open"
    assert d.history.latest("history_date").history_change_reason == "台账未覆盖机器人产业链"


def test_a_decision_with_an_issue_follows_it(hrss_staff, api):
    issue = make_issue(state=State.ASSIGNED, due_date=timezone.localdate() - timedelta(days=2))
    d = decision(issue=issue, due=-1)
    r = api.as_user(hrss_staff).get(API)
    row = next(x for x in r.data["results"] if x["id"] == d.pk)
    assert row["state"] == "following_issue" and row["is_overdue"] is True
    r = api.as_user(hrss_staff).post(f"{API}{d.pk}/report/", {"text": "已办理"})
    assert r.status_code == 409 and issue.number in r.data["detail"]
    assert Decision.objects.filter(pk=d.pk).overdue_on(timezone.localdate()).exists()
    for n, done in enumerate((State.VERIFIED, State.WITHDRAWN), start=2):
        finished = decision(issue=make_issue(f"已了结{n}", state=done), due=-1, order=n)
        assert finished.is_done and finished.is_overdue is False, done
        assert not Decision.objects.filter(pk=finished.pk).overdue_on(timezone.localdate())


def test_an_open_decision_past_its_due_date_is_overdue_a_reported_one_is_not():
    late = decision(due=-1)
    assert late.is_overdue
    assert not decision(due=-1, order=2, state=DecisionState.REPORTED).is_overdue
    assert list(Decision.objects.overdue_on(timezone.localdate())) == [late]


# --- the permission table: persona × action → status -----------------------------------------

# (action, the decision's state, {persona: status}); 200 = done.
TABLE = [
    (
        "report",
        "open",
        {
            "hrss_staff": 200,
            "housing_staff": 403,
            "software_officer": 403,
            "secretariat": 403,
            "leader": 403,
            "outsider": 404,
        },
    ),
    (
        "close",
        "reported",
        {
            "secretariat": 200,
            "hrss_staff": 403,
            "software_officer": 403,
            "leader": 403,
            "outsider": 404,
        },
    ),
    (
        "reopen",
        "closed",
        {
            "secretariat": 200,
            "hrss_staff": 403,
            "housing_staff": 403,
            "leader": 403,
            "outsider": 404,
        },
    ),
]


@pytest.mark.parametrize(
    ("action", "state", "persona", "expected"),
    [(a, s, p, e) for a, s, row in TABLE for p, e in row.items()],
)
def test_permissions(action, state, persona, expected, request, api):
    d = decision(state=state)
    user = request.getfixturevalue(persona)
    r = api.as_user(user).post(f"{API}{d.pk}/{action}/", {"text": "已办结", "reason": "核实"})
    assert r.status_code == expected, r.data
    unchanged = Decision.objects.get(pk=d.pk).state == state
    assert unchanged is (expected != 200)


def test_statuses_come_in_order_404_403_409_400(hrss_staff, housing_staff, secretariat, api):
    draft = make_meeting(timezone.localdate(), state="held")
    Minutes.objects.create(meeting=draft)
    unapproved = Decision.objects.create(minutes=draft.minutes, order=1, text="草稿中的事项")
    assert api.as_user(secretariat).post(f"{API}{unapproved.pk}/close/").status_code == 404
    assert api.as_user(secretariat).post(f"{API}{unapproved.pk}/nonsense/").status_code == 404
    closed = decision(state=DecisionState.CLOSED)
    # Not allowed (403) before the state (409), the state before the input (400).
    assert api.as_user(housing_staff).post(f"{API}{closed.pk}/report/").status_code == 403
    assert api.as_user(hrss_staff).post(f"{API}{closed.pk}/report/").status_code == 409
    open_one = decision(order=2)
    r = api.as_user(hrss_staff).post(f"{API}{open_one.pk}/report/", {"text": " "})
    assert r.status_code == 400 and "text" in r.data
    r = api.as_user(hrss_staff).post(
        f"{API}{open_one.pk}/report/",
        {"text": "已办结", "files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00")]},
    )
    assert r.status_code == 400 and "files" in r.data
    assert Decision.objects.get(pk=open_one.pk).state == DecisionState.OPEN
    assert not open_one.files.exists()


# --- the list -------------------------------------------------------------------------------


def test_the_list_and_its_filters(leader, outsider, api):
    earlier = approved_meeting(date(2024, 5, 10))
    now = approved_meeting(timezone.localdate() - timedelta(days=3))
    old = decision(earlier, department="finance", due=-10)
    late = decision(now, due=-1)
    fine = decision(now, order=2, due=10, state=DecisionState.REPORTED)
    draft = make_meeting(timezone.localdate(), state="held")
    Minutes.objects.create(meeting=draft)
    Decision.objects.create(minutes=draft.minutes, order=1, text="未审定")
    client = api.as_user(leader)

    def ids(**params):
        r = client.get(API, params)
        assert r.status_code == 200, r.data
        return [row["id"] for row in r.data["results"]]

    assert ids() == [old.pk, late.pk, fine.pk]
    assert ids(year=2024) == [old.pk]
    assert ids(department="hrss") == [late.pk, fine.pk]
    assert ids(state="reported") == [fine.pk]
    assert ids(state="open") == [old.pk, late.pk]
    assert ids(overdue="true") == [old.pk, late.pk]
    row = client.get(API, {"state": "reported"}).data["results"][0]
    assert set(row) >= {
        "id",
        "meeting",
        "text",
        "department",
        "co_departments",
        "due_date",
        "issue",
        "state",
        "is_overdue",
    }
    assert row["meeting"] == now.pk and row["department"] == "hrss"
    assert client.get(API, {"state": "nonsense"}).status_code == 400
    assert api.as_user(outsider).get(API).status_code == 403


# --- the page -------------------------------------------------------------------------------


def test_the_page_reports_closes_and_serves_the_files(hrss_staff, secretariat, client):
    d = decision(due=-2)
    client.force_login(hrss_staff)
    page = client.get("/decisions/?overdue=true").content.decode()
    assert d.text in page and "已过完成时限" in page and f"/decisions/{d.pk}/report/" in page
    response = client.post(
        f"/decisions/{d.pk}/report/", {"text": "已建立共享台账", "files": [pdf_file()]}
    )
    assert response.status_code == 302
    record = Decision.objects.get(pk=d.pk).files.get()
    download = client.get(f"/decisions/{d.pk}/files/{record.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(secretariat)
    page = client.get("/decisions/?state=reported").content.decode()
    assert "确认销号" in page and "已建立共享台账" in page
    assert client.post(f"/decisions/{d.pk}/close/", {"reason": ""}).status_code == 302
    assert Decision.objects.get(pk=d.pk).state == DecisionState.CLOSED
    again = client.post(f"/decisions/{d.pk}/close/", {"reason": ""})
    assert again.status_code == 409 and "已销号" in again.content.decode()


def test_a_report_file_is_stored_like_any_attachment(hrss_staff, api):
    """A random name on disk: the sender's file name never becomes a path."""
    d = decision()
    r = api.as_user(hrss_staff).post(
        f"{API}{d.pk}/report/", {"text": "已办结", "files": [pdf_file("../../etc/办结报告.pdf")]}
    )
    assert r.status_code == 200, r.data
    record = Decision.objects.get(pk=d.pk).files.get()
    assert record.original_name == "办结报告.pdf"
    assert record.file.name.startswith("decisions/") and "办结报告" not in record.file.name


def test_the_page_refuses_a_department_that_does_not_lead(housing_staff, outsider, client):
    d = decision()
    client.force_login(housing_staff)
    assert f"/decisions/{d.pk}/report/" not in client.get("/decisions/").content.decode()
    assert client.post(f"/decisions/{d.pk}/report/", {"text": "x"}).status_code == 403
    client.force_login(outsider)
    assert client.get("/decisions/").status_code == 403


# --- follow-up and the ledger -----------------------------------------------------------------


def test_an_open_decision_stays_on_follow_up_until_closed_then_leaves():
    first = approved_meeting(date(2024, 3, 1))
    second = approved_meeting(date(2024, 5, 1))
    d = decision(first, due=-10)
    rows, _issues = follow_up(second, timezone.localdate())  # P = second: d is carried over
    assert [(r["id"], r["status"], r["meeting"]) for r in rows] == [
        (d.pk, "due_passed", first.title)
    ]
    Decision.objects.filter(pk=d.pk).update(state=DecisionState.REPORTED)
    rows, _issues = follow_up(second, timezone.localdate())
    assert [(r["status"], r["status_label"]) for r in rows] == [("reported", "已报办结，待销号")]
    Decision.objects.filter(pk=d.pk).update(state=DecisionState.CLOSED)
    assert follow_up(second, timezone.localdate())[0] == []
    # At P's own follow-up a closed decision shows as 已销号.
    rows, _issues = follow_up(first, date(2024, 5, 1))
    assert [r["status_label"] for r in rows] == ["已销号"]


def test_the_ledger_shows_the_states(leader, client):
    meeting = approved_meeting(date(2024, 5, 10))
    decision(meeting, due=-5)
    closed = decision(meeting, order=2, state=DecisionState.CLOSED)
    Decision.objects.filter(pk=closed.pk).update(report_text="已办结", closed_at=timezone.now())
    client.force_login(leader)
    sheet = load_workbook(BytesIO(client.get("/meetings/decisions/2024.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][8:] == ("当前状态", "是否逾期", "办结情况", "销号日期")
    assert rows[1][8:10] == ("已过时限", "是")
    assert rows[2][8:11] == ("已销号", "否", "已办结")
    assert rows[2][11].date() == timezone.localdate()


def test_a_report_file_chosen_before_a_refusal_is_kept_for_the_next_try(hrss_staff, client):
    """The report's text refused (a control character): its 办结材料 need not be chosen again."""
    d = decision()
    client.force_login(hrss_staff)
    response = client.post(
        f"/decisions/{d.pk}/report/", {"text": "已\x07办结", "files": [pdf_file()]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "已选择：办结报告.pdf" in html
    [token] = re.findall(r'name="pending" value="([^"]+)"', html)
    response = client.post(f"/decisions/{d.pk}/report/", {"text": "已办结", "pending": [token]})
    assert response.status_code == 302
    assert Decision.objects.get(pk=d.pk).files.get().original_name == "办结报告.pdf"
    assert not PendingUpload.objects.exists()
