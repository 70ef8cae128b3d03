"""Agenda generation by DESIGN's rules: each section and its boundaries."""

from datetime import date, timedelta

import pytest

from issues.models import State
from meetings.models import AgendaItem, Decision, Kind, MeetingState, Minutes
from meetings.services import (
    MeetingConflict,
    add_agenda_item,
    generate_agenda,
    perform_meeting_transition,
)
from organisation.models import Department
from tests.meetings.conftest import make_issue, make_meeting

pytestmark = pytest.mark.django_db

D0 = date(2024, 3, 1)  # the previous held regular meeting P
D = date(2024, 5, 1)  # this meeting


def sections(meeting):
    return {
        item.section: [entry["number"] for entry in item.issues]
        for item in AgendaItem.objects.filter(meeting=meeting, generated=True)
    }


def numbers(*issues):
    return [i.number for i in issues]


@pytest.fixture
def previous():
    return make_meeting(D0, state=MeetingState.MINUTES_APPROVED)


@pytest.fixture
def meeting(previous):
    return make_meeting(D)


def test_regular_sections_come_in_fixed_order_with_chinese_headings(secretariat, meeting):
    generate_agenda(meeting, secretariat)
    items = list(meeting.agenda_items.order_by("order"))
    assert [i.section for i in items] == [
        "follow_up",
        "new",
        "returned",
        "overdue",
        "awaiting_verification",
        "verified_since_last",
    ]
    assert [i.title for i in items] == [
        "上次会议议定事项落实情况",
        "新提出问题",
        "退回问题",
        "超期未办结问题",
        "待评价问题",
        "上次会议以来已办结问题",
    ]
    assert [i.order for i in items] == [1, 2, 3, 4, 5, 6]


def test_new_and_returned_are_raised_before_the_meeting_date(secretariat, meeting):
    new = make_issue("新问题", raised_on=D - timedelta(days=1))
    same_day = make_issue("会议当天提出", raised_on=D)
    returned = make_issue("被退回的问题", raised_on=D0, returned=True)
    generate_agenda(meeting, secretariat)
    got = sections(meeting)
    assert got["new"] == numbers(new)
    assert got["returned"] == numbers(returned)
    assert same_day.number not in sum(got.values(), [])


def test_overdue_is_assigned_with_due_date_before_the_meeting(secretariat, meeting):
    overdue = make_issue("超期", state=State.ASSIGNED, raised_on=D0, due_date=D - timedelta(days=1))
    due_on_the_day = make_issue("当天到期", state=State.ASSIGNED, raised_on=D0, due_date=D)
    generate_agenda(meeting, secretariat)
    got = sections(meeting)
    assert got["overdue"] == numbers(overdue)
    # In progress and not overdue: not on the agenda at all.
    assert due_on_the_day.number not in sum(got.values(), [])


def test_resolved_is_listed_only_as_awaiting_verification(secretariat, meeting):
    resolved = make_issue(
        "已办结待核实", state=State.RESOLVED, raised_on=D0, due_date=D - timedelta(days=20)
    )
    generate_agenda(meeting, secretariat)
    got = sections(meeting)
    assert got["awaiting_verification"] == numbers(resolved)
    assert sum(got.values(), []).count(resolved.number) == 1


def test_verified_since_last_is_d0_inclusive_and_d_exclusive(secretariat, meeting):
    before = make_issue(
        "P之前核实",
        state=State.VERIFIED,
        raised_on=date(2024, 1, 5),
        verified_on=D0 - timedelta(days=1),
    )
    on_d0 = make_issue(
        "P当天核实", state=State.VERIFIED, raised_on=date(2024, 1, 5), verified_on=D0
    )
    last_day = make_issue(
        "会前一日核实",
        state=State.VERIFIED,
        raised_on=date(2024, 1, 5),
        verified_on=D - timedelta(days=1),
    )
    on_d = make_issue(
        "会议当天核实", state=State.VERIFIED, raised_on=date(2024, 1, 5), verified_on=D
    )
    generate_agenda(meeting, secretariat)
    got = sections(meeting)["verified_since_last"]
    assert got == numbers(on_d0, last_day)
    assert before.number not in got and on_d.number not in got


