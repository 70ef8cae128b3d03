"""The secretariat adjusts the agenda by hand before publication; afterwards it is frozen."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meetings.services import (
    MeetingConflict,
    add_agenda_item,
    generate_agenda,
    perform_meeting_transition,
    remove_agenda_item,
    reorder_agenda,
    update_agenda_item,
    update_meeting,
)
from tests.meetings.conftest import make_issue, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(secretariat):
    meeting = make_meeting(timezone.localdate() + timedelta(days=7))
    generate_agenda(meeting, secretariat)
    return meeting


def titles(meeting):
    return list(meeting.agenda_items.order_by("order").values_list("title", flat=True))


def test_add_edit_reorder_and_remove_items(secretariat, meeting):
    issue = make_issue("人才公寓申请进度慢")
    item = add_agenda_item(
        meeting, secretariat, title="人才公寓专题", notes="住房局汇报", issue_ids=[issue.pk]
    )
    assert item.order == 7 and item.section == "other"
    assert item.issues[0]["number"] == issue.number
    update_agenda_item(item, secretariat, title="人才公寓申请专题", notes="")
    ids = list(meeting.agenda_items.order_by("order").values_list("pk", flat=True))
    reorder_agenda(meeting, secretariat, [ids[-1], *ids[:-1]])
    assert titles(meeting)[0] == "人才公寓申请专题"
    remove_agenda_item(meeting.agenda_items.get(section="returned"), secretariat)
    assert "退回问题" not in titles(meeting)
    assert list(meeting.agenda_items.order_by("order").values_list("order", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


def test_bad_edits_are_field_errors(secretariat, meeting):
    with pytest.raises(ValidationError) as error:
        add_agenda_item(meeting, secretariat, title="  ")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError):
        reorder_agenda(meeting, secretariat, [1, 2])
    with pytest.raises(ValidationError):
        add_agenda_item(meeting, secretariat, title="不存在的问题", issue_ids=[999999])


def test_only_the_secretariat_edits(leader, meeting):
    with pytest.raises(PermissionDenied):
        add_agenda_item(meeting, leader, title="领导加的议题")
    with pytest.raises(PermissionDenied):
        generate_agenda(meeting, leader)


def test_after_publication_every_agenda_edit_is_a_conflict(secretariat, meeting):
    item = meeting.agenda_items.first()
    meeting = perform_meeting_transition(meeting, "publish_agenda", secretariat)
    for attempt in (
        lambda: add_agenda_item(meeting, secretariat, title="晚到的议题"),
        lambda: update_agenda_item(item, secretariat, title="改名"),
        lambda: remove_agenda_item(item, secretariat),
        lambda: reorder_agenda(meeting, secretariat, [item.pk]),
        lambda: generate_agenda(meeting, secretariat),
    ):
        with pytest.raises(MeetingConflict):
            attempt()
    assert titles(meeting)[0] == "上次会议议定事项落实情况"


def test_moving_and_renaming_a_meeting(secretariat, meeting):
    meeting = update_meeting(
        meeting, secretariat, location="市人社局五楼会议室", title="软件产业链专题会议"
    )
    assert (meeting.location, meeting.title) == ("市人社局五楼会议室", "软件产业链专题会议")
    meeting = update_meeting(meeting, secretariat, title="")
    assert meeting.title.endswith("次产业链联络员会议")
    meeting = perform_meeting_transition(meeting, "cancel", secretariat, reason="改期")
    with pytest.raises(MeetingConflict):
        update_meeting(meeting, secretariat, location="别处")
