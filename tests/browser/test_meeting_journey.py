"""JOURNEYS §3 in real Chromium: the secretariat runs a meeting from creation to approved minutes,
and the decision shows on the issue it concerns."""

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from issues.services import raise_issue
from organisation.models import IndustryChain, IssueCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_secretariat_runs_a_meeting_and_the_decision_assigns_the_issue(
    sign_in, live_server, secretariat, software_officer, hrss_staff, settings
):
    # The session outlives the night before the meeting (the journey travels to its day).
    settings.SESSION_COOKIE_AGE = 3 * 24 * 3600
    issue = raise_issue(
        software_officer,
        chain=IndustryChain.objects.get(code="software"),
        category=IssueCategory.objects.get(code="talent"),
        title="高级测试工程师招聘难，人才补贴申报卡在审核环节",
        description="企业反映人才补贴申报材料提交后两个月无回复。",
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    due = timezone.localdate() + timedelta(days=14)

    page = sign_in(secretariat)
    page.get_by_role("link", name="会议", exact=True).click()
    expect(page.locator("h1")).to_have_text("会议")

    # Before: create the meeting and generate its agenda.
    page.get_by_role("button", name="新建会议").click()
    page.get_by_label("会议类型").select_option(label="产业链联络员会议")
    page.get_by_label("日期").fill(tomorrow.isoformat())
    page.get_by_label("时间").fill("14:30")
    page.get_by_label("地点").fill("市总工会三楼会议室")
    page.get_by_role("button", name="创建会议").click()
    title = f"{tomorrow.year}年第1次产业链联络员会议"
    expect(page.get_by_test_id("meeting-title")).to_have_text(title)
    expect(page.get_by_test_id("meeting-when")).to_have_text(
        f"{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日 14:30"
    )

    page.get_by_role("button", name="生成议程").click()
    new_section = page.locator('[data-testid="agenda-item"][data-section="new"]')
    expect(new_section).to_contain_text("二、新提出问题")
    expect(new_section).to_contain_text(issue.number)
    page.get_by_role("button", name="发布议程").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("议程已发布")

    # During: attendance, one picked from the system and one typed in.
    page.locator("#id_attendance-0-user").select_option(label="张敏（软件产业链联络员）")
    page.get_by_role("button", name="添加一行").click()
    page.locator("#id_attendance-1-name").fill("赵磊")
    page.locator("#id_attendance-1-organisation").fill("市财政局")
    page.locator('[data-testid="attendance-row"]').nth(1).get_by_label("列席").check()
    # Each part saves as it changes; the button saves at once, without leaving the page.
    page.get_by_role("button", name="保存出席情况").click()
    expect(page.get_by_test_id("save-state-attendance")).to_contain_text("已保存")

    # The discussion and a decision on the raised issue.
    page.get_by_label("会议概述").fill(
        "会议听取了各产业链难点堵点情况汇报，研究了新提出问题的交办。"
    )
    page.get_by_label("二、新提出问题").fill("与会人员就人才补贴申报进度进行了讨论。")
    page.locator("#id_decisions-0-text").fill("由市人社局牵头，两周内办结人才补贴审核")
    page.locator("#id_decisions-0-department").select_option(label="市人力资源和社会保障局")
    page.locator("#id_decisions-0-due_date").fill(due.isoformat())
    page.locator("#id_decisions-0-issue").fill(
        f"{issue.number} {issue.title}"
    )  # as the search suggests
    page.get_by_role("button", name="保存纪要").click()
    expect(page.get_by_test_id("save-state-minutes")).to_contain_text("已保存")

    # After: mark it held and approve the minutes (a confirmation first).
    # Never held before its date: the day comes (the button waits until then).
    expect(page.get_by_role("button", name="标记已召开")).to_be_disabled()
    # Nothing in flight before the clock moves: the live server's threads share one SQLite
    # connection, and a save still running beside the reload ("cannot start a transaction
    # within a transaction") lost the session once on a loaded CI machine.
    page.wait_for_load_state("networkidle")
    held_on = datetime.combine(tomorrow, time(16), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(held_on, tick=True):
        page.reload()
        page.get_by_role("button", name="标记已召开").click()
        expect(page.get_by_test_id("meeting-state")).to_have_text("已召开")
    page.locator("summary", has_text="审定纪要").click()
    page.get_by_role("button", name="确认审定").click()
    expect(page.get_by_test_id("minutes-approved")).to_have_text("纪要已审定")
    expect(page.get_by_test_id("pdf-sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.get_by_test_id("decisions")).to_contain_text(
        "由市人社局牵头，两周内办结人才补贴审核"
    )
    expect(page.get_by_test_id("attendance-present")).to_contain_text("张敏")
    expect(page.get_by_test_id("attendance-observer")).to_contain_text("赵磊（市财政局）")
    expect(page.get_by_role("button", name="保存纪要")).to_have_count(0)

    # The minutes PDF downloads from the meeting page.
    href = page.get_by_role("link", name="纪要 PDF").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.headers["content-type"] == "application/pdf"

    # The issue is now assigned, and its timeline names the meeting.
    page.get_by_test_id("decisions").get_by_role("link", name=issue.number).click()
    expect(page.get_by_test_id("number")).to_have_text(issue.number)
    expect(page.get_by_test_id("department")).to_have_text("市人力资源和社会保障局")
    expect(page.locator("header")).to_contain_text("待签收")  # the department signs next
    expect(page.get_by_test_id("timeline")).to_contain_text(title)
