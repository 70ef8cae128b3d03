"""JOURNEYS 1: while typing a title the officer sees "可能重复" issues already filed, may open
one, and may still file hers: the hint never blocks the form."""

import pytest
from playwright.sync_api import expect

from issues.models import Issue
from tests.issue_helpers import file_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_the_rest(page):
    page.get_by_label("问题描述").fill("企业反映测试岗位长期招不到人。")
    page.get_by_label("类别").select_option(label="用工招聘")


def test_typing_a_title_like_an_open_issue_lists_it_and_filing_still_works(
    sign_in, software_officer
):
    earlier = file_issue(software_officer, title="软件企业高级测试工程师招聘难")
    file_issue(software_officer, title="汽车零部件企业融资难")
    page = sign_in(software_officer)
    page.get_by_test_id("raise").click()
    hint = page.get_by_test_id("similar")
    expect(hint).to_be_hidden()

    page.get_by_label("标题").press_sequentially("软件企业测试工程师招聘困难", delay=20)
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("可能重复")
    items = hint.get_by_test_id("similar-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(f"{earlier.number} 软件企业高级测试工程师招聘难")
    expect(items.first).to_contain_text("待交办")
    link = items.first.get_by_role("link")
    assert link.get_attribute("href") == f"/issues/{earlier.pk}/"

    # Not the same problem after all: she files hers, the hint does not stand in the way.
    _fill_the_rest(page)
    page.get_by_role("button", name="提交").click()
    issue = Issue.objects.exclude(pk=earlier.pk).get(title="软件企业测试工程师招聘困难")
    expect(page.get_by_role("alert")).to_contain_text(f"已提交，编号 {issue.number}")


def test_an_unrelated_title_shows_no_hint_and_the_list_opens_the_issue(
    sign_in, software_officer, page
):
    earlier = file_issue(software_officer, title="软件企业高级测试工程师招聘难")
    page = sign_in(software_officer)
    page.get_by_test_id("raise").click()
    title = page.get_by_label("标题")
    title.press_sequentially("人才公寓申请排队时间长", delay=20)
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("similar")).to_be_hidden()

    title.fill("")
    title.press_sequentially("高级测试工程师招聘难", delay=20)
    hint = page.get_by_test_id("similar")
    expect(hint).to_be_visible()
    hint.get_by_role("link").first.click()
    page.wait_for_url(f"**/issues/{earlier.pk}/")
    expect(page.get_by_test_id("number")).to_have_text(earlier.number)


def test_the_secretariat_filing_for_a_chain_sees_that_chains_issues(
    sign_in, secretariat, software_officer, ai_officer
):
    file_issue(software_officer, title="企业测试工程师招聘难")
    ai = file_issue(ai_officer, chain="ai", title="企业测试工程师招聘难")
    page = sign_in(secretariat)
    page.goto(page.url + "issues/new/")
    page.get_by_label("产业链").select_option(label="人工智能")
    page.get_by_label("标题").press_sequentially("测试工程师招聘难", delay=20)
    items = page.get_by_test_id("similar-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(ai.number)
