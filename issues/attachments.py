"""Attachments: photos and documents on issues and progress notes.

`validate_upload` is the one check the web forms and the API share; `store_attachment`
saves a checked file under MEDIA_ROOT (random stored name, see `attachment_path`).
"""

from __future__ import annotations

import mimetypes
import os
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from issues.models import Attachment, PendingUpload
from liaison.downloads import content_disposition
from liaison.storage import StorageUnavailable

# Types a browser would render as a page of ours (with scripts): whatever was stored, such a
# file is served as bytes to save, never as what it says it is.
ACTIVE_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
}

# Leading bytes of executables and scripts that must never pass as a document, whatever
# the file is called (an .exe renamed to .pdf, a shell script renamed to .jpg).
EXECUTABLE_MAGIC: tuple[bytes, ...] = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
)

# What the content of common types must begin with; a file claiming one of these
# extensions with other content is refused (a renamed file is not what it says).
EXPECTED_MAGIC: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "pdf": (b"%PDF-",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    # Legacy Office and WPS files are OLE compound documents.
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}

HEAD_BYTES = 16


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lstrip(".").lower()


def _read_head(uploaded_file) -> bytes:
    position = uploaded_file.tell() if hasattr(uploaded_file, "tell") else 0
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(position)
    return head or b""


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(size // 1024, 1)} KB"


def validate_upload(uploaded_file) -> None:
    """Refuse a file that is too large, of a type not allowed, or not what its name says.

    Raises `ValidationError` with a Chinese message naming the file.
    """
    name = getattr(uploaded_file, "name", "") or ""
    size = getattr(uploaded_file, "size", 0) or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”太大（%(size)s），单个附件不能超过 %(limit)s。")
            % {
                "name": name,
                "size": _human_size(size),
                "limit": _human_size(settings.ATTACHMENT_MAX_BYTES),
            },
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("文件“%(name)s”是空的。") % {"name": name}, code="empty")
    extension = extension_of(name)
    allowed = [e.lower() for e in settings.ATTACHMENT_EXTENSIONS]
    if extension not in allowed:
        raise ValidationError(
            _("不支持“%(name)s”这种文件类型，可以上传：%(allowed)s。")
            % {"name": name, "allowed": "、".join(allowed)},
            code="forbidden_type",
        )
    head = _read_head(uploaded_file)
    if head.startswith(EXECUTABLE_MAGIC):
        raise ValidationError(
            _("文件“%(name)s”是可执行程序，不能作为附件上传。") % {"name": name},
            code="executable",
        )
    expected = EXPECTED_MAGIC.get(extension)
    if expected and not head.startswith(expected):
        raise ValidationError(
            _("文件“%(name)s”的内容与其扩展名不符，请检查后重新上传。") % {"name": name},
            code="mismatch",
        )


class StoredFile(Protocol):
    """What a download needs of a stored upload (an issue's attachment, a decision's file)."""

    file: FieldFile
    original_name: str
    content_type: str


def upload_name_and_type(uploaded_file) -> tuple[str, str]:
    """The name to show (never a path) and the type to store of an upload, rewound for saving."""
    name = os.path.basename(uploaded_file.name or "")[:200]
    uploaded_file.seek(0)
    return name, mimetypes.guess_type(name)[0] or "application/octet-stream"


def store_attachment(issue, uploaded_file, user, update=None, *, reply=False) -> Attachment:
    """Validate and save `uploaded_file` as an attachment of `issue` (and of `update`);
    `reply`: a reply letter (回复函) sent with a resolution.

    A `PendingUpload` (a file kept from a failed try, `issues.pending`; checked when kept)
    is taken over: the attachment gets its stored file and the row goes, in the caller's
    transaction, so that a rollback leaves both as they were.
    """
    if isinstance(uploaded_file, PendingUpload):
        return _adopt(issue, uploaded_file, user, update, reply)
    validate_upload(uploaded_file)
    name, content_type = upload_name_and_type(uploaded_file)
    attachment = Attachment(
        issue=issue,
        update=update,
        reply=reply,
        original_name=name,
        size=uploaded_file.size,
        content_type=content_type,
        uploaded_by=user,
    )
    attachment.file.save(name, uploaded_file, save=False)
    attachment.save()
    return attachment


def _adopt(issue, pending: PendingUpload, user, update, reply: bool) -> Attachment:
    attachment = Attachment(issue=issue, update=update, reply=reply, **take_over(pending, user))
    attachment.save()
    return attachment


def take_over(pending: PendingUpload, user) -> dict:
    """The fields of a stored upload (`file`, name, size, type, uploader) for a row that takes
    over a kept file (call it in that row's transaction): the pending row goes, once; a second
    submission at the same moment finds it gone and is told to choose the file again."""
    if PendingUpload.objects.filter(pk=pending.pk).delete()[0] == 0:
        raise ValidationError(
            _("所选文件“%(name)s”已失效，请重新选择。") % {"name": pending.original_name}
        )
    return {
        "file": str(pending.file.name),
        "original_name": pending.original_name,
        "size": pending.size,
        "content_type": pending.content_type,
        "uploaded_by": user,
    }


def attachment_response(attachment: StoredFile) -> FileResponse:
    """The file as a download: `Content-Disposition: attachment`, its stored type (never an
    active one such as HTML or SVG), `nosniff`, and a sandbox should a browser open it anyway."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("附件不存在。")) from exc
    stored = (attachment.content_type or "").split(";")[0].strip().lower()
    content_type = stored if stored and stored not in ACTIVE_TYPES else "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# Photos shown inline as thumbnails on the issue page: raster types a browser draws as a
# picture and nothing else, stored as such and beginning as such. Never SVG (a document that
# may carry scripts); GIF and HEIC stay downloads (HEIC: no browser draws it).
INLINE_IMAGE_MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),  # RIFF....WEBP: the WEBP mark is checked at bytes 8–12 below
}


def shows_inline(attachment: StoredFile) -> bool:
    """Whether the stored type is one of the photos drawn inline (the issue page's test)."""
    return (attachment.content_type or "").split(";")[0].strip().lower() in INLINE_IMAGE_MAGIC


def image_response(attachment: StoredFile) -> FileResponse:
    """A photo attachment shown in the page (`inline`): only a JPEG, PNG or WebP stored as
    such whose bytes begin as such; anything else is 404 here (and a download as ever).
    `nosniff` and a sandbox as for downloads."""
    if not shows_inline(attachment):
        raise Http404(_("该附件不是图片。"))
    content_type = attachment.content_type.split(";")[0].strip().lower()
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("附件不存在。")) from exc
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    webp = content_type != "image/webp" or head[8:12] == b"WEBP"
    if not (head.startswith(INLINE_IMAGE_MAGIC[content_type]) and webp):
        handle.close()
        raise Http404(_("该附件不是图片。"))
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        attachment.original_name, attachment=False
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def storage_message(exc: StorageUnavailable) -> str:
    """What the person reads when the media disk refused their files (their text is kept)."""
    return str(exc.detail) + _("您填写的内容已保留，请重新选择附件后再提交。")
