"""Minutes and their approval: decisions act on issues atomically; approval locks the minutes."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from issues.models import Issue, State
from meetings.documents import minutes_document
from meetings.models import Decision, Meeting, MeetingState
from meetings.services import (
    MeetingConflict,
    approve_minutes,
    generate_agenda,
    perform_meeting_transition,
    save_minutes,
    set_attendance,
)
from meetings.signals import agenda_published
from organisation.models import Department
from tests.meetings.conftest import FAKE_PDF, make_issue, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    return make_meeting(timezone.localdate(), state=MeetingState.HELD)


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def test_approval_applies_each_decision_by_the_issue_state(secretariat, held):
    raised = make_issue("待交办的问题")
    assigned = make_issue("办理中的问题", state=State.ASSIGNED, due_date=in_days(5))
    resolved = make_issue("待核实的问题", state=State.RESOLVED, due_date=in_days(5))
    save_minutes(
        held,
        secretariat,
        summary="会议研究了三个问题。",
        decisions=[
            {
                "text": "由市人社局牵头，30日内办结",
                "department": "hrss",
                "due_date": in_days(30),
                "issue": raised.pk,
            },
            {
                "text": "改由市住房保障局办理",
                "department": "housing",
                "due_date": in_days(15),
                "issue": assigned.pk,
            },
            {"text": "请联络员尽快核实", "issue": resolved.pk},
            {"text": "秘书处汇总各链用工需求", "due_date": in_days(40)},
        ],
    )
    meeting = approve_minutes(held, secretariat)
    assert meeting.state == MeetingState.MINUTES_APPROVED

    raised.refresh_from_db()
    assert (raised.state, raised.department.code, raised.due_date) == (
        State.ASSIGNED,
        "hrss",
        in_days(30),
    )
    assigned.refresh_from_db()
    assert (assigned.state, assigned.department.code, assigned.due_date) == (
        State.ASSIGNED,
        "housing",
        in_days(15),
    )
    assert Issue.objects.get(pk=resolved.pk).state == State.RESOLVED
    assert list(
        Decision.objects.order_by("order").values_list("applied_transition", flat=True)
    ) == [
        "assign",
        "reassign",
        "",
        "",
    ]

    # The history names the meeting and the decision, with the approver as the user.
    row = raised.history.latest()
    assert row.transition == "assign" and row.history_user == secretariat
    assert row.history_change_reason == f"{held.title}议定事项1：由市人社局牵头，30日内办结"
    row = assigned.history.latest()
    assert row.transition == "reassign" and held.title in row.history_change_reason


def test_a_decision_on_an_accepted_issue_reassigns_it(secretariat, held):
    """办理中 (signed for) is handled like 待签收: the new lead department must sign again."""
    accepted = make_issue("已签收的问题", state=State.ACCEPTED, due_date=in_days(5))
    save_minutes(
        held,
        secretariat,
        summary="会议研究了一个问题。",
        decisions=[
            {
                "text": "改由市住房保障局办理",
                "department": "housing",
                "due_date": in_days(15),
                "issue": accepted.pk,
            }
        ],
    )
    approve_minutes(held, secretariat)
    accepted.refresh_from_db()
    assert (accepted.state, accepted.department.code, accepted.due_date) == (
        State.ASSIGNED,
        "housing",
        in_days(15),
    )
    assert Decision.objects.get().applied_transition == "reassign"


def test_one_bad_decision_applies_nothing_and_names_the_decision(secretariat, held):
    first = make_issue("第一个问题")
    second = make_issue("第二个问题")
    in_ten_days, yesterday = in_days(10), in_days(-1)
    # Saved two days ago, when the second due date was still ahead: approval checks again.
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        save_minutes(
            held,
            secretariat,
            decisions=[
                {
                    "text": "交市人社局",
                    "department": "hrss",
                    "due_date": in_ten_days,
                    "issue": first.pk,
                },
                {
                    "text": "交市财政局，期限已过",
                    "department": "finance",
                    "due_date": yesterday,
                    "issue": second.pk,
                },
            ],
        )
    with pytest.raises(ValidationError) as error:
        approve_minutes(held, secretariat)
    assert error.value.message_dict["decisions"] == ["议定事项 2：办理时限不能早于今天。"]
    assert Issue.objects.get(pk=first.pk).state == State.RAISED
    assert first.history.count() == 1  # only "raise"
    held.refresh_from_db()
    assert held.state == MeetingState.HELD and not held.minutes.approved_at and not held.minutes.pdf
    # Still editable: fix the date and approve.
    save_minutes(
        held,
        secretariat,
        decisions=[
            {
                "text": "交市人社局",
                "department": "hrss",
                "due_date": in_days(10),
                "issue": first.pk,
            },
            {
                "text": "交市财政局",
                "department": "finance",
                "due_date": in_days(20),
                "issue": second.pk,
            },
        ],
    )
    approve_minutes(held, secretariat)
    assert Issue.objects.get(pk=second.pk).department.code == "finance"


def test_a_decision_on_an_issue_in_another_state_is_recorded_only(secretariat, held):
    issue = make_issue("已被撤回")
    save_minutes(
        held,
        secretariat,
        decisions=[
            {
                "text": "交市人社局",
                "department": "hrss",
                "due_date": in_days(10),
                "issue": issue.pk,
            },
        ],
    )
    Issue.objects.filter(pk=issue.pk).update(state=State.WITHDRAWN)
    # A withdrawn issue is "otherwise": recorded only, approval goes through.
    approve_minutes(held, secretariat)
    assert Decision.objects.get().applied_transition == ""


def test_approval_locks_the_minutes_and_stores_the_pdf(secretariat, held):
    save_minutes(held, secretariat, summary="会议纪要正文")
    meeting = approve_minutes(held, secretariat)
    minutes = meeting.minutes
    minutes.refresh_from_db()
    assert minutes.pdf.read() == FAKE_PDF
    assert minutes.pdf_sha256 == hashlib.sha256(FAKE_PDF).hexdigest()
    assert minutes.approved_by == secretariat
    with pytest.raises(MeetingConflict):
        save_minutes(meeting, secretariat, summary="再改")
    with pytest.raises(MeetingConflict):
        set_attendance(meeting, secretariat, [])
    with pytest.raises(MeetingConflict):
        approve_minutes(meeting, secretariat)
    assert Meeting.objects.get(pk=meeting.pk).minutes.summary == "会议纪要正文"


def test_minutes_are_written_only_while_the_meeting_runs(secretariat):
    planned = make_meeting(in_days(3))
    with pytest.raises(MeetingConflict):
        save_minutes(planned, secretariat, summary="还没开会")


def test_lifecycle_history_names_who_and_why(secretariat, leader):
    make_issue("一个新问题")
    meeting = make_meeting(in_days(2))
    generate_agenda(meeting, secretariat)
    with pytest.raises(PermissionDenied):
        perform_meeting_transition(meeting, "publish_agenda", leader)
    meeting = perform_meeting_transition(meeting, "publish_agenda", secretariat)
    meeting = perform_meeting_transition(
        meeting, "cancel", secretariat, reason="与市政府常务会议冲突，改期"
    )
    rows = list(meeting.history.order_by("history_date", "history_id"))
    assert [(r.transition, r.from_state, r.state) for r in rows][-2:] == [
        ("publish_agenda", "planned", "agenda_published"),
        ("cancel", "agenda_published", "cancelled"),
    ]
    assert rows[-1].history_user == secretariat
    assert rows[-1].history_change_reason == "与市政府常务会议冲突，改期"
    with pytest.raises(MeetingConflict):
        perform_meeting_transition(meeting, "hold", secretariat)


def test_agenda_published_is_announced_after_commit(
    secretariat, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, meeting, **kwargs):
        received.append(meeting.pk)

    agenda_published.connect(listener)
    try:
        make_issue("一个新问题")
        meeting = make_meeting(in_days(2))
        generate_agenda(meeting, secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            perform_meeting_transition(meeting, "publish_agenda", secretariat)
        assert received == [meeting.pk]
    finally:
        agenda_published.disconnect(listener)


def test_minutes_document_shape_and_fingerprint(secretariat, held, software_officer):
    issue = make_issue("文档中的问题")
    set_attendance(
        held,
        secretariat,
        [
            {"user": software_officer},
            {"name": "赵六", "organisation": "市财政局", "status": "absent", "note": "出差"},
            {"name": "钱七", "organisation": "企业代表", "status": "observer"},
        ],
    )
    save_minutes(
        held,
        secretariat,
        summary="纪要",
        decisions=[
            {
                "text": "交市人社局",
                "department": Department.objects.get(code="hrss"),
                "due_date": in_days(9),
                "issue": issue,
            },
        ],
    )
    doc = minutes_document(held)
    assert doc["meeting"]["number_label"] == f"〔{held.year}〕{held.number}号"
    assert doc["meeting"]["date_label"].endswith("日")
    assert doc["decisions"] == [
        {
            "number": 1,
            "text": "交市人社局",
            "department": "市人力资源和社会保障局",
            "due_date": in_days(9).isoformat(),
            "issue_number": issue.number,
        }
    ]
    assert doc["attendance"]["absent"] == [
        {"name": "赵六", "organisation": "市财政局", "note": "出差"}
    ]
    assert doc["attendance"]["observer"] == [{"name": "钱七", "organisation": "企业代表"}]
    assert len(doc["fingerprint"]) == 12
    assert minutes_document(held)["fingerprint"] == doc["fingerprint"]
    save_minutes(held, secretariat, summary="改过的纪要")
    assert minutes_document(held)["fingerprint"] != doc["fingerprint"]


def test_approval_renders_the_real_minutes_pdf(real_pdf, secretariat, held):
    pytest.importorskip("meetings.printed")
    save_minutes(
        held,
        secretariat,
        summary="会议听取了软件产业链用工问题的汇报。",
        decisions=[
            {"text": "由市人社局牵头，30日内办结", "department": "hrss", "due_date": in_days(30)},
        ],
    )
    meeting = approve_minutes(held, secretariat)
    data = meeting.minutes.pdf.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == meeting.minutes.pdf_sha256
