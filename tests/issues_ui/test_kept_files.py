"""Files chosen on a form that failed are kept for the next try (issues.pending): for the same
person, session and form only; checked as attachments are; gone on success or after
`PENDING_UPLOAD_HOURS`, each file with its row."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues.models import Attachment, Issue, IssueUpdate, PendingUpload
from issues.services import perform_transition
from organisation.models import IndustryChain, IssueCategory

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 100


def _tokens(response, name="pending") -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"', response.content.decode())


def _stored_files(settings) -> list:
    return sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def _filing(**extra) -> dict:
    return {
        "chain": IndustryChain.objects.get(code="software").pk,
        "title": "软件企业高级测试工程师招聘难",
        "description": "多家软件企业反映高级测试工程师岗位长期招不到人。",
        "category": IssueCategory.objects.get(code="recruitment").pk,
        **extra,
    }


def _fail_with_photo(client, user, name="现场.png", **extra) -> str:
    client.force_login(user)
    files = [SimpleUploadedFile(name, PNG)]
    response = client.post(reverse("issues:new"), _filing(title="", files=files, **extra))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"已选择：{name}" in html and "所选文件需要重新选择" not in html
    [token] = _tokens(response)
    return token


def test_the_kept_photo_is_filed_with_the_issue_without_a_copy(client, software_officer, settings):
    token = _fail_with_photo(client, software_officer)
    [kept_file] = _stored_files(settings)
    response = client.post(reverse("issues:new"), _filing(pending=[token]))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.issue == Issue.objects.get()
    assert (attachment.original_name, attachment.size) == ("现场.png", len(PNG))
    assert _stored_files(settings) == [kept_file]  # the same file, now the attachment's
    assert not PendingUpload.objects.exists()


def test_no_file_chosen_no_choose_again(client, software_officer):
    client.force_login(software_officer)
    response = client.post(reverse("issues:new"), _filing(title=""))
    html = response.content.decode()
    assert "请按提示修改后重新提交" in html and "重新选择" not in html


def test_a_refused_file_is_not_kept_and_must_be_chosen_again(client, software_officer, settings):
    client.force_login(software_officer)
    files = [SimpleUploadedFile("发票.png", b"MZ\x90\x00" + b"\x00" * 60)]
    response = client.post(reverse("issues:new"), _filing(title="", files=files))
    html = response.content.decode()
    assert "可执行程序" in html and "所选文件需要重新选择" in html
    assert not PendingUpload.objects.exists() and not _stored_files(settings)


@pytest.mark.parametrize("who", ["other_person", "other_session", "other_form"])
def test_only_the_uploaders_session_on_that_form_attaches_it(
    client, software_officer, secretariat, assigned, who
):
    token = _fail_with_photo(client, secretariat, source="phone")  # 代录, with a photo
    if who == "other_person":  # an officer who may file too, with the secretariat's token
        client.force_login(software_officer)
        response = client.post(reverse("issues:new"), _filing(pending=[token]))
    elif who == "other_session":  # the same person signed in on another device
        other = Client()
        other.force_login(secretariat)
        response = other.post(reverse("issues:new"), _filing(pending=[token], source="phone"))
    else:  # the same session, the token posted to another form (a note)
        url = reverse("issues:post_update", args=[assigned.pk])
        response = client.post(url, {"update-text": "已电话督促。", "update-pending": [token]})
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert PendingUpload.objects.get().token == token  # still hers, for her next try


def test_a_note_keeps_its_file_when_the_text_is_missing(client, assigned, hrss_staff):
    client.force_login(hrss_staff)
    url = reverse("issues:post_update", args=[assigned.pk])
    response = client.post(
        url, {"update-text": "", "update-files": [SimpleUploadedFile("会议纪要.pdf", PDF)]}
    )
    assert response.status_code == 400
    assert "已选择：会议纪要.pdf" in response.content.decode()
    [token] = _tokens(response, "update-pending")
    response = client.post(url, {"update-text": "已召开协调会。", "update-pending": [token]})
    assert response.status_code == 302
    note = IssueUpdate.objects.get()
    assert [a.original_name for a in note.attachments.all()] == ["会议纪要.pdf"]
    assert not PendingUpload.objects.exists()


def test_a_reply_letter_is_kept_when_the_resolution_is_missing(client, assigned, hrss_staff):
    issue = perform_transition(assigned, "accept", hrss_staff)
    client.force_login(hrss_staff)
    url = reverse("issues:transition", args=[issue.pk, "resolve"])
    letter = SimpleUploadedFile("回复函.pdf", PDF)
    response = client.post(url, {"resolve-outcome": "solved", "resolve-files": [letter]})
    assert response.status_code == 400
    [token] = _tokens(response, "resolve-pending")
    response = client.post(
        url,
        {"resolve-outcome": "solved", "resolve-resolution": "已办结。", "resolve-pending": [token]},
    )
    assert response.status_code == 302
    [letter] = Attachment.objects.filter(issue=issue)
    assert (letter.original_name, letter.reply) == ("回复函.pdf", True)
    assert Issue.objects.get(pk=issue.pk).state == "resolved"


def test_send_reminders_removes_kept_files_older_than_the_limit(client, software_officer, settings):
    settings.PENDING_UPLOAD_HOURS = 24
    with time_machine.travel(timezone.now() - timedelta(hours=25)):
        old = _fail_with_photo(client, software_officer, "昨天.png")
    fresh = _fail_with_photo(client, software_officer, "今天.png")
    assert len(_stored_files(settings)) == 2
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115 - discarded
    assert list(PendingUpload.objects.values_list("token", flat=True)) == [fresh]
    [left] = _stored_files(settings)
    assert str(left).endswith(PendingUpload.objects.get().file.name)
    # And an expired token no longer attaches, even from its own session.
    response = client.post(reverse("issues:new"), _filing(pending=[old]))
    assert response.status_code == 302 and not Attachment.objects.exists()
