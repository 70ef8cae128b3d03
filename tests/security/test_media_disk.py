"""A full or read-only media disk: the person gets a clear message (503) and keeps what they
typed; nothing is half-written — no row without its file, no file without its row, no
truncated file, no 0-byte PDF. And downloads: always an attachment, the stored type (never an
active one such as SVG or HTML), `nosniff`."""

import errno
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from issues.attachments import store_attachment
from issues.models import Attachment, Issue, IssueUpdate, State
from liaison import storage
from meetings.models import MeetingState, Minutes
from meetings.services import save_minutes
from tests.issues_api.helpers import bring_to, url
from tests.issues_ui.test_new_issue import PNG, URL, _data
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"x" * 4000


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def read_only_media(settings, tmp_path):
    """A MEDIA_ROOT that not even root can write to: a file stands where the folder should be."""
    blocker = tmp_path / "media"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    return blocker


@pytest.fixture
def full_disk(media, monkeypatch):
    """The disk fills up after part of the file was written (ENOSPC when it is flushed)."""

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", no_space)
    return media


@pytest.fixture
def assigned(personas):
    return bring_to(
        State.ASSIGNED,
        officer=personas["software_officer"],
        secretariat=personas["secretariat"],
        staff=personas["hrss_staff"],
        chain="software",
    )


# --- the web form -----------------------------------------------------------------------------


@pytest.mark.parametrize("disk", ["read_only_media", "full_disk"])
def test_filing_on_a_broken_disk_keeps_what_was_typed(client, software_officer, request, disk):
    request.getfixturevalue(disk)
    client.force_login(software_officer)
    photo = SimpleUploadedFile("招聘现场.png", PNG, content_type="image/png")

    response = client.post(URL, {**_data(), "files": [photo]})

    assert response.status_code == 503
    html = response.content.decode()
    assert "存储空间已满或暂时不可写入" in html and "请重新选择附件" in html
    assert "软件企业高级测试工程师招聘难" in html  # the title she typed
    assert "人才补贴申报卡在审核环节" in html  # and the description
    assert not Issue.objects.exists() and not Attachment.objects.exists()


def test_a_note_with_files_on_a_full_disk_keeps_the_note(client, personas, assigned, full_disk):
    client.force_login(personas["hrss_staff"])
    response = client.post(
        reverse("issues:post_update", args=[assigned.pk]),
        {
            "update-text": "已提交补贴复核材料",
            "update-files": [SimpleUploadedFile("复核.pdf", PDF)],
        },
    )
    assert response.status_code == 503
    assert "已提交补贴复核材料" in response.content.decode()
    assert not IssueUpdate.objects.exists()
    assert files_under(full_disk) == []  # neither the file nor its temporary copy


def test_english_speakers_read_it_in_english(client, software_officer, read_only_media):
    client.force_login(software_officer)
    response = client.post(
        URL,
        {**_data(), "files": [SimpleUploadedFile("a.png", PNG)]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 503
    assert "could not be saved" in response.content.decode()


# --- the API ------------------------------------------------------------------------------------


def test_api_note_on_a_full_disk_is_a_503_and_nothing_is_written(
    api, personas, assigned, full_disk
):
    response = api.as_user(personas["hrss_staff"]).post(
        url(assigned, "updates/"),
        {"text": "已提交补贴复核材料", "files": [SimpleUploadedFile("复核.pdf", PDF)]},
        format="multipart",
    )
    assert response.status_code == 503
    assert "存储空间已满" in response.json()["detail"]
    assert not IssueUpdate.objects.exists() and not Attachment.objects.exists()
    assert files_under(full_disk) == []


def test_a_file_written_before_a_later_one_failed_is_removed(
    api, personas, assigned, media, monkeypatch
):
    """The first file reached the disk, the second did not: the rollback takes the first too."""
    real = storage.os.fsync
    calls = []

    def second_fails(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(storage.os, "fsync", second_fails)
    response = api.as_user(personas["hrss_staff"]).post(
        url(assigned, "updates/"),
        {
            "text": "两份材料",
            "files": [SimpleUploadedFile("一.pdf", PDF), SimpleUploadedFile("二.pdf", PDF)],
        },
        format="multipart",
    )
    assert response.status_code == 503
    assert len(calls) == 2
    assert files_under(media) == [] and not Attachment.objects.exists()


def test_a_file_is_removed_when_its_row_does_not_commit(personas, assigned, media):
    with pytest.raises(RuntimeError), storage.atomic_with_files():
        store_attachment(assigned, SimpleUploadedFile("复核.pdf", PDF), personas["hrss_staff"])
        assert len(files_under(media)) == 1
        raise RuntimeError("the transaction fails after the file was stored")
    assert files_under(media) == [] and not Attachment.objects.exists()


# --- approving minutes ----------------------------------------------------------------------------


@pytest.mark.parametrize("disk", ["read_only_media", "full_disk"])
def test_approving_minutes_on_a_broken_disk(api, secretariat, request, disk, settings):
    request.getfixturevalue(disk)
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    save_minutes(meeting, secretariat, summary="会议听取了汇报。")

    response = api.as_user(secretariat).post(
        f"/api/v1/meetings/{meeting.pk}/transitions/approve_minutes/", {}, format="json"
    )

    assert response.status_code == 503
    assert "存储空间已满" in response.json()["detail"]
    meeting.refresh_from_db()
    minutes = Minutes.objects.get(meeting=meeting)
    assert meeting.state == MeetingState.HELD and minutes.approved_at is None and not minutes.pdf
    assert files_under(Path(settings.MEDIA_ROOT)) == []  # no 0-byte or truncated PDF


def test_approving_minutes_on_the_web_says_why(client, secretariat, full_disk):
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    save_minutes(
        meeting,
        secretariat,
        summary="会议听取了汇报。",
        decisions=[
            {
                "text": "交市人社局",
                "department": "hrss",
                "due_date": timezone.localdate() + timedelta(days=9),
            }
        ],
    )
    client.force_login(secretariat)
    response = client.post(reverse("meetings:transition", args=[meeting.pk, "approve_minutes"]))
    assert response.status_code == 503
    assert "存储空间已满" in response.content.decode()
    assert files_under(full_disk) == []


# --- downloads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ("application/pdf", "application/pdf"),
        ("image/png", "image/png"),
        ("image/svg+xml", "application/octet-stream"),
        ("text/html", "application/octet-stream"),
        ("text/html; charset=utf-8", "application/octet-stream"),
    ],
)
def test_downloads_are_attachments_of_their_stored_type(
    api, client, personas, assigned, media, stored, served
):
    attachment = store_attachment(
        assigned, SimpleUploadedFile("复核.pdf", PDF), personas["hrss_staff"]
    )
    Attachment.objects.filter(pk=attachment.pk).update(content_type=stored)
    client.force_login(personas["secretariat"])
    for response in (
        api.as_user(personas["secretariat"]).get(url(assigned, f"attachments/{attachment.pk}/")),
        client.get(reverse("issues:attachment", args=[assigned.pk, attachment.pk])),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == served
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
