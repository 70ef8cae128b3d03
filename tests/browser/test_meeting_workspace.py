"""JOURNEYS §3, the meeting workspace in real Chromium: the secretariat fills attendance for a
real meeting (9 officers, 8 departments, the secretariat: 18 people) in one step and adjusts two,
takes one issue off an agenda section and undoes it, and is warned before leaving with minutes
not yet saved. The clicks are counted (the lead's figures: see the report of issue 15)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from issues.models import State
from meetings import services
from meetings.models import Attendance, MeetingState
from organisation.models import Department, IndustryChain, User
from tests.conftest import make_user
from tests.meetings.conftest import make_issue, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every trusted click on the page (a person's, or Playwright's), whatever it lands on.
COUNT_CLICKS = """
window.__clicks = 0;
document.addEventListener("click", function (e) { if (e.isTrusted) { window.__clicks += 1; } }, true);
"""


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def a_real_meeting(secretariat):
    """Every chain with its officer, every department with its contact and an overdue issue."""
    for n, chain in enumerate(IndustryChain.objects.order_by("order", "pk")):
        make_user(f"officer{n}", User.Role.OFFICER, chain=chain.code, name=f"联络员{n}")
    today = timezone.localdate()
    issues = []
    for n, department in enumerate(Department.objects.order_by("pk")):
        make_user(f"staff{n}", User.Role.DEPARTMENT, department=department.code, name=f"联系人{n}")
        issues.append(
            make_issue(
                f"{department.name}超期问题",
                state=State.ASSIGNED,
                department=department.code,
                due_date=today - timedelta(days=n + 1),
            )
        )
    meeting = make_meeting(today + timedelta(days=1))
    services.generate_agenda(meeting, secretariat)
    return meeting, issues


def clicks(page) -> int:
    return page.evaluate("window.__clicks")


def test_attendance_in_one_step_one_issue_off_and_a_warning_before_leaving(
    sign_in, live_server, secretariat, a_real_meeting
):
    meeting, issues = a_real_meeting
    page = sign_in(secretariat)
    page.add_init_script(COUNT_CLICKS)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")

    # Take one issue off the overdue section, then undo: one click each.
    overdue = page.locator('[data-testid="agenda-item"][data-section="overdue"]')
    expect(overdue.get_by_test_id("agenda-issue")).to_have_count(8)
    taken = issues[3]
    place = meeting.agenda_items.get(section="overdue").issue_ids.index(taken.pk)
    before = clicks(page)
    overdue.get_by_role("button", name=f"移出本议题：{taken.number}").click()
    overdue = page.locator('[data-testid="agenda-item"][data-section="overdue"]')
    expect(overdue.get_by_test_id("agenda-issue")).to_have_count(7)
    expect(overdue.get_by_test_id("removed-issues")).to_contain_text(taken.number)
    expect(page.get_by_role("alert")).to_contain_text("可撤销")
    assert clicks(page) - before == 1
    overdue.get_by_role("button", name=f"撤销移出：{taken.number}").click()
    overdue = page.locator('[data-testid="agenda-item"][data-section="overdue"]')
    expect(overdue.get_by_test_id("agenda-issue")).to_have_count(8)
    expect(overdue.get_by_test_id("removed-issues")).to_have_count(0)
    assert clicks(page) - before == 2
    assert meeting.agenda_items.get(section="overdue").issue_ids[place] == taken.pk  # its place

    # Attendance for 18 people: one click fills them in, then two are adjusted.
    before = clicks(page)
    page.get_by_test_id("fill-attendance").click()
    rows = page.get_by_test_id("attendance-row")
    expect(page.get_by_test_id("attendance-person")).to_have_count(18)  # and a blank row
    expect(page.get_by_role("alert")).to_contain_text("共18人")
    expect(page.get_by_test_id("attendance-rows")).to_contain_text("联络员0")
    expect(page.get_by_test_id("attendance-rows")).to_contain_text("市总工会劳动和经济工作部")

    def row(name):
        return rows.filter(has=page.get_by_test_id("attendance-person").filter(has_text=name))

    absent = row("联系人2")
    absent.get_by_label("请假").click()
    page.keyboard.press("Tab")  # from the radios straight to the reason
    page.keyboard.type("参加省厅培训")
    row("联络员5").get_by_label("列席").click()
    expect(page.get_by_test_id("save-state-attendance")).to_contain_text("已保存")
    assert clicks(page) - before == 3
    saved = dict(Attendance.objects.filter(meeting=meeting).values_list("name", "status"))
    assert len(saved) == 18
    assert (saved["联系人2"], saved["联络员5"], saved["联络员0"]) == (
        "absent",
        "observer",
        "present",
    )
    assert Attendance.objects.get(name="联系人2").note == "参加省厅培训"

    # The minutes, once the agenda is out: leaving before they are saved asks first.
    page.get_by_role("button", name="发布议程").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("议程已发布")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.AGENDA_PUBLISHED
    held = []
    page.route("**/minutes/", lambda route: held.append(route))  # the save waits, unanswered
    summary = page.get_by_label("会议概述")
    summary.fill("会议听取了各产业链难点堵点情况汇报。")
    summary.blur()  # leaving the box saves at once: the request is now held
    expect(page.get_by_test_id("save-state-minutes")).to_contain_text("正在保存")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.once("dialog", stay)
    # The click returns once the navigation it started was settled: here, by staying.
    page.get_by_role("link", name="会议", exact=True).first.click()
    assert asked == ["beforeunload"]
    expect(summary).to_have_value("会议听取了各产业链难点堵点情况汇报。")  # still here
    assert len(held) == 1
    page.unroute("**/minutes/")  # lets the held save through
    expect(page.get_by_test_id("save-state-minutes")).to_contain_text("已保存")
    assert meeting.minutes.summary == "会议听取了各产业链难点堵点情况汇报。"
    assert Attendance.objects.filter(meeting=meeting).count() == 18  # nothing dropped
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.type))
    page.get_by_role("link", name="会议", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("会议")
    assert dialogs == []  # saved: nothing to ask
