"""Documents rendered once per state of their figures (issue 13 item 4): kept in the
``documents`` cache under a key made of the document's name, its parameters and a cheap "last
change" stamp, so that a download when nothing changed is a cache read and not one database
query; and rendered again by a background task as soon as the figures change, so that the next
download is a cache read too.

Use it for any document computed from the figures (the annual report, a bulletin)::

    BULLETIN_PDF = CachedDocument("bulletin-pdf", "reports.bulletin.render_bulletin_pdf")
    pdf, hit = BULLETIN_PDF.get(start="2026-01-01", end="2026-03-31")

``render`` is the dotted path of a function taking the parameters as keyword arguments and
returning the bytes (imported when first needed: no renderer is loaded at start-up). Declare
the document in ``reports/documents.py`` (imported when the app is ready, so that the task
worker knows it by name). Parameters must be JSON values (they travel in the task's row).

The stamp: today's date (overdue figures and "数据截至" move with it), a change counter, and a
digest of the print code and templates (a new layout is a new document). The counter moves
when an issue or the reference data a report names (unions, chains, departments, measures,
the working-day calendar) is saved or deleted (`post_save`/`post_delete`) or issues are
written in bulk (`issues.signals.issues_written_in_bulk`, sent by ``Issue.objects.update()``
and ``bulk_update``/``bulk_create``) - and it moves when that transaction COMMITS, never
before: a rendering that ran between a change and its commit (reading the old figures) is
kept under the old stamp, never under the new one. The counter lives in the same cache, so
every process sharing the cache's folder sees it; when it is missing (evicted, cleared) a new
one is set, so a lost counter costs a rendering, never a stale report.

After each committed change, every document downloaded in the last ``WANTED_DAYS`` days gets
one render task (deduplicated: while one is queued no other is added; the task renders the
figures as they are when it runs). A download that finds no copy for the current stamp (the
first after a start, after midnight, or while the worker is still busy) renders inline once
and keeps the result: a document link must give the document (a PDF opened in the browser,
a script), not a "come back later" page, and with the pre-rendering this is rare.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.module_loading import import_string

# The backport of Django 6's django.tasks: on Django 6 this import becomes `django.tasks`.
from django_tasks import task

from issues.models import Issue, today
from issues.signals import issues_written_in_bulk
from organisation.models import CalendarDay, Department, IndustryChain, IndustryUnion, Measure

log = logging.getLogger(__name__)

CACHE = "documents"
VERSION_KEY = "figures:change-counter"
WANTED_KEY = "documents:wanted"
WANTED_DAYS = 30  # documents nobody downloaded for this long are no longer rendered ahead
PENDING_SECONDS = 3600  # a queued render that never ran stops blocking new ones after this
REFERENCE_MODELS = (IndustryUnion, IndustryChain, Department, Measure, CalendarDay)

REGISTRY: dict[str, CachedDocument] = {}


def documents_cache():
    return caches[CACHE]


class CachedDocument:
    """A document kept per (parameters, state of the figures); see the module's text."""

    def __init__(self, name: str, render: str) -> None:
        if name in REGISTRY:
            raise ValueError(f"a cached document named {name!r} is declared twice")
        self.name, self.render_path = name, render
        REGISTRY[name] = self

    def render(self, **params: Any) -> bytes:
        renderer: Callable[..., bytes] = import_string(self.render_path)
        return renderer(**params)

    def get(self, **params: Any) -> tuple[bytes, bool]:
        """The bytes, and whether they came from the cache (else rendered now, and kept)."""
        store = documents_cache()
        key = self.key(params)
        content = store.get(key)
        hit = content is not None
        if not hit:
            content = self.render(**params)
            store.set(key, content)
        _want(self.name, params)
        return content, hit

    def key(self, params: dict[str, Any]) -> str:
        """Where this document with these parameters is kept for the current stamp."""
        stamp = hashlib.sha256(figures_stamp().encode()).hexdigest()[:24]
        return f"document:{self.name}:{_params_key(params)}:{stamp}"

    def refresh(self, **params: Any) -> str:
        """Render for the current stamp unless a copy is there already (what the task does)."""
        store = documents_cache()
        key = self.key(params)
        if store.has_key(key):
            return "fresh"
        store.set(key, self.render(**params))
        return "rendered"


def figures_stamp() -> str:
    store = documents_cache()
    version = store.get(VERSION_KEY)
    if version is None:
        version = _bump()
    return f"{today().isoformat()}|{version}|{_layout_digest()}"


# --- rendering ahead, in the worker --------------------------------------------------------


@task()
def render_document(name: str, params: dict[str, Any]) -> str:
    """Render document `name` with `params` for the figures as they are now."""
    # First: a change committed while this renders queues the next rendering.
    documents_cache().delete(_pending_key(name, params))
    document = REGISTRY.get(name)
    if document is None:
        return "unknown"  # declared no more (a new release): nothing to render
    return document.refresh(**params)


def render_ahead() -> int:
    """One render task per recently downloaded document that has none queued; how many."""
    store = documents_cache()
    queued = 0
    for name, params in wanted():
        if store.add(_pending_key(name, params), 1, timeout=PENDING_SECONDS):
            render_document.enqueue(name, params)
            queued += 1
    return queued


def wanted() -> list[tuple[str, dict[str, Any]]]:
    """The documents downloaded within the last WANTED_DAYS days."""
    horizon = (timezone.now() - timedelta(days=WANTED_DAYS)).isoformat()
    entries = documents_cache().get(WANTED_KEY) or {}
    return [(name, params) for name, params, seen in entries.values() if seen >= horizon]


def _want(name: str, params: dict[str, Any]) -> None:
    """Remember a download (written at most once a day per document: a hit stays a read)."""
    store = documents_cache()
    entries = store.get(WANTED_KEY) or {}
    key = f"{name}|{_params_key(params)}"
    now = timezone.now()
    seen = entries.get(key, (None, None, ""))[2]
    if seen and seen >= (now - timedelta(days=1)).isoformat():
        return
    horizon = (now - timedelta(days=WANTED_DAYS)).isoformat()
    entries = {k: v for k, v in entries.items() if v[2] >= horizon}
    entries[key] = (name, params, now.isoformat())
    store.set(WANTED_KEY, entries, timeout=None)


def _params_key(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _pending_key(name: str, params: dict[str, Any]) -> str:
    return f"document-render-queued:{name}:{_params_key(params)}"


# --- the stamp -----------------------------------------------------------------------------

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


def _committed_change() -> None:
    _bump()
    render_ahead()


def _figures_changed(**kwargs) -> None:
    """A saved issue or a renamed department is a new report, once its transaction commits.

    `robust`: the change has committed; a cache or queue failure here is logged, never turned
    into an error of the request that made the change."""
    transaction.on_commit(_committed_change, robust=True)


def connect_receivers() -> None:
    for model in (Issue, *REFERENCE_MODELS):
        post_save.connect(_figures_changed, sender=model, dispatch_uid=f"report-stamp-{model}")
        post_delete.connect(
            _figures_changed, sender=model, dispatch_uid=f"report-stamp-del-{model}"
        )
    issues_written_in_bulk.connect(_figures_changed, dispatch_uid="report-stamp-bulk")
