"""The archived minutes PDF: stored once at approval, served byte-identical, checked every time.

Every download reads the stored file and compares its SHA-256 with the one recorded when the
minutes were approved; a file that no longer matches (altered or damaged on disk) is never
served, and the refusal is logged so the operator can restore it from a backup.
"""

from __future__ import annotations

import hashlib
import logging

from django.dispatch import Signal

from meetings.models import Minutes

logger = logging.getLogger("liaison.security")

# Sent when a stored minutes PDF no longer matches its SHA-256 (the security audit log listens).
archive_mismatch = Signal()  # sender=Minutes, minutes, request, found


class ArchiveMismatch(Exception):
    """The stored PDF is missing or does not hash to the SHA-256 recorded at approval."""

    def __init__(self, minutes: Minutes, found: str):
        super().__init__(f"{minutes.pdf.name}: expected {minutes.pdf_sha256}, found {found}")
        self.minutes, self.found = minutes, found


def verified_pdf(minutes: Minutes, request=None) -> bytes:
    """The stored PDF's bytes, after checking them against `minutes.pdf_sha256`."""
    try:
        with minutes.pdf.open("rb") as handle:
            content = handle.read()
        found = hashlib.sha256(content).hexdigest()
    except OSError:
        content, found = b"", "missing"
    if found != minutes.pdf_sha256:
        logger.error(
            "approved minutes PDF refused: meeting %s, file %s, recorded SHA-256 %s, found %s",
            minutes.meeting_id,
            minutes.pdf.name,
            minutes.pdf_sha256,
            found,
        )
        archive_mismatch.send(sender=Minutes, minutes=minutes, request=request, found=found)
        raise ArchiveMismatch(minutes, found)
    return content
