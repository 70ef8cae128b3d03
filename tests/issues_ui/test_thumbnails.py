"""Photo thumbnails on the issue page: an inline view of JPEG/PNG/WebP attachments only,
under the issue's own visibility; downloads keep `Content-Disposition: attachment`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.attachments import store_attachment
from issues.models import Attachment

from .conftest import assign, file_issue

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture
def photo(software_officer, secretariat):
    issue = assign(file_issue(software_officer), secretariat)  # software's, with hrss
    return store_attachment(issue, SimpleUploadedFile("现场照片.png", PNG), software_officer)


def _image_url(a: Attachment) -> str:
    return reverse("issues:attachment_image", args=[a.issue_id, a.pk])


@pytest.mark.parametrize(
    "persona, status",
    [
        ("software_officer", 200),  # her chain
        ("ai_officer", 200),  # her union's chain
        ("automotive_officer", 404),  # another union
        ("hrss_staff", 200),  # the lead department
        ("housing_staff", 404),  # never assigned
        ("secretariat", 200),
        ("leader", 200),
        ("outsider", 404),
    ],
)
def test_the_thumbnail_is_seen_by_who_sees_the_issue(client, photo, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_image_url(photo)).status_code == status


def test_signed_out_is_sent_to_sign_in_and_post_is_refused(client, photo, software_officer):
    assert client.get(_image_url(photo)).status_code == 302
    client.force_login(software_officer)
    assert client.post(_image_url(photo)).status_code == 405


def test_an_image_is_shown_inline_a_download_stays_a_download(client, photo, software_officer):
    client.force_login(software_officer)
    response = client.get(_image_url(photo))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG
    download = client.get(reverse("issues:attachment", args=[photo.issue_id, photo.pk]))
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "name, content, stored_type, status",
    [
        ("照片.jpg", JPEG, None, 200),
        ("照片.webp", WEBP, None, 200),
        ("说明.pdf", b"%PDF-1.7\n" + b"x" * 64, None, 404),
        ("动图.gif", b"GIF89a" + b"\x00" * 64, None, 404),
        # A type changed behind the upload check: SVG is never inline, nor bytes that are
        # not what the stored type says.
        ("照片.png", PNG, "image/svg+xml", 404),
        ("照片.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>" + b" " * 16, "image/png", 404),
        ("照片.webp", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64, "image/webp", 404),
    ],
)
def test_only_real_jpeg_png_and_webp_are_shown(
    client, photo, software_officer, name, content, stored_type, status
):
    issue = photo.issue
    a = (
        store_attachment(issue, SimpleUploadedFile(name, content), software_officer)
        if (stored_type is None)
        else photo
    )
    if stored_type is not None:
        a.file.open("wb").write(content)  # the bytes on disk, not the upload checked
        a.file.close()
        Attachment.objects.filter(pk=a.pk).update(content_type=stored_type)
    client.force_login(software_officer)
    assert client.get(_image_url(a)).status_code == status


def test_the_issue_page_shows_thumbnails_of_photos_only(client, photo, software_officer):
    store_attachment(
        photo.issue, SimpleUploadedFile("说明.pdf", b"%PDF-1.7\n" + b"x" * 64), software_officer
    )
    client.force_login(software_officer)
    html = client.get(reverse("issues:detail", args=[photo.issue_id])).content.decode()
    assert html.count('data-testid="thumbnail"') == 1
    assert f'<img src="{_image_url(photo)}" alt="照片：现场照片.png" loading="lazy"' in html
