"""Agenda editing by the item (DESIGN "Meetings"): one issue taken off a section and put back,
a deleted section restored where it was, and regeneration that keeps every hand edit."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from issues.models import State
from meetings.models import AgendaItem
from meetings.services import (
    MeetingConflict,
    add_agenda_item,
    generate_agenda,
    hand_edits,
    perform_meeting_transition,
    remove_agenda_issue,
    remove_agenda_item,
    restore_agenda_issue,
    restore_agenda_item,
    update_agenda_item,
)
from tests.meetings.conftest import make_issue, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised():
    today = timezone.localdate()
    return [make_issue(f"新问题{n}", raised_on=today - timedelta(days=30 - n)) for n in range(3)]


@pytest.fixture
def meeting(secretariat, raised):
    meeting = make_meeting(timezone.localdate() + timedelta(days=7))
    generate_agenda(meeting, secretariat)
    return meeting


def section(meeting, name):
    return meeting.agenda_items.get(section=name)


def numbers(item):
    return [e["number"] for e in item.issues]


def operations(meeting):
    return list(meeting.history.order_by("history_id").values_list("transition", "history_user"))


def test_one_issue_comes_off_a_section_and_goes_back_in_its_place(secretariat, meeting, raised):
    new = section(meeting, "new")
    remove_agenda_issue(new, secretariat, raised[1].pk)
    new.refresh_from_db()
    assert numbers(new) == [raised[0].number, raised[2].number]
    assert [e["number"] for e in new.removed_issues] == [raised[1].number]

    restore_agenda_issue(new, secretariat, raised[1].pk)
    new.refresh_from_db()
    assert numbers(new) == [i.number for i in raised] and new.removed_issues == []
    assert operations(meeting)[-2:] == [
        ("remove_agenda_issue", secretariat.pk),
        ("restore_agenda_issue", secretariat.pk),
    ]
    assert raised[1].number in meeting.history.latest().history_change_reason


def test_taking_off_twice_is_a_conflict(secretariat, meeting, raised):
    new = section(meeting, "new")
    remove_agenda_issue(new, secretariat, raised[0].pk)
    with pytest.raises(MeetingConflict):
        remove_agenda_issue(new, secretariat, raised[0].pk)
    with pytest.raises(MeetingConflict):
        restore_agenda_issue(new, secretariat, raised[1].pk)


def test_regeneration_keeps_every_hand_edit(secretariat, meeting, raised):
    new = section(meeting, "new")
    remove_agenda_issue(new, secretariat, raised[0].pk)
    update_agenda_item(new, secretariat, title="新提出的问题（已初审）", notes="秘书处已电话核实")
    returned = section(meeting, "returned")
    remove_agenda_item(returned, secretariat)
    added = add_agenda_item(meeting, secretariat, title="技能竞赛筹备")
    later = make_issue("又一个新问题", raised_on=timezone.localdate() - timedelta(days=1))
    assert len(hand_edits(meeting)) == 5

    generate_agenda(meeting, secretariat)
    new.refresh_from_db()
    assert new.title == "新提出的问题（已初审）" and new.notes == "秘书处已电话核实"
    # refreshed (the issue filed since is listed) without the one taken off, which stays aside
    assert numbers(new) == [raised[1].number, raised[2].number, later.number]
    assert [e["id"] for e in new.removed_issues] == [raised[0].pk]
    assert not meeting.agenda_items.filter(section="returned").exists()
    assert AgendaItem.all_objects.get(pk=returned.pk).removed_at is not None
    assert meeting.agenda_items.filter(pk=added.pk).exists()
    assert meeting.agenda_items.count() == 6  # 5 generated + 1 by hand, no duplicates


def test_an_issue_that_left_the_section_is_no_longer_offered_back(secretariat, meeting, raised):
    new = section(meeting, "new")
    remove_agenda_issue(new, secretariat, raised[0].pk)
    type(raised[0]).objects.filter(pk=raised[0].pk).update(state=State.WITHDRAWN)
    generate_agenda(meeting, secretariat)
    new.refresh_from_db()
    assert new.removed_issues == []


def test_a_deleted_section_is_restored_where_it_was(secretariat, meeting):
    titles = list(meeting.agenda_items.values_list("title", flat=True))
    overdue = section(meeting, "overdue")
    remove_agenda_item(overdue, secretariat)
    assert list(meeting.agenda_items.values_list("order", flat=True)) == [1, 2, 3, 4, 5]
    restore_agenda_item(meeting, secretariat, overdue.pk)
    assert list(meeting.agenda_items.values_list("title", flat=True)) == titles
    assert list(meeting.agenda_items.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6]
    with pytest.raises(MeetingConflict):
        restore_agenda_item(meeting, secretariat, overdue.pk)  # already back
    assert operations(meeting)[-1] == ("restore_agenda_item", secretariat.pk)


def test_the_trash_is_out_of_the_published_agenda(secretariat, meeting):
    remove_agenda_item(section(meeting, "returned"), secretariat)
    meeting = perform_meeting_transition(meeting, "publish_agenda", secretariat)
    assert "returned" not in meeting.agenda_items.values_list("section", flat=True)
    with pytest.raises(MeetingConflict):
        restore_agenda_item(meeting, secretariat, AgendaItem.all_objects.get(section="returned").pk)


def test_a_regular_meeting_takes_no_annual_section(secretariat, meeting):
    with pytest.raises(ValidationError) as refused:
        add_agenda_item(meeting, secretariat, title="督导事项", section="escalated")
    assert "section" in refused.value.message_dict
    assert add_agenda_item(meeting, secretariat, title="退回问题补充", section="returned")
