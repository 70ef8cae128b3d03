"""Reports rendered once per state of their figures: kept in the ``documents`` cache under a
key made of a cheap "last change" stamp, so a download when nothing changed is a cache read
and not one database query.

The stamp: today's date (overdue figures and "数据截至" move with it), a change counter bumped
whenever an issue is saved or deleted (every transition, edit and raise saves the issue) or
reference data the report names changes (unions, chains, departments, measures, the working-day
calendar), and a digest of the print code and templates (a new layout is a new document). The
counter lives in the same cache, so every app process sharing the cache's folder sees it; when
it is missing (evicted, cleared) a new one is set, so a lost counter costs a rendering, never a
stale report. Bulk ``QuerySet.update()`` sends no signal: the code never changes issues that way.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save

from issues.models import Issue, today
from organisation.models import CalendarDay, Department, IndustryChain, IndustryUnion, Measure

CACHE = "documents"
VERSION_KEY = "figures:change-counter"
REFERENCE_MODELS = (IndustryUnion, IndustryChain, Department, Measure, CalendarDay)


def documents_cache():
    return caches[CACHE]


def figures_stamp() -> str:
    store = documents_cache()
    version = store.get(VERSION_KEY)
    if version is None:
        version = _bump()
    return f"{today().isoformat()}|{version}|{_layout_digest()}"


def cached_document(kind: str, year: int, render: Callable[[], bytes]) -> tuple[bytes, bool]:
    """The document ``kind`` of ``year`` from the cache, or rendered now and kept; and whether
    it came from the cache."""
    stamp = hashlib.sha256(figures_stamp().encode()).hexdigest()[:24]
    key = f"report:{kind}:{year}:{stamp}"
    store = documents_cache()
    content = store.get(key)
    if content is not None:
        return content, True
    content = render()
    store.set(key, content)
    return content, False


# What the rendered bytes depend on besides the data: a new layout is a new document.
LAYOUT_SOURCES = (
    "templates/print",
    "printing",
    "meetings/printed.py",
    "meetings/docx_documents.py",
    "reports/annual.py",
    "reports/annual_docx.py",
)


@cache
def _layout_digest() -> str:
    digest = hashlib.sha256()
    for source in LAYOUT_SOURCES:
        root = Path(settings.BASE_DIR) / source
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.suffix in {".html", ".css", ".py"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _bump() -> int:
    version = time.time_ns()
    documents_cache().set(VERSION_KEY, version, timeout=None)
    return version


def _figures_changed(**kwargs) -> None:
    """A saved issue or a renamed department is a new report: bump the counter in the stamp."""
    _bump()


def connect_receivers() -> None:
    for model in (Issue, *REFERENCE_MODELS):
        post_save.connect(_figures_changed, sender=model, dispatch_uid=f"report-stamp-{model}")
        post_delete.connect(
            _figures_changed, sender=model, dispatch_uid=f"report-stamp-del-{model}"
        )
