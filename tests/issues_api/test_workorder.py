"""The work-order practice of DESIGN's state machine: 签收, 协办, 答复 with a reply letter,
three-level rating, 重办 with a fresh time limit, 合并重复件, 代录, 批示, working-day deadlines."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from issues.models import Issue, IssueUpdate, State, today
from issues.services import perform_transition
from notifications.models import Notification
from organisation.calendar import add_working_days
from organisation.models import Department
from tests.issues_api.helpers import file_issue, fresh, url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64


def post(api, user, issue, name, body, **kwargs):
    kwargs.setdefault("format", "json")
    return api.as_user(user).post(url(issue, f"transitions/{name}/"), body, **kwargs)


def _at(day: date, hour: int = 10):
    return time_machine.travel(timezone.make_aware(datetime.combine(day, time(hour))), tick=False)


# --- 重办: the defect of issue 11 ------------------------------------------------------------


def test_reopening_does_not_hand_the_department_its_old_expired_deadline(api, personas, issue_in):
    issue = issue_in(State.RESOLVED)  # due in 10 days, handled by hrss
    old_due = fresh(issue).due_date
    later = old_due + timedelta(days=90)
    with _at(later):
        response = post(
            api, personas["software_officer"], issue, "reopen", {"reason": "补贴仍未到账"}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["state"] == "assigned" and body["department"] == "hrss"
        assert body["due_date"] == add_working_days(later, 10).isoformat()  # default_days
        assert body["is_overdue"] is False and body["days_overdue"] == 0
        assert body["accepted_at"] is None, "the department signs for it again"


# --- assign: default due date, co-departments -------------------------------------------------


def test_assign_without_a_date_takes_the_categorys_working_days(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    response = post(api, personas["secretariat"], issue, "assign", {"department": "hrss"})
    assert response.status_code == 200
    assert response.json()["due_date"] == add_working_days(today(), 10).isoformat()


def test_assign_counts_the_national_day_week_in_working_days(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    with _at(date(2026, 9, 30)):
        response = post(api, personas["secretariat"], issue, "assign", {"department": "hrss"})
    # 10-01 … 10-07 are 国庆/中秋 holidays, 10-10 (Saturday) a 调休 working day:
    # 09-30 + 10 working days = 10-08, 09, 10, 12, 13, 14, 15, 16, 19, 20.
    assert response.json()["due_date"] == "2026-10-20"


@pytest.fixture
def co_handled(api, personas, issue_in):
    """A 软件 issue led by hrss with housing as co-department (协办)."""
    issue = issue_in(State.RAISED)
    response = post(
        api,
        personas["secretariat"],
        issue,
        "assign",
        {"department": "hrss", "co_departments": ["housing"], "note": "市人社局牵头"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["co_departments"] == ["housing"]
    return issue


def test_a_co_department_sees_and_posts_notes_but_never_acts(api, personas, co_handled):
    ma = personas["housing_staff"]
    assert api.as_user(ma).get(url(co_handled)).status_code == 200
    for name, body in [
        ("accept", {}),
        ("return", {"reason": "x"}),
        ("resolve", {"resolution": "x"}),
    ]:
        assert post(api, ma, co_handled, name, body).status_code == 403, name
    assert api.as_user(ma).get(url(co_handled)).json()["available_transitions"] == []
    response = api.as_user(ma).post(
        url(co_handled, "updates/"), {"text": "住房保障政策可支持"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "co_department"
    assert response.json()["department"] == "housing"
    listed = api.as_user(ma).get("/api/v1/issues/?involved=housing").json()
    assert [row["id"] for row in listed["results"]] == [co_handled.pk]
    led = api.as_user(personas["secretariat"]).get("/api/v1/issues/?department=housing").json()
    assert led["count"] == 0, "department= is the lead only"


def test_the_lead_is_told_of_a_co_department_note(
    api, personas, co_handled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api.as_user(personas["housing_staff"]).post(
            url(co_handled, "updates/"), {"text": "可提供人才公寓"}, format="json"
        )
    told = Notification.objects.filter(kind="co_department_note")
    assert set(told.values_list("recipient__username", flat=True)) == {
        personas["hrss_staff"].username
    }


def test_a_reassign_drops_a_co_department_that_becomes_the_lead(api, personas, co_handled):
    post(api, personas["hrss_staff"], co_handled, "accept", {})
    response = post(
        api,
        personas["secretariat"],
        co_handled,
        "reassign",
        {"department": "housing", "reason": "调整为市住房局牵头"},
    )
    body = response.json()
    assert (body["state"], body["department"], body["co_departments"]) == (
        "assigned",
        "housing",
        [],
    )
    # hrss was involved: it still sees the issue, and may no longer post notes.
    li = api.as_user(personas["hrss_staff"])
    assert li.get(url(co_handled)).status_code == 200
    assert li.post(url(co_handled, "updates/"), {"text": "x"}, format="json").status_code == 403


def test_the_lead_cannot_also_be_a_co_department(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    response = post(
        api,
        personas["secretariat"],
        issue,
        "assign",
        {"department": "hrss", "co_departments": ["hrss"]},
    )
    assert response.status_code == 400 and "co_departments" in response.json()


# --- 签收, 超时未签收 ---------------------------------------------------------------------------


def test_accept_starts_the_handling(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    response = post(api, personas["hrss_staff"], issue, "accept", {"note": "已签收"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "accepted" and body["accepted_at"]
    assert fresh(issue).history.order_by("-history_id").first().transition == "accept"


def test_an_issue_not_signed_for_within_a_working_day_is_red(api, personas):
    hrss = Department.objects.get(code="hrss")
    with _at(date(2026, 9, 30)):  # a Wednesday before the 国庆 week
        issue = perform_transition(
            file_issue(personas["software_officer"]),
            "assign",
            personas["secretariat"],
            department=hrss,
            due_date=date(2026, 11, 30),
        )
    wang = api.as_user(personas["secretariat"])
    with _at(date(2026, 10, 8)):  # the 签收 window: the first working day after 09-30
        body = wang.get(url(issue)).json()
        assert (body["is_unacknowledged"], body["warning"]) == (False, None)
    with _at(date(2026, 10, 9)):
        body = wang.get(url(issue)).json()
        assert (body["is_unacknowledged"], body["warning"]) == (True, "red")
        listed = wang.get("/api/v1/issues/?unacknowledged=true").json()["results"]
        assert [row["id"] for row in listed] == [issue.pk]
        perform_transition(fresh(issue), "accept", personas["hrss_staff"])
        body = wang.get(url(issue)).json()
        assert (body["is_unacknowledged"], body["warning"]) == (False, None)


def test_days_overdue_count_working_days(api, personas):
    with _at(date(2026, 9, 28)):
        issue = perform_transition(
            file_issue(personas["software_officer"]),
            "assign",
            personas["secretariat"],
            department=Department.objects.get(code="hrss"),
            due_date=date(2026, 9, 30),
        )
        perform_transition(issue, "accept", personas["hrss_staff"])
    with _at(date(2026, 10, 9)):
        body = api.as_user(personas["secretariat"]).get(url(issue)).json()
    assert body["is_overdue"] and body["days_overdue"] == 2  # 10-08 and 10-09 only


# --- 报结 with an answer and a reply letter; three-level rating ------------------------------------


def test_an_explained_resolution_with_a_reply_letter(api, personas, issue_in):
    issue = issue_in(State.ACCEPTED)
    response = post(
        api,
        personas["hrss_staff"],
        issue,
        "resolve",
        {
            "outcome": "explained",
            "resolution": "属国家政策范围，非本级事权，已向企业说明。",
            "files": [SimpleUploadedFile("回复函.pdf", PDF, content_type="application/pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "explained"
    detail = api.as_user(personas["software_officer"]).get(url(issue)).json()
    assert [(a["name"], a["reply"]) for a in detail["attachments"]] == [("回复函.pdf", True)]


def test_a_refused_reply_letter_leaves_the_issue_as_it_was(api, personas, issue_in):
    issue = issue_in(State.ACCEPTED)
    response = post(
        api,
        personas["hrss_staff"],
        issue,
        "resolve",
        {"resolution": "已解决", "files": [SimpleUploadedFile("x.exe", b"MZ" + b"0" * 20)]},
        format="multipart",
    )
    assert response.status_code == 400 and "files" in response.json()
    assert fresh(issue).state == State.ACCEPTED


def test_the_default_outcome_is_solved(api, personas, issue_in):
    issue = issue_in(State.ACCEPTED)
    response = post(api, personas["hrss_staff"], issue, "resolve", {"resolution": "已解决"})
    assert response.json()["outcome"] == "solved"


def test_dissatisfied_needs_a_reason(api, personas, issue_in):
    issue = issue_in(State.RESOLVED)
    zhang = personas["software_officer"]
    response = post(api, zhang, issue, "verify", {"satisfaction": "dissatisfied"})
    assert response.status_code == 400 and "note" in response.json()
    response = post(
        api, zhang, issue, "verify", {"satisfaction": "dissatisfied", "note": "企业仍未拿到补贴"}
    )
    assert response.status_code == 200
    assert response.json()["satisfaction"] == "dissatisfied"


# --- 合并重复件 -----------------------------------------------------------------------------------


def test_merge_links_both_issues_and_tells_the_duplicates_officer(
    api, personas, issue_in, django_capture_on_commit_callbacks
):
    original = issue_in(State.ACCEPTED)
    duplicate = issue_in(State.ASSIGNED)
    wang = personas["secretariat"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            api, wang, duplicate, "merge", {"duplicate_of": original.pk, "reason": "同一问题"}
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["duplicate_of"], body["department"], body["due_date"]) == (
        "merged",
        original.pk,
        None,
        None,
    )
    told = Notification.objects.filter(kind="merge").values_list("recipient__username", flat=True)
    assert set(told) == {personas["software_officer"].username}
    assert list(fresh(original).duplicates.all()) == [fresh(duplicate)]
    # Merged is final, and nothing merges into a merged issue.
    third = issue_in(State.RAISED)
    response = post(api, wang, third, "merge", {"duplicate_of": duplicate.pk, "reason": "重复"})
    assert response.status_code == 400 and "duplicate_of" in response.json()
    response = post(api, wang, third, "merge", {"duplicate_of": third.pk})
    assert response.status_code == 400
    response = post(api, wang, duplicate, "assign", {"department": "hrss"})
    assert response.status_code == 409


def test_merge_takes_the_number_too(api, personas, issue_in):
    original, duplicate = issue_in(State.RAISED), issue_in(State.RAISED)
    response = post(
        api, personas["secretariat"], duplicate, "merge", {"duplicate_of": original.number}
    )
    assert response.json()["duplicate_of"] == original.pk


# --- 代录 and 批示 ---------------------------------------------------------------------------------


def test_the_secretariat_files_for_a_chain_and_its_officer_is_told(
    api, personas, django_capture_on_commit_callbacks
):
    body = {
        "title": "无人机企业反映试飞空域审批慢",
        "description": "企业电话反映：试飞空域审批需两个月。",
        "chain": "drones",
        "category": "other",
        "source": "phone",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(personas["secretariat"]).post("/api/v1/issues/", body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["source"], response.json()["state"]) == ("phone", "raised")
    issue = Issue.objects.get()
    officer = issue.chain.current_term()
    told = Notification.objects.filter(kind="raise_for").values_list("recipient_id", flat=True)
    if officer is not None:
        assert officer.officer_id in set(told)
    bad = api.as_user(personas["secretariat"]).post(
        "/api/v1/issues/", {**body, "source": "pigeon"}, format="json"
    )
    assert bad.status_code == 400 and "source" in bad.json()


def test_an_officers_filing_has_no_source(api, personas):
    issue = file_issue(personas["software_officer"])
    assert api.as_user(personas["software_officer"]).get(url(issue)).json()["source"] is None


def test_a_leaders_note_is_an_instruction_for_the_lead_and_the_secretariat(
    api, personas, issue_in, django_capture_on_commit_callbacks
):
    issue = issue_in(State.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(personas["leader"]).post(
            url(issue, "updates/"), {"text": "请市人社局加快办理，月底前办结。"}, format="json"
        )
    assert response.status_code == 201 and response.json()["kind"] == "instruction"
    assert IssueUpdate.objects.get().kind == IssueUpdate.Kind.INSTRUCTION
    told = set(
        Notification.objects.filter(kind="instruction").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {personas["hrss_staff"].username, personas["secretariat"].username}
