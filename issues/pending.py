"""Files chosen on a form whose submission failed are kept for the next try (issue 15).

A browser never sends a chosen file back, so after "请填写标题" the photo would be gone. Instead
the files of a failed submission that pass the attachment checks are stored as
`PendingUpload`s of this person, this session and this form (its address); the re-rendered
form shows each as a ticked box "已选择：photo.jpg" (untick to remove) carrying an unguessable
token. The next submission of the same form brings the ticked tokens back; `kept_files` turns
them into rows only for the same user, session and form, and not older than
`PENDING_UPLOAD_HOURS`. `store_attachment` then takes over the stored file (no copy) and
deletes the row in the change's transaction, so a file and its row never disagree. Rows never
attached are removed, file first, by `purge` (run by `send_reminders`) and on success.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from issues.attachments import upload_name_and_type, validate_upload
from issues.models import PendingUpload
from liaison.storage import StorageUnavailable, atomic_with_files

logger = logging.getLogger("liaison.pending")

FIELD = "pending"  # the ticked boxes' name (with the form's prefix)
MAX_KEPT = 20  # at most so many files carried over by one form


def session_hash(request) -> str:
    """The signed-in session, hashed: "" without one (then nothing is kept or attached)."""
    key = request.session.session_key
    return hashlib.sha256(key.encode()).hexdigest() if key else ""


def _mine(request) -> QuerySet[PendingUpload]:
    cutoff = timezone.now() - timedelta(hours=settings.PENDING_UPLOAD_HOURS)
    return PendingUpload.objects.filter(
        user=request.user,
        session_hash=session_hash(request),
        form_path=request.path[:200],
        created_at__gte=cutoff,
    )


def _name(prefix: str | None, field: str) -> str:
    return f"{prefix}-{field}" if prefix else field  # as Form.add_prefix


def kept_files(request, prefix: str | None = None) -> list[PendingUpload]:
    """The files kept from this person's failed try of this form that are still ticked
    (`prefix`: the form's prefix, as its fields are named)."""
    tokens = [t for t in request.POST.getlist(_name(prefix, FIELD)) if t][:MAX_KEPT]
    if not tokens or not request.session.session_key:
        return []  # no session, nothing of its
    return list(_mine(request).filter(token__in=tokens))


def keep_after_failure(
    request, kept: list[PendingUpload], prefix: str | None = None
) -> tuple[list[PendingUpload], bool]:
    """After a failed submission: keep this try's chosen files (`<prefix>-files`) that pass the
    attachment checks, beside those kept before; returns them all, for the re-rendered form,
    and whether a chosen file could not be kept (refused, or the disk full): only then must the
    person choose it again."""
    uploads = request.FILES.getlist(_name(prefix, "files"))
    session = session_hash(request)
    room = MAX_KEPT - len(kept)
    dropped = False
    new: list[PendingUpload] = []
    for upload in uploads:
        try:
            validate_upload(upload)
        except ValidationError:
            dropped = True  # its reason is shown by the field
            continue
        if not session or room <= 0:
            dropped = True
            continue
        try:
            new.append(_store(request, upload, session))
        except StorageUnavailable:
            dropped = True
            continue
        room -= 1
    rows = [*kept, *new]
    for row in rows:
        row.input_name = _name(prefix, FIELD)  # the ticked box's name (issues/_kept_files.html)
    return rows, dropped


def keep_on_form(request, form, kept: list[PendingUpload]) -> bool:
    """`keep_after_failure` for a Django form: its files field shows them (`form.kept_files`)."""
    form.kept_files, dropped = keep_after_failure(request, kept, form.prefix)
    return dropped


def _store(request, upload, session: str) -> PendingUpload:
    name, content_type = upload_name_and_type(upload)
    row = PendingUpload(
        token=secrets.token_urlsafe(32),
        user=request.user,
        session_hash=session,
        form_path=request.path[:200],
        original_name=name,
        size=upload.size,
        content_type=content_type,
    )
    with atomic_with_files():  # the row fails: the file goes too
        row.file.save(name, upload, save=False)
        row.save()
    return row


def forget_unattached(request) -> int:
    """On success: this form's files that were unticked (removed) go now, not in N hours."""
    return _discard(_mine(request))


def purge(now=None) -> int:
    """Remove the kept files older than `PENDING_UPLOAD_HOURS`, each file before its row."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.PENDING_UPLOAD_HOURS)
    return _discard(PendingUpload.objects.filter(created_at__lt=cutoff))


def _discard(rows: QuerySet[PendingUpload]) -> int:
    removed = 0
    for row in rows:
        try:
            row.file.delete(save=False)  # a missing file is no error
        except OSError as exc:
            # The file stays, so does its row: the next purge tries again.
            logger.error("could not remove pending upload %s: %s", row.file.name, exc)
            continue
        row.delete()
        removed += 1
    return removed
