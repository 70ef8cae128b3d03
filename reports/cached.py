"""Reports rendered once per state of their figures: kept in the ``documents`` cache under a
key made of a cheap "last change" stamp, so a download when nothing changed is a cache read.

The stamp: today's date (overdue figures and "数据截至" move with it), the number of issues and
the latest ``Issue.updated_at`` (every transition and edit saves the issue), a counter bumped
whenever reference data the report names changes (unions, chains, departments, measures, the
working-day calendar), and a digest of the print templates and stylesheet (a new layout is a
new document). Two aggregate queries, whatever the number of issues.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save

from issues.models import Issue, today
from organisation.models import CalendarDay, Department, IndustryChain, IndustryUnion, Measure

CACHE = "documents"
VERSION_KEY = "figures:reference-version"
REFERENCE_MODELS = (IndustryUnion, IndustryChain, Department, Measure, CalendarDay)


def documents_cache():
    return caches[CACHE]


def figures_stamp() -> str:
    figures = Issue.objects.order_by().aggregate(n=Count("pk"), last=Max("updated_at"))
    last = figures["last"].isoformat() if figures["last"] else "-"
    version = documents_cache().get(VERSION_KEY, 0)
    return f"{today().isoformat()}|{figures['n']}|{last}|{version}|{_layout_digest()}"


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


def _reference_changed(**kwargs) -> None:
    """A renamed department is a new report: bump the counter in the stamp."""
    documents_cache().set(VERSION_KEY, time.time_ns(), timeout=None)


def connect_receivers() -> None:
    for model in REFERENCE_MODELS:
        post_save.connect(_reference_changed, sender=model, dispatch_uid=f"report-stamp-{model}")
        post_delete.connect(
            _reference_changed, sender=model, dispatch_uid=f"report-stamp-del-{model}"
        )
