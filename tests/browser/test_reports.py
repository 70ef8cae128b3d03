"""In real Chromium: the leader's dashboard draws its charts; the bell counts down when read."""

import pytest
from playwright.sync_api import expect

from issues.services import perform_transition
from tests.issue_helpers import assign, file_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_opens_the_dashboard_and_sees_the_charts(
    sign_in, live_server, leader, software_officer, secretariat, hrss_staff
):
    issue = assign(file_issue(software_officer), secretariat)
    perform_transition(
        perform_transition(issue, "accept", hrss_staff), "resolve", hrss_staff, resolution="已办结"
    )
    assign(file_issue(software_officer, title="人才公寓"), secretariat)
    file_issue(software_officer, title="新问题")

    page = sign_in(leader)
    page.get_by_role("link", name="统计").click()
    expect(page.locator("h1")).to_have_text("统计分析")
    charts = page.locator("figure.chart svg.pygal-chart")
    expect(charts).to_have_count(4)
    for index in range(4):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 200 and box["height"] > 100
    # The bars are drawn (rect elements with a size), and the totals are there.
    assert page.locator("figure.chart svg .bar rect, figure.chart svg rect.rect").count() >= 3
    expect(page.get_by_test_id("card-1")).to_have_text("3")
    expect(page.get_by_test_id("league")).to_contain_text("市人社局")
    # A figure is a link to the issues behind it.
    link = page.locator("[data-chain=software] a").first
    assert link.get_attribute("href").startswith("/issues/?year=")


def test_department_user_sees_the_unread_count_drop_after_opening_one(
    sign_in, live_server, software_officer, secretariat, hrss_staff
):
    assign(file_issue(software_officer, title="测试工程师招聘难"), secretariat)
    assign(file_issue(software_officer, title="技能培训补贴"), secretariat)

    page = sign_in(hrss_staff)
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    page.get_by_test_id("bell").click()
    expect(page.locator("h1")).to_have_text("通知")
    page.get_by_role("link", name="测试工程师招聘难").click()
    page.wait_for_url(lambda url: "/notifications/" not in url)
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
