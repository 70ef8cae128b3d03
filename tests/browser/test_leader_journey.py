"""JOURNEYS §4 in real Chromium at a desktop: the leader follows a number of the dashboard to the
issues behind it, writes a 批示 on one of them — the department and the secretariat, each in a
browser of their own, see it at once on the issue and as a notification — and downloads the
annual report and the quarter's bulletin (PDF and Word) one click from the dashboard."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from issues.models import Issue, IssueUpdate, today
from reports.bulletin import BulletinPeriod
from tests.issue_helpers import accept, assign, file_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
INSTRUCTION = "请市人社局主要负责同志亲自协调，两周内拿出解决方案。"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _desk(browser, sign_in, user):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP, accept_downloads=True
    )
    return context, sign_in(user, on=context.new_page())


def _unread(page) -> int:
    badge = page.get_by_test_id("unread-count")
    return int(badge.inner_text()) if badge.count() else 0


def _overdue(issue, days):
    Issue.objects.filter(pk=issue.pk).update(due_date=today() - timedelta(days=days))


def test_the_leader_follows_a_figure_instructs_and_downloads_the_reports(
    browser, sign_in, live_server, leader, software_officer, secretariat, hrss_staff
):
    late = accept(
        assign(file_issue(software_officer, title="软件企业高级测试工程师招聘难"), secretariat),
        hrss_staff,
    )
    _overdue(late, 9)
    other = assign(file_issue(software_officer, title="人工智能企业算力补贴申报慢"), secretariat)
    _overdue(other, 2)
    assign(file_issue(software_officer, title="汽车零部件企业职工宿舍不足"), secretariat)  # on time
    file_issue(software_officer, title="新能源企业技能人才培训补贴")  # not yet assigned

    # The department and the secretariat have the issue open at their desks.
    dept_context, dept = _desk(browser, sign_in, hrss_staff)
    dept.goto(f"{live_server.url}/issues/{late.pk}/")
    expect(dept.get_by_test_id("instructions")).to_have_count(0)
    sec_context, sec = _desk(browser, sign_in, secretariat)
    sec.goto(f"{live_server.url}/issues/{late.pk}/")
    sec_unread, dept_unread = _unread(sec), _unread(dept)

    # The leader: the dashboard, the overdue figure, exactly the issues behind it.
    context, page = _desk(browser, sign_in, leader)
    page.get_by_role("link", name="统计").click()
    expect(page.locator("h1")).to_have_text("统计分析")
    card = page.locator('a.card[data-figure="当前超期"]')
    expect(card).to_contain_text("2")
    card.click()
    expect(page.get_by_test_id("count")).to_have_text("共 2 条")
    rows = page.get_by_test_id("issue-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("软件企业高级测试工程师招聘难")  # the longest overdue first
    expect(rows.first.get_by_test_id("days-overdue")).to_be_visible()

    # He opens it and writes his 批示.
    rows.first.click()
    expect(page.locator("h1")).to_contain_text("软件企业高级测试工程师招聘难")
    page.get_by_label("批示").fill(INSTRUCTION)
    page.get_by_role("button", name="发出批示").click()
    expect(page.get_by_role("alert").first).to_contain_text("批示已发出")
    expect(page.get_by_test_id("instructions")).to_contain_text(INSTRUCTION)
    assert IssueUpdate.objects.get(issue=late).kind == IssueUpdate.Kind.INSTRUCTION

    # At once: on the issue page and as a notification, for the department and the secretariat.
    for desk, before in ((dept, dept_unread), (sec, sec_unread)):
        desk.reload()
        expect(desk.get_by_test_id("instructions")).to_contain_text(INSTRUCTION)
        expect(desk.get_by_test_id("instructions")).to_contain_text("刘建国")
        expect(desk.get_by_test_id("unread-count")).to_have_text(str(before + 1))
        desk.get_by_test_id("bell").click()
        expect(desk.locator("main")).to_contain_text(
            f"刘建国对问题 {late.number}「{late.title}」 作出批示：{INSTRUCTION}"
        )
    dept_context.close()
    sec_context.close()

    # The reports, one click from the dashboard, with their Chinese names.
    page.get_by_role("link", name="统计").click()
    year = today().year
    quarter = BulletinPeriod.last_full_quarter(today()).label
    documents = page.get_by_test_id("documents")
    for name, filename, magic in (
        (f"{year}年度工作报告 PDF", f"{year}年度工作报告.pdf", b"%PDF-"),
        (f"{year}年度工作报告 Word 版", f"{year}年度工作报告.docx", b"PK"),
        (f"{quarter}通报 PDF", f"{quarter}通报.pdf", b"%PDF-"),
        (f"{quarter}通报 Word 版", f"{quarter}通报.docx", b"PK"),
    ):
        with page.expect_download() as download:
            documents.get_by_role("link", name=name, exact=True).click()
        assert download.value.suggested_filename == filename
        with open(download.value.path(), "rb") as saved:
            assert saved.read(5).startswith(magic), name
    context.close()
