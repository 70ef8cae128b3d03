"""JOURNEYS 2 in Chromium: Mr. Li signs (签收) from his inbox in one tap and stays there."""

import pytest
from playwright.sync_api import expect

from issues.models import State
from tests.issue_helpers import assign, file_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_tap_signs_from_the_inbox(sign_in, software_officer, secretariat, hrss_staff):
    issue = assign(file_issue(software_officer, title="软件企业测试工程师招聘难"), secretariat)
    page = sign_in(hrss_staff)
    row = page.get_by_test_id("to-accept").get_by_test_id("inbox-row").filter(has_text=issue.title)
    expect(row).to_contain_text("签收期限")
    row.get_by_role("button", name=f"签收 {issue.number}").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("alert")).to_contain_text(f"已签收：{issue.number}")
    expect(page.get_by_test_id("handling")).to_contain_text(issue.title)
    expect(page.get_by_test_id("to-accept")).not_to_contain_text(issue.title)
    issue.refresh_from_db()
    assert issue.state == State.ACCEPTED
