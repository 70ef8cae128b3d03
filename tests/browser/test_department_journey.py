"""A department's whole journey in real Chromium, at the desk JOURNEYS §2 describes and on a
phone (issue 11, "Done when"): 签收 → a co-department's 协办 note arrives → 延期 asked and approved
by the secretariat → 答复 (已答复, cannot be solved) with a reply letter (回复函) → 待评价."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from issues.models import ExtensionRequest, Issue, today
from issues.services import perform_transition, post_update, raise_issue
from organisation.models import Department, IndustryChain, IssueCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("screen", [DESK, PHONE], ids=["desk", "phone"])
def test_sign_co_handle_extend_and_answer_with_a_reply_letter(
    screen,
    sign_in,
    page,
    new_context,
    live_server,
    software_officer,
    secretariat,
    hrss_staff,
    housing_staff,
    tmp_path,
):
    # The officer filed it; the secretariat gave it to 市人社局, with 市住房保障局 assisting.
    issue = raise_issue(
        software_officer,
        title="软件企业外籍专家工作许可办理难",
        description="企业反映外籍高级测试专家的工作许可须赴省里办理，周期过长。",
        chain=IndustryChain.objects.get(code="software"),
        category=IssueCategory.objects.get(code="recruitment"),
    )
    due = today() + timedelta(days=10)
    perform_transition(
        issue,
        "assign",
        secretariat,
        department=Department.objects.get(code="hrss"),
        co_departments=[Department.objects.get(code="housing")],
        due_date=due,
        note="请市人社局牵头，市住房保障局协办",
    )

    # 1. The department's staff member, at his desk (or on a phone), opens it from the inbox and
    # signs (签收).
    page.set_viewport_size(screen)
    page = sign_in(hrss_staff)
    page.get_by_test_id("inbox").get_by_text(issue.title).click()
    expect(page.get_by_test_id("co-departments")).to_contain_text("住房")
    _fits_the_screen(page)
    page.locator("details[data-transition=accept] summary").click()
    page.get_by_role("button", name="确认签收").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已签收：{issue.number}")
    expect(page.get_by_test_id("state")).to_have_text("办理中")

    # 2. The co-department posts its 协办 note; the lead sees it on the page and is told.
    post_update(Issue.objects.get(pk=issue.pk), housing_staff, "可为外籍专家提供人才公寓。")
    page.reload()
    note = page.locator("[data-testid=update][data-kind=co_department]")
    expect(note).to_contain_text("可为外籍专家提供人才公寓。")
    expect(note).to_contain_text("协办意见")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text(
        f"协办部门马军就问题 {issue.number}"
    )
    page.goto(f"{live_server.url}/issues/{issue.pk}/")

    # 3. The lead asks for more time (延期) on its one screen.
    page.get_by_test_id("request-extension").locator("summary").click()
    asked = due + timedelta(days=7)
    page.get_by_label("申请延至").fill(asked.isoformat())
    page.get_by_label("延期理由").fill("须等待省人社厅审批外籍人员工作许可。")
    _fits_the_screen(page)
    page.get_by_role("button", name="提交延期申请").click()
    expect(page.get_by_role("alert")).to_contain_text("延期申请已提交")
    expect(page.get_by_test_id("pending-extension")).to_contain_text(f"{_cn(due)} → {_cn(asked)}")

    # 4. The secretariat, at her desk (another browser), finds it on her home page and approves.
    desk = sign_in(secretariat, on=new_context().new_page())
    desk.get_by_test_id("pending-extensions").get_by_text(issue.title).click()
    expect(desk.get_by_test_id("pending-extension")).to_contain_text("须等待省人社厅审批")
    desk.get_by_label("审批意见（不同意须说明理由）").fill("同意，请抓紧协调。")
    desk.get_by_role("button", name="同意延期", exact=True).click()
    expect(desk.get_by_role("alert")).to_contain_text(f"已同意延期：{issue.number}")
    assert ExtensionRequest.objects.get().state == ExtensionRequest.State.APPROVED

    # The lead sees the new due date, the 延期 row of the history, and the notice.
    page.reload()
    expect(page.get_by_test_id("due-date")).to_contain_text(_cn(asked))
    expect(page.locator("[data-testid=timeline] li[data-transition=extend]")).to_contain_text(
        "同意，请抓紧协调。"
    )
    expect(page.get_by_test_id("pending-extension")).to_have_count(0)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text(f"延至{_cn(asked)}")
    page.goto(f"{live_server.url}/issues/{issue.pk}/")

    # 5. It cannot be solved at city level: 已答复 with the reasons and a reply letter.
    letter = tmp_path / "关于外籍专家工作许可的回复函.pdf"
    letter.write_bytes(PDF)
    page.locator("details[data-transition=resolve] summary").click()
    page.get_by_label("已答复（无法解决，说明理由）").check()
    page.get_by_label("办理结果或答复理由").fill(
        "外籍人员工作许可属省级事权，已向省人社厅报送并跟进；人才公寓已安排。"
    )
    page.get_by_label("回复函").set_input_files(str(letter))
    _fits_the_screen(page)
    page.get_by_role("button", name="确认报结").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已报结：{issue.number}")

    # 6. The issue waits for the officer's rating, with the answer and its reply letter.
    expect(page.get_by_test_id("state")).to_have_text("待评价")
    expect(page.get_by_test_id("outcome")).to_have_text("已答复")
    expect(page.get_by_role("link", name="关于外籍专家工作许可的回复函.pdf")).to_be_visible()
    _fits_the_screen(page)
    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.state, issue.outcome, issue.due_date) == ("resolved", "explained", asked)
    assert issue.attachments.get().reply
