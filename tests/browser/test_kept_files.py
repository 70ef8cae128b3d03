"""A photo chosen before a mistake need not be chosen again (issue 15), in real Chromium: the
officer chooses a photo, forgets the title, sees the photo still chosen, fixes the title and
files — the issue has the photo, and nothing is left over."""

import pytest
from playwright.sync_api import expect

from issues.models import Attachment, Issue, PendingUpload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_photo_chosen_before_a_missing_title_is_filed_with_the_issue(
    sign_in, live_server, software_officer, page, tmp_path, settings
):
    photo = tmp_path / "宿舍现场.png"
    photo.write_bytes(PNG)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(software_officer)
    page.goto(f"{live_server.url}/issues/new/")
    page.get_by_label("问题描述").fill("园区企业职工宿舍不足，新招员工只能在外租房。")
    page.get_by_label("类别").select_option(label="用工招聘")
    page.get_by_label("照片或文件").set_input_files(str(photo))
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_test_id("field-error").first).to_contain_text("请填写标题。")
    banner = page.get_by_role("alert").first
    expect(banner).to_have_text("请按提示修改后重新提交。")  # no "所选文件需要重新选择"
    kept = page.get_by_label("已选择：宿舍现场.png")
    expect(kept).to_be_checked()
    assert not Issue.objects.exists()
    assert PendingUpload.objects.get().user == software_officer

    page.get_by_label("标题").fill("园区企业职工宿舍不足")
    page.get_by_role("button", name="提交").click()
    issue = Issue.objects.get()
    expect(page.get_by_role("alert").first).to_contain_text(f"已提交，编号 {issue.number}")
    expect(page.get_by_role("link", name="宿舍现场.png", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="照片：宿舍现场.png")).to_be_visible()
    attachment = Attachment.objects.get()
    assert (attachment.issue, attachment.original_name) == (issue, "宿舍现场.png")
    assert attachment.file.read() == PNG
    assert not PendingUpload.objects.exists()
    stored = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == [settings.MEDIA_ROOT / attachment.file.name]  # one file, its row's


def test_an_unticked_photo_is_not_filed_and_no_file_means_no_choose_again(
    sign_in, live_server, software_officer, page, tmp_path, settings
):
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    sign_in(software_officer)
    page.goto(f"{live_server.url}/issues/new/")
    page.get_by_label("标题").fill("园区企业新增用电报装周期长")
    page.get_by_label("照片或文件").set_input_files(str(photo))
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("field-error").first).to_contain_text("请填写问题描述。")

    page.get_by_label("已选择：现场.png").uncheck()  # she removes it
    page.get_by_label("问题描述").fill("三家企业反映报装需要两个月以上。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert").first).to_contain_text("请按提示修改后重新提交。")
    expect(page.get_by_role("alert").first).not_to_contain_text("重新选择")
    expect(page.get_by_test_id("kept-files")).to_have_count(0)

    page.get_by_label("类别").select_option(label="用工招聘")
    page.get_by_role("button", name="提交").click()
    issue = Issue.objects.get()
    expect(page.get_by_role("alert").first).to_contain_text(f"已提交，编号 {issue.number}")
    assert not Attachment.objects.exists()
    assert not PendingUpload.objects.exists()  # the removed photo went on success
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
