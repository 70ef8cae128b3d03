import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_and_sees_home_in_chinese(sign_in, software_officer):
    page = sign_in(software_officer)
    expect(page.locator("h1")).to_have_text("我的工作")
    expect(page.get_by_test_id("whoami")).to_contain_text("张敏 · 联络员 · 软件")
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_wrong_password_is_explained_in_chinese(live_server, page, software_officer):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名")


def test_the_footer_switcher_turns_the_page_english(sign_in, software_officer):
    page = sign_in(software_officer)
    page.get_by_label("语言").select_option("en")
    expect(page.locator("h1")).to_have_text("My work")
    expect(page.get_by_test_id("whoami")).to_contain_text("Liaison officer")
    assert page.locator("html").get_attribute("lang") == "en"


def test_phone_sized_screen_shows_the_menu_button(sign_in, software_officer, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(software_officer)
    menu = page.get_by_role("button", name="菜单")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
