"""Attachments are downloaded only by people who may see the issue; notes carry files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.attachments import store_attachment
from issues.models import IssueUpdate

from .conftest import file_issue

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 100


@pytest.fixture
def attachment(assigned, software_officer):
    return store_attachment(assigned, SimpleUploadedFile("企业申报材料.pdf", PDF), software_officer)


def _download(client, user, attachment):
    client.force_login(user)
    return client.get(reverse("issues:attachment", args=[attachment.issue_id, attachment.pk]))


@pytest.mark.parametrize(
    "persona", ["software_officer", "ai_officer", "hrss_staff", "secretariat", "leader"]
)
def test_people_who_see_the_issue_download_it(client, attachment, persona, request):
    response = _download(client, request.getfixturevalue(persona), attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        "%E4%BC%81%E4%B8%9A%E7%94%B3%E6%8A%A5%E6%9D%90%E6%96%99.pdf" in disposition
    )  # 企业申报材料.pdf
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("persona", ["automotive_officer", "housing_staff", "outsider"])
def test_others_get_404(client, attachment, persona, request):
    assert _download(client, request.getfixturevalue(persona), attachment).status_code == 404


def test_an_attachment_of_another_issue_is_404(client, attachment, software_officer):
    other = file_issue(software_officer, title="另一个问题")
    client.force_login(software_officer)
    url = reverse("issues:attachment", args=[other.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, attachment):
    response = client.get(reverse("issues:attachment", args=[attachment.issue_id, attachment.pk]))
    assert response.status_code == 302


def test_the_detail_page_links_the_attachment(client, attachment, hrss_staff):
    client.force_login(hrss_staff)
    html = client.get(reverse("issues:detail", args=[attachment.issue_id])).content.decode()
    assert reverse("issues:attachment", args=[attachment.issue_id, attachment.pk]) in html
    assert "企业申报材料.pdf" in html


def test_the_department_posts_a_note_with_a_file(client, assigned, hrss_staff):
    client.force_login(hrss_staff)
    response = client.post(
        reverse("issues:post_update", args=[assigned.pk]),
        {
            "update-text": "已召开协调会，企业名单已报送。",
            "update-files": [SimpleUploadedFile("协调会纪要.pdf", PDF)],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "办理进展已保存" in html and "已召开协调会" in html and "协调会纪要.pdf" in html
    update = IssueUpdate.objects.get()
    assert update.author == hrss_staff
    assert [a.original_name for a in update.attachments.all()] == ["协调会纪要.pdf"]


def test_an_empty_note_is_refused_next_to_the_field(client, assigned, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("issues:post_update", args=[assigned.pk]), {"update-text": ""})
    assert response.status_code == 400
    assert "请填写进展内容。" in response.content.decode()


def test_a_note_with_a_bad_file_is_refused_and_kept(client, assigned, hrss_staff):
    client.force_login(hrss_staff)
    response = client.post(
        reverse("issues:post_update", args=[assigned.pk]),
        {
            "update-text": "进展说明",
            "update-files": [SimpleUploadedFile("tool.exe", b"MZ" + b"\x00" * 20)],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "不支持“tool.exe”这种文件类型" in html and "进展说明" in html
    assert not IssueUpdate.objects.exists()


@pytest.mark.parametrize(
    # (A leader may: an instruction, 批示.)
    "persona, status",
    [("software_officer", 403), ("housing_staff", 404)],
)
def test_others_may_not_post_notes(client, assigned, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("issues:post_update", args=[assigned.pk]), {"update-text": "x"})
    assert response.status_code == status
    assert not IssueUpdate.objects.exists()