def test_without_a_previous_held_meeting_everything_verified_before_d_is_listed(secretariat):
    first = make_meeting(D)
    old = make_issue(
        "很早核实", state=State.VERIFIED, raised_on=date(2023, 1, 5), verified_on=date(2023, 2, 1)
    )
    generate_agenda(first, secretariat)
    follow_up = first.agenda_items.get(section="follow_up")
    assert sections(first)["verified_since_last"] == numbers(old)
    assert follow_up.decisions == []


def test_p_is_the_latest_earlier_held_regular_meeting(secretariat, previous, meeting):
    # Not P: an older held one, a later planned one, a cancelled one, an annual one.
    make_meeting(date(2024, 1, 10), state=MeetingState.HELD)
    make_meeting(date(2024, 4, 1), state=MeetingState.PLANNED)
    make_meeting(date(2024, 4, 2), state=MeetingState.CANCELLED)
    make_meeting(date(2024, 4, 3), kind=Kind.ANNUAL, state=MeetingState.HELD)
    v = make_issue(
        "四月核实", state=State.VERIFIED, raised_on=date(2024, 1, 5), verified_on=date(2024, 4, 5)
    )
    w = make_issue(
        "二月核实", state=State.VERIFIED, raised_on=date(2024, 1, 5), verified_on=date(2024, 2, 5)
    )
    generate_agenda(meeting, secretariat)
    assert sections(meeting)["verified_since_last"] == numbers(v)
    assert w.number not in sections(meeting)["verified_since_last"]


def test_withdrawn_never_and_each_issue_at_most_once(secretariat, previous, meeting):
    withdrawn = make_issue("已撤回", state=State.WITHDRAWN, raised_on=D0)
    overdue = make_issue(
        "上次议定的超期问题", state=State.ASSIGNED, raised_on=D0, due_date=D - timedelta(days=3)
    )
    new = make_issue("上次议定的新问题", raised_on=D0)
    minutes = Minutes.objects.create(meeting=previous)
    hrss = Department.objects.get(code="hrss")
    Decision.objects.create(
        minutes=minutes, order=1, text="由市人社局牵头办理", department=hrss, issue=overdue
    )
    Decision.objects.create(minutes=minutes, order=2, text="撤回的问题不再讨论", issue=withdrawn)
    Decision.objects.create(minutes=minutes, order=3, text="交市人社局", department=hrss, issue=new)
    generate_agenda(meeting, secretariat)
    got = sections(meeting)
    listed = sum(got.values(), [])
    assert len(listed) == len(set(listed))
    assert withdrawn.number not in listed
    # Decided issues are followed up; they are not listed again in their own section.
    assert got["follow_up"] == numbers(overdue, new)
    assert got["overdue"] == [] and got["new"] == []


def test_follow_up_gives_the_current_state_of_each_decision(secretariat, previous, meeting):
    issue = make_issue(
        "已交办", state=State.VERIFIED, raised_on=D0, verified_on=D0 + timedelta(days=20)
    )
    minutes = Minutes.objects.create(meeting=previous)
    hrss = Department.objects.get(code="hrss")
    Decision.objects.create(
        minutes=minutes, order=1, text="人社局督办", department=hrss, issue=issue
    )
    Decision.objects.create(
        minutes=minutes,
        order=2,
        text="开展用工调研",
        department=hrss,
        due_date=D - timedelta(days=1),
    )
    Decision.objects.create(
        minutes=minutes,
        order=3,
        text="编制政策汇编",
        department=hrss,
        due_date=D + timedelta(days=30),
    )
    Decision.objects.create(minutes=minutes, order=4, text="持续关注")
    generate_agenda(meeting, secretariat)
    rows = meeting.agenda_items.get(section="follow_up").decisions
    assert [(r["number"], r["status"], r["status_label"]) for r in rows] == [
        (1, "verified", "已办结"),
        (2, "due_passed", "已过完成时限"),
        (3, "pending", "未到完成时限"),
        (4, "no_deadline", "未定时限"),
    ]
    assert rows[0]["issue"]["number"] == issue.number
    assert rows[1]["due_passed"] is True and rows[2]["due_passed"] is False


