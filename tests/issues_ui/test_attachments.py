"""Attachment checks shared by the web forms and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from issues.attachments import store_attachment, validate_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


def test_a_photo_and_a_pdf_pass():
    validate_upload(SimpleUploadedFile("现场照片.png", PNG))
    validate_upload(SimpleUploadedFile("申报材料.PDF", PDF))
    validate_upload(SimpleUploadedFile("说明.txt", "中文说明".encode()))


def test_too_large_is_refused_in_chinese(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("大图.png", PNG + b"\x00" * 2048))
    assert "太大" in info.value.messages[0]
    assert "大图.png" in info.value.messages[0]


@pytest.mark.parametrize("name", ["setup.exe", "run.sh", "page.html", "noextension"])
def test_forbidden_types_are_refused(name):
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile(name, b"hello"))
    assert "不支持" in info.value.messages[0]


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00" + b"\x00" * 60, b"\x7fELF" + b"\x00" * 60, b"#!/bin/sh\nrm -rf /\n"]
)
def test_an_executable_renamed_is_refused(content):
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("发票.txt", content))
    assert "可执行程序" in info.value.messages[0]


def test_content_not_matching_its_extension_is_refused():
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("照片.jpg", PDF))
    assert "不符" in info.value.messages[0]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("空.txt", b""))


def test_store_keeps_the_original_name_and_a_random_path(raised, software_officer):
    attachment = store_attachment(raised, SimpleUploadedFile("现场照片.png", PNG), software_officer)
    assert attachment.original_name == "现场照片.png"
    assert attachment.size == len(PNG)
    assert attachment.content_type == "image/png"
    assert "现场照片" not in attachment.file.name
    with attachment.file.open("rb") as stored:
        assert stored.read() == PNG
