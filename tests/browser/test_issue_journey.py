"""JOURNEYS 1–3 in real Chromium, each on the screen the person uses: the officer files on her
phone, the secretariat assigns and the department resolves at their desks, the officer verifies
on her phone, and the timeline reads the four steps in Chinese."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from issues.models import Issue, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sign_out(page):
    menu = page.get_by_role("button", name="菜单")
    if menu.is_visible():  # on a phone, 退出 is in the folded menu
        menu.click()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")


def test_file_assign_resolve_verify(sign_in, software_officer, secretariat, hrss_staff, tmp_path):
    photo = tmp_path / "招聘会现场.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    # The officer files from her home page, on her phone; the chain is preselected.
    page = sign_in(software_officer)
    page.set_viewport_size(PHONE)
    page.get_by_test_id("raise").click()
    expect(page.get_by_label("产业链")).to_have_value(
        str(software_officer.current_chains().get().pk)
    )
    page.get_by_label("标题").fill("软件企业高级测试工程师招聘难")
    page.get_by_label("问题描述").fill(
        "多家企业反映高级测试工程师长期招不到人，人才补贴申报卡在审核环节。"
    )
    page.get_by_label("类别").select_option(label="用工招聘")
    page.get_by_label("涉及企业").fill("郑州某软件有限公司")
    page.get_by_label("照片或文件").set_input_files(str(photo))
    page.get_by_role("button", name="提交").click()
    issue = Issue.objects.get()
    expect(page.get_by_role("alert")).to_contain_text(f"已提交，编号 {issue.number}")
    expect(page.get_by_role("link", name="招聘会现场.png", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="照片：招聘会现场.png")).to_be_visible()  # its thumbnail
    _sign_out(page)

    # The secretariat assigns it from the triage list on her home page, at her desk.
    page.set_viewport_size(DESK)
    page = sign_in(secretariat)
    row = page.get_by_test_id("triage-row").filter(has_text=issue.title)
    row.get_by_label("承办部门").select_option(label="市人力资源和社会保障局")
    due = today() + timedelta(days=14)
    row.get_by_label("办理时限").fill(due.isoformat())
    row.get_by_role("button", name="交办").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已交办：{issue.number}")
    _sign_out(page)

    # The department finds it in its inbox, posts a note and resolves it.
    page = sign_in(hrss_staff)
    page.get_by_test_id("inbox").get_by_text(issue.title).click()
    page.get_by_label("填写进展").fill("已联系企业，正在组织专场招聘会。")
    page.get_by_role("button", name="保存进展").click()
    expect(page.get_by_role("alert")).to_contain_text("办理进展已保存")
    expect(page.locator("details[data-transition=verify]")).to_have_count(0)
    page.locator("details[data-transition=accept] summary").click()
    page.get_by_role("button", name="确认签收").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已签收：{issue.number}")
    page.locator("details[data-transition=resolve] summary").click()
    page.get_by_label("办理结果或答复理由").fill(
        "已举办软件测试人才专场招聘会，企业补贴申报已审核通过。"
    )
    page.get_by_role("button", name="确认报结").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已报结：{issue.number}")
    _sign_out(page)

    # The officer reads the resolution on her home page and verifies it, on her phone.
    page.set_viewport_size(PHONE)
    page = sign_in(software_officer)
    page.get_by_test_id("to-verify").get_by_text(issue.title).click()
    expect(page.get_by_test_id("resolution")).to_contain_text("企业补贴申报已审核通过")
    page.locator("details[data-transition=verify] summary").click()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("评价意见（不满意须说明理由）").fill("企业表示满意")
    page.get_by_role("button", name="确认评价").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已评价：{issue.number}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_test_id("state")).to_have_text("已办结")

    timeline = page.get_by_test_id("timeline").locator("li")
    expect(timeline).to_have_count(5)
    expect(timeline.nth(0)).to_contain_text("提出 · 张敏")
    expect(timeline.nth(1)).to_contain_text("交办 · 王芳")
    expect(timeline.nth(1)).to_contain_text("待交办 → 待签收")
    expect(timeline.nth(1)).to_contain_text("承办：市人力资源和社会保障局")
    expect(timeline.nth(1)).to_contain_text(f"时限：{due.year}年{due.month}月{due.day}日")
    expect(timeline.nth(2)).to_contain_text("签收 · 李强")
    expect(timeline.nth(2)).to_contain_text("待签收 → 办理中")
    expect(timeline.nth(3)).to_contain_text("报结 · 李强")
    expect(timeline.nth(3)).to_contain_text("企业补贴申报已审核通过")
    expect(timeline.nth(4)).to_contain_text("评价 · 张敏")
    expect(timeline.nth(4)).to_contain_text("待评价 → 已办结")
    expect(timeline.nth(4)).to_contain_text("企业表示满意")


def test_the_officer_files_on_a_phone_and_errors_keep_her_text(sign_in, software_officer, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page = sign_in(software_officer)
    page.get_by_test_id("raise").click()
    page.get_by_label("问题描述").fill("无人机企业飞手培训考点不足。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("field-error").first).to_contain_text("请填写标题。")
    expect(page.get_by_label("问题描述")).to_have_value("无人机企业飞手培训考点不足。")
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
