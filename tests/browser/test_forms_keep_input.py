"""Forms never lose what was typed (issue 15), in real Chromium: a stale form (signed in again
in another tab), an expired session, a language switch, and Back-and-resubmit — each ends with
the text kept and one issue filed."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from issues.models import Issue, IssueUpdate
from tests.issue_helpers import assign, file_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "园区企业新增用电报装周期长"
DESCRIPTION = "三家软件企业反映新增用电报装需要两个月以上，影响新产线投产。"
RESTORED = "已恢复您上次未提交的内容"
SIGN_IN_AGAIN = re.compile(r"/accounts/login/\?next=")


def _type_an_issue(page, live_server):
    page.goto(f"{live_server.url}/issues/new/")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("问题描述").fill(DESCRIPTION)
    page.get_by_label("类别").select_option(label="用工招聘")


def _sign_in_on(page, live_server, user):
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(f"pw-{user.username}")
    page.get_by_role("button", name="登录").click()


def _submit_and_find_it_filed(page):
    page.get_by_role("button", name="提交").click()
    issue = Issue.objects.get()
    expect(page.get_by_role("alert").first).to_contain_text(f"已提交，编号 {issue.number}")
    assert (issue.title, issue.description) == (TITLE, DESCRIPTION)
    return issue


def test_a_stale_form_keeps_the_text_and_files_after_going_back(
    sign_in, live_server, software_officer, page
):
    sign_in(software_officer)
    _type_an_issue(page, live_server)

    # Another tab: she signs out and in again; this tab's form token is now stale.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/")
    other.get_by_role("button", name="退出").click()
    other.wait_for_url("**/accounts/login/")
    _sign_in_on(other, live_server, software_officer)
    other.wait_for_url(f"{live_server.url}/")
    other.close()

    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("csrf-explanation")).to_have_text(
        "页面已过期（可能在其他窗口重新登录过）。您填写的内容已保留，请返回后重新提交。"
    )
    assert not Issue.objects.exists()
    page.get_by_test_id("csrf-back").click()
    page.wait_for_url(f"{live_server.url}/issues/new/")
    expect(page.get_by_test_id("draft-restored")).to_contain_text(RESTORED)
    expect(page.get_by_label("标题")).to_have_value(TITLE)
    expect(page.get_by_label("问题描述")).to_have_value(DESCRIPTION)
    expect(page.get_by_label("类别")).to_have_value(
        page.get_by_label("类别").locator("option", has_text="用工招聘").get_attribute("value")
    )
    _submit_and_find_it_filed(page)

    # Filed: the draft is gone, the next form is blank.
    page.goto(f"{live_server.url}/issues/new/")
    expect(page.get_by_label("标题")).to_have_value("")
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)


def test_an_expired_session_signs_in_and_returns_to_the_form_with_the_text(
    sign_in, live_server, software_officer, page
):
    page.set_viewport_size({"width": 390, "height": 844})  # her phone, at a company
    sign_in(software_officer)
    _type_an_issue(page, live_server)
    Session.objects.all().delete()  # the idle timeout passed

    page.get_by_role("button", name="提交").click()
    page.wait_for_url(SIGN_IN_AGAIN)
    expect(page.get_by_role("alert").first).to_contain_text("登录已超时，请重新登录")
    _sign_in_on(page, live_server, software_officer)
    page.wait_for_url(f"{live_server.url}/issues/new/")
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_label("标题")).to_have_value(TITLE)
    expect(page.get_by_label("问题描述")).to_have_value(DESCRIPTION)
    _submit_and_find_it_filed(page)


def test_an_expired_session_on_the_issue_page_returns_there_with_the_note(
    sign_in, live_server, software_officer, secretariat, hrss_staff, page
):
    issue = assign(file_issue(software_officer), secretariat)
    sign_in(hrss_staff)
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    page.get_by_label("填写进展").fill("已约企业下周一现场办公。")
    Session.objects.all().delete()

    page.get_by_role("button", name="保存进展").click()
    page.wait_for_url(SIGN_IN_AGAIN)
    _sign_in_on(page, live_server, hrss_staff)
    page.wait_for_url(f"{live_server.url}/issues/{issue.pk}/")  # not the POST-only address
    expect(page.get_by_label("填写进展")).to_have_value("已约企业下周一现场办公。")
    page.get_by_role("button", name="保存进展").click()
    expect(page.get_by_role("alert").first).to_contain_text("办理进展已保存")
    assert IssueUpdate.objects.get().text == "已约企业下周一现场办公。"
    expect(page.get_by_label("填写进展")).to_have_value("")  # the saved note is not put back


def test_switching_language_keeps_the_title_and_description(
    sign_in, live_server, software_officer, page
):
    sign_in(software_officer)
    _type_an_issue(page, live_server)
    page.get_by_label("语言").select_option("en")
    expect(page.locator("h1")).to_have_text("Raise an issue")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_label("Description")).to_have_value(DESCRIPTION)
    expect(page.get_by_test_id("draft-restored")).to_contain_text("Restored what you typed")

    page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_label("标题")).to_have_value(TITLE)
    # Discarding the restored text empties the form and forgets the draft.
    page.get_by_role("button", name="放弃这些内容").click()
    expect(page.get_by_label("标题")).to_have_value("")
    page.reload()
    expect(page.get_by_label("标题")).to_have_value("")
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)


def test_back_and_resubmit_shows_the_issue_already_filed(
    sign_in, live_server, software_officer, page
):
    sign_in(software_officer)
    _type_an_issue(page, live_server)
    issue = _submit_and_find_it_filed(page)

    page.go_back()
    page.wait_for_url(f"{live_server.url}/issues/new/")
    expect(page.get_by_label("标题")).to_have_value(TITLE)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"您已提交过该问题：{issue.number}")
    page.wait_for_url(f"{live_server.url}/issues/{issue.pk}/")
    assert Issue.objects.count() == 1
