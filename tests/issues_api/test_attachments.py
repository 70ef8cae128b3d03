"""Files through the API: attached to progress notes, listed, and downloaded only by those who see the issue."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from issues.attachments import store_attachment
from issues.models import Attachment, IssueUpdate, State
from tests.issues_api.helpers import url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a tiny document\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="复核材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_note_with_files_then_the_download(api, personas, issue_in):
    issue = issue_in(State.ASSIGNED)
    response = api.as_user(personas["hrss_staff"]).post(
        url(issue, "updates/"),
        {"text": "已提交补贴复核材料", "files": [pdf(), pdf("会议记录.pdf")]},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    files = response.json()["attachments"]
    assert [f["name"] for f in files] == ["复核材料.pdf", "会议记录.pdf"]
    assert files[0]["size"] == len(PDF) and files[0]["uploaded_by"] == "li"
    assert "files" not in response.json()

    listed = api.as_user(personas["software_officer"]).get(url(issue, "updates/")).json()
    assert [f["name"] for f in listed[0]["attachments"]] == ["复核材料.pdf", "会议记录.pdf"]
    download = api.get(files[0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("leader", 200),
        ("ai_officer", 200),
        ("automotive_officer", 404),
        ("housing_staff", 404),
        ("outsider", 404),
    ],
)
def test_downloads_follow_visibility(api, personas, issue_in, persona, status):
    issue = issue_in(State.ASSIGNED)
    attachment = store_attachment(issue, pdf(), personas["software_officer"])
    response = api.as_user(personas[persona]).get(url(issue, f"attachments/{attachment.pk}/"))
    assert response.status_code == status


def test_an_attachment_is_only_reachable_through_its_own_issue(api, personas, issue_in):
    mine, other = issue_in(State.ASSIGNED), issue_in(State.RAISED, chain="automotive")
    attachment = store_attachment(other, pdf(), personas["automotive_officer"])
    response = api.as_user(personas["software_officer"]).get(
        url(mine, f"attachments/{attachment.pk}/")
    )
    assert response.status_code == 404


def test_the_issue_lists_its_own_files(api, personas, issue_in):
    issue = issue_in(State.RAISED)
    store_attachment(issue, pdf("企业来函.pdf"), personas["software_officer"])
    body = api.as_user(personas["secretariat"]).get(url(issue)).json()
    assert [f["name"] for f in body["attachments"]] == ["企业来函.pdf"]
    assert body["attachments"][0]["url"].endswith(f"/attachments/{Attachment.objects.get().pk}/")


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00" * 8), "不支持"),
        (SimpleUploadedFile("报告.pdf", b"MZ\x90\x00" * 8), "可执行程序"),
        (SimpleUploadedFile("大文件.pdf", b"%PDF-" + b"0" * 2048), "太大"),
    ],
)
def test_refused_files_leave_no_note_behind(api, personas, issue_in, settings, upload, fragment):
    settings.ATTACHMENT_MAX_BYTES = 1024
    issue = issue_in(State.ASSIGNED)
    response = api.as_user(personas["hrss_staff"]).post(
        url(issue, "updates/"), {"text": "附材料", "files": [pdf(), upload]}, format="multipart"
    )
    assert response.status_code == 400
    assert fragment in response.json()["files"][0]
    assert not IssueUpdate.objects.exists()
    assert not Attachment.objects.exists()
