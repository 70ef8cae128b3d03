"""Lists on Ms. Zhang's phone (JOURNEYS 1): a search shows its result in the first screen,
the 筛选与排序 panel folded; the unread count beside the menu button, not behind it."""

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from tests.issue_helpers import file_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_search_on_a_phone_shows_the_result_first(live_server, sign_in, software_officer):
    for n in range(5):
        file_issue(software_officer, title=f"软件企业融资难{n}")
    wanted = file_issue(software_officer, title="高级测试工程师招聘难")
    page = sign_in(software_officer)
    page.set_viewport_size(PHONE)
    # Filters set (a chain) and a search: on a desktop the panel would open; a phone folds it.
    page.goto(f"{live_server.url}/issues/?chain=software")
    page.get_by_role("searchbox").fill("招聘")
    page.get_by_role("button", name="搜索", exact=True).click()
    page.wait_for_url("**q=*")
    filters = page.get_by_test_id("filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(filters).to_contain_text("已设 1 项")
    row = page.get_by_test_id("issue-row").filter(has_text=wanted.title)
    expect(row).to_be_visible()
    box = row.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]  # within the first screen
    expect(page.get_by_role("searchbox")).to_be_visible()  # still above the results
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # no horizontal scrolling
    # The panel opens with a tap when wanted.
    filters.locator("summary").click()
    expect(page.get_by_label("排序")).to_be_visible()


def test_the_unread_count_shows_on_a_phone_without_opening_the_menu(
    live_server, sign_in, software_officer
):
    Notification.objects.create(
        recipient=software_officer, kind="resolve", text="问题已办结，请核实", url="/"
    )
    page = sign_in(software_officer)
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("unread-count-phone")).to_have_text("1")
    expect(page.get_by_test_id("unread-count-phone")).to_be_visible()
    expect(page.get_by_test_id("bell")).to_be_hidden()  # the menu's bell: still folded away
    page.get_by_test_id("bell-phone").click()
    page.wait_for_url("**/notifications/")
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.get_by_test_id("bell-phone")).to_be_hidden()  # a wide screen: the menu's own
    expect(page.get_by_test_id("bell")).to_be_visible()
