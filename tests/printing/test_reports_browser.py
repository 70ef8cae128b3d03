"""The leader's journey to the annual report, in real Chromium: one click from the menu."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import conftest as browser
from tests.printing.helpers import flat_text, make_year_of_issues

# The browser fixtures of tests/browser (Debian's Chromium, zh-CN, Beijing time, sign-in form).
browser_type_launch_args = browser.browser_type_launch_args
browser_context_args = browser.browser_context_args
sign_in = browser.sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_downloads_the_annual_report(sign_in, leader):
    year = timezone.localdate().year
    make_year_of_issues(year, 12, seed=3, today=timezone.localdate())
    page = sign_in(leader)
    page.get_by_role("link", name="年度报告").click()
    expect(page.get_by_role("heading", name="年度报告")).to_be_visible()
    row = page.get_by_test_id("report-years").locator(".list-group-item").first
    expect(row).to_contain_text(f"{year}年度助链联动工作报告")
    expect(row).to_contain_text("提出问题 12 件")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载").click()
    download = download_info.value
    assert download.suggested_filename == f"{year}年度工作报告.pdf"
    with open(download.path(), "rb") as f:
        pdf = f.read()
    assert pdf.startswith(b"%PDF")
    assert f"{year}年度助链联动工作报告" in flat_text(pdf)
    assert "共提出难点堵点问题12件" in flat_text(pdf)