def test_snapshot_is_unchanged_after_publication_and_regenerating_is_refused(secretariat, meeting):
    issue = make_issue("新问题", raised_on=D - timedelta(days=3))
    generate_agenda(meeting, secretariat)
    meeting = perform_meeting_transition(meeting, "publish_agenda", secretariat)
    Issue = type(issue)
    Issue.objects.filter(pk=issue.pk).update(
        title="改过的标题",
        state=State.ASSIGNED,
        department=Department.objects.get(code="hrss"),
        due_date=D,
    )
    entry = meeting.agenda_items.get(section="new").issues[0]
    assert (entry["title"], entry["state"], entry["department"]) == ("新问题", "raised", None)
    with pytest.raises(MeetingConflict):
        generate_agenda(meeting, secretariat)
    assert meeting.agenda_items.get(section="new").issues[0]["title"] == "新问题"


def test_regenerating_before_publication_rebuilds_and_keeps_items_added_by_hand(
    secretariat, meeting
):
    generate_agenda(meeting, secretariat)
    add_agenda_item(meeting, secretariat, title="研究2025年工作要点")
    late = make_issue("后来提出的问题", raised_on=D - timedelta(days=1))
    generate_agenda(meeting, secretariat)
    items = list(meeting.agenda_items.order_by("order"))
    assert len(items) == 7 and items[-1].title == "研究2025年工作要点" and items[-1].order == 7
    assert sections(meeting)["new"] == numbers(late)


# --- the annual joint meeting --------------------------------------------------------------

A = date(2024, 12, 20)


@pytest.fixture
def annual():
    return make_meeting(A, kind=Kind.ANNUAL)


def test_annual_sections_in_order_with_the_year_figures(secretariat, annual):
    make_issue("年内问题", raised_on=date(2024, 6, 1))
    generate_agenda(annual, secretariat)
    items = list(annual.agenda_items.order_by("order"))
    assert [i.section for i in items] == ["report", "escalated", "open_problems", "follow_up"]
    assert [i.title for i in items] == [
        "2024年度工作情况通报",
        "督导事项",
        "存在问题",
        "上年度联席会议议定事项落实情况",
    ]
    report = items[0].report
    assert {"totals", "by_union", "by_chain", "by_department", "by_measure"} <= set(report)
    assert report["totals"]["raised"] == 1


def test_escalated_is_overdue_more_than_30_days_or_reopened_twice(secretariat, annual):
    old = date(2024, 2, 1)
    overdue_31 = make_issue(
        "超期31天", state=State.ASSIGNED, raised_on=old, due_date=A - timedelta(days=31)
    )
    overdue_30 = make_issue(
        "超期30天", state=State.ASSIGNED, raised_on=old, due_date=A - timedelta(days=30)
    )
    reopened_twice = make_issue(
        "两次重新办理",
        state=State.ASSIGNED,
        raised_on=old + timedelta(days=1),
        due_date=A + timedelta(days=10),
        reopen_count=2,
    )
    reopened_once = make_issue(
        "一次重新办理",
        state=State.RESOLVED,
        raised_on=old + timedelta(days=2),
        due_date=A + timedelta(days=10),
        reopen_count=1,
    )
    raised = make_issue("待交办", raised_on=date(2024, 1, 3))
    make_issue("已办结", state=State.VERIFIED, raised_on=old)
    make_issue("已撤回", state=State.WITHDRAWN, raised_on=old)
    make_issue("会议当天提出", raised_on=A)
    generate_agenda(annual, secretariat)
    got = sections(annual)
    assert got["escalated"] == numbers(overdue_31, reopened_twice)
    # Every other open issue, oldest first.
    assert got["open_problems"] == numbers(raised, overdue_30, reopened_once)


def test_annual_follow_up_lists_the_previous_annual_meetings_decisions(secretariat, annual):
    last_year = make_meeting(
        date(2023, 12, 15), kind=Kind.ANNUAL, state=MeetingState.MINUTES_APPROVED
    )
    regular = make_meeting(date(2024, 11, 1), state=MeetingState.MINUTES_APPROVED)
    Decision.objects.create(
        minutes=Minutes.objects.create(meeting=last_year),
        order=1,
        text="建立产业链用工信息共享机制",
        due_date=date(2024, 6, 30),
    )
    Decision.objects.create(
        minutes=Minutes.objects.create(meeting=regular), order=1, text="不属于联席会议"
    )
    generate_agenda(annual, secretariat)
    rows = annual.agenda_items.get(section="follow_up").decisions
    assert [(r["text"], r["status"]) for r in rows] == [
        ("建立产业链用工信息共享机制", "due_passed")
    ]
