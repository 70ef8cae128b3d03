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
