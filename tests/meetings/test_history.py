"""Every meeting operation leaves one history row (who, when, what) and is announced inside its
transaction, so that what listeners write (notifications, deliveries, task rows) commits with
it and a rolled-back change leaves none; the messages of a refused transition read in the
person's language."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, MeetingState
from meetings.signals import agenda_published, meeting_changed
from notifications.models import Delivery, Notification
from organisation.models import Department
from tests.meetings.conftest import make_issue, make_meeting

pytestmark = pytest.mark.django_db


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def planned(secretariat):
    meeting = make_meeting(in_days(10))
    services.add_agenda_item(meeting, secretariat, title="用工需求对接")
    return meeting


def latest(meeting):
    return meeting.history.order_by("-history_date", "-history_id").first()


def held_copy(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD)
    return Meeting.objects.get(pk=meeting.pk)


def first_item(meeting):
    return meeting.agenda_items.order_by("order").first()


# operation → (what to do, text the history row's detail must contain)
EDITS = {
    "edit": (
        lambda m, u: services.update_meeting(m, u, location="市总工会二楼会议室"),
        "会议地点",
    ),
    "generate_agenda": (lambda m, u: services.generate_agenda(m, u), "保留手工添加1项"),
    "add_agenda_item": (
        lambda m, u: services.add_agenda_item(m, u, title="园区通勤问题"),
        "2. 园区通勤问题",
    ),
    "edit_agenda_item": (
        lambda m, u: services.update_agenda_item(first_item(m), u, title="人才对接"),
        "用工需求对接 → 1. 人才对接",
    ),
    "reorder_agenda": (
        lambda m, u: services.reorder_agenda(
            m,
            u,
            [
                services.add_agenda_item(m, u, title="其他事项").pk,
                first_item(m).pk,
            ],
        ),
        "1. 其他事项；2. 用工需求对接",  # the new order
    ),
    "remove_agenda_item": (
        lambda m, u: services.remove_agenda_item(first_item(m), u),
        "1. 用工需求对接",
    ),
    "set_attendance": (
        lambda m, u: services.set_attendance(
            m,
            u,
            [
                {"name": "赵磊", "organisation": "市财政局"},
                {"name": "钱七", "status": "absent", "note": "出差"},
            ],
        ),
        "出席1人，请假1人，列席0人",
    ),
    "save_minutes": (
        lambda m, u: services.save_minutes(
            held_copy(m),
            u,
            summary="会议研究了用工问题。",
            items=[{"agenda_item": first_item(m).pk, "discussion": "人社局介绍了补贴政策。"}],
            decisions=[{"text": "秘书处汇总需求", "due_date": in_days(20)}],
        ),
        "会议概述、议题讨论、议定事项",
    ),
}


@pytest.mark.parametrize("operation", list(EDITS))
def test_each_draft_edit_is_in_the_history(planned, secretariat, operation):
    act, detail = EDITS[operation]
    rows_before = planned.history.count()
    act(planned, secretariat)
    row = latest(planned)
    assert row.transition == operation
    assert row.history_user == secretariat
    assert detail in row.history_change_reason
    assert row.history_date >= timezone.now() - timedelta(minutes=1)
    # one operation, one row (the reorder case adds an item first: that is its own row)
    assert planned.history.count() == rows_before + (2 if operation == "reorder_agenda" else 1)


def test_saving_the_same_minutes_or_attendance_again_records_nothing(planned, secretariat):
    held = held_copy(planned)
    minutes = {"summary": "概述", "decisions": [{"text": "秘书处汇总需求"}]}
    services.save_minutes(held, secretariat, **minutes)
    attendance = [{"name": "赵磊", "organisation": "市财政局"}]
    services.set_attendance(held, secretariat, attendance)
    rows = held.history.count()
    services.save_minutes(
        held,
        secretariat,
        summary="概述",
        decisions=[{"id": held.minutes.decisions.get().pk, "text": "秘书处汇总需求"}],
    )
    services.set_attendance(held, secretariat, attendance)
    assert held.history.count() == rows
    services.save_minutes(held, secretariat, summary="概述（修订）")
    assert latest(held).history_change_reason == "会议概述"


def test_the_secretariat_reads_the_history_on_the_meeting_page(client, planned, secretariat):
    services.set_attendance(planned, secretariat, [{"name": "赵磊"}])
    client.force_login(secretariat)
    page = client.get(f"/meetings/{planned.pk}/").content.decode()
    history = page[page.index('data-testid="meeting-history"') :]
    assert "出席情况已修改" in history and "出席1人，请假0人，列席0人" in history
    assert "议题已添加" in history and "1. 用工需求对接" in history
    assert secretariat.name in history


def test_readers_do_not_see_the_working_history(client, planned, leader):
    client.force_login(leader)
    assert (
        'data-testid="meeting-history"'
        not in client.get(f"/meetings/{planned.pk}/").content.decode()
    )


@pytest.fixture
def heard():
    """What `meeting_changed` and `agenda_published` said, in order."""
    received = []

    def on_change(sender, meeting, user, operation, reason, **kwargs):
        received.append(("meeting_changed", operation, meeting.pk, user.username))

    def on_publish(sender, meeting, user, **kwargs):
        received.append(("agenda_published", "", meeting.pk, user.username))

    meeting_changed.connect(on_change)
    agenda_published.connect(on_publish)
    yield received
    meeting_changed.disconnect(on_change)
    agenda_published.disconnect(on_publish)


def test_each_operation_is_announced_inside_its_transaction(planned, secretariat, heard):
    # The contract changed from "after commit" (DESIGN "Notifications and background work"):
    # listeners hear the change while its transaction is open and write their rows in it.
    in_transaction = []
    meeting_changed.connect(
        check := lambda **kwargs: in_transaction.append(
            transaction.get_connection().in_atomic_block
        )
    )
    try:
        services.add_agenda_item(planned, secretariat, title="园区通勤问题")
        services.perform_meeting_transition(planned, "publish_agenda", secretariat)
    finally:
        meeting_changed.disconnect(check)
    assert heard == [
        ("meeting_changed", "add_agenda_item", planned.pk, "wang"),
        ("meeting_changed", "publish_agenda", planned.pk, "wang"),
        ("agenda_published", "", planned.pk, "wang"),
    ]
    assert in_transaction == [True, True]


def test_a_change_that_rolled_back_leaves_nothing_its_listeners_wrote(planned, secretariat, leader):
    """Heard in the transaction, and rolled back with it: no notification, no delivery, no
    task (the agenda's publication tells the leader when it commits)."""
    services.add_agenda_item(planned, secretariat, title="园区通勤问题")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.perform_meeting_transition(planned, "publish_agenda", secretariat)
        assert Notification.objects.filter(kind="agenda_published").exists()
        raise RuntimeError("the surrounding work failed")
    assert Meeting.objects.get(pk=planned.pk).state == MeetingState.PLANNED
    assert not Notification.objects.filter(kind="agenda_published").exists()
    assert not Delivery.objects.filter(event="agenda_published").exists()

    services.perform_meeting_transition(planned, "publish_agenda", secretariat)
    assert Notification.objects.filter(kind="agenda_published", recipient=leader).count() == 1


def test_an_approval_refused_for_a_bad_decision_announces_nothing(
    planned, secretariat, heard, django_capture_on_commit_callbacks
):
    held = held_copy(planned)
    services.save_minutes(
        held, secretariat, decisions=[{"text": "尽快研究", "issue": make_issue("缺少部门")}]
    )
    rows = held.history.count()
    heard.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        services.approve_minutes(held, secretariat)
    # Refused before any change: nothing heard, nothing queued to run after a commit.
    assert callbacks == [] and heard == []
    assert held.history.count() == rows
    assert Meeting.objects.get(pk=held.pk).state == MeetingState.HELD


def test_an_approval_is_one_row_naming_the_approver(planned, secretariat):
    held = held_copy(planned)
    services.save_minutes(
        held,
        secretariat,
        decisions=[
            {
                "text": "交市人社局办理",
                "department": Department.objects.get(code="hrss"),
                "due_date": in_days(20),
                "issue": make_issue("待交办的问题"),
            }
        ],
    )
    services.approve_minutes(held, secretariat)
    row = latest(held)
    assert (row.transition, row.from_state, row.state) == (
        "approve_minutes",
        "held",
        "minutes_approved",
    )
    assert row.history_user == secretariat


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_refused_transition_reads_in_english(api, secretariat, planned):
    r = api.as_user(secretariat).post(
        f"/api/v1/meetings/{planned.pk}/transitions/hold/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert r.status_code == 409
    detail = str(r.data["detail"])
    assert not CJK.search(detail), detail
    assert "hold" in detail.lower()


def test_a_refused_transition_reads_in_english_on_the_page(client, secretariat, planned):
    client.force_login(secretariat)
    response = client.post(f"/meetings/{planned.pk}/transitions/hold/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    message = next(iter(response.context["messages"])).message
    assert not CJK.search(message), message


def test_the_same_refusal_reads_in_chinese_by_default(api, secretariat, planned):
    r = api.as_user(secretariat).post(f"/api/v1/meetings/{planned.pk}/transitions/hold/")
    assert r.status_code == 409
    assert str(r.data["detail"]) == "会议当前状态为“筹备中”，不能确认召开。"


def test_the_history_is_written_in_the_house_language(api, secretariat, planned):
    """Whoever acts in English, the record reads as the rest of the archive: in Chinese."""
    held = held_copy(planned)
    r = api.as_user(secretariat).put(
        f"/api/v1/meetings/{held.pk}/minutes/",
        {"summary": "概述"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 200
    assert latest(held).history_change_reason == "会议概述"
