"""The version of the minutes an approver saw, so approval never signs content changed since.

The version is the minutes' change stamp (`Minutes.updated_at`), moved by every change to the
summary, item notes, decisions and attendance. It is written with `QuerySet.update()` so that
moving it adds no history row of its own (the change itself has one).
"""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone

from meetings.models import Minutes


def minutes_version(minutes: Minutes | None) -> str:
    """An opaque token; "" while the meeting has no minutes yet."""
    if minutes is None or minutes.pk is None:
        return ""
    return minutes.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def touch(minutes: Minutes) -> None:
    """Move the version after a change (inside the change's transaction)."""
    minutes.updated_at = timezone.now()
    Minutes.objects.filter(pk=minutes.pk).update(updated_at=minutes.updated_at)


def is_stale(minutes: Minutes | None, seen: str | None) -> bool:
    """True when the approver named a version and it is not the current one (`minutes` None:
    the meeting had no minutes until now)."""
    return seen is not None and seen.strip().strip('"') != minutes_version(minutes)
