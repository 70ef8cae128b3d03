"""Documents rendered once per state of their figures (issue 13 item 4), by the task worker
(issue 16: a rendering is WeasyPrint and the CJK fonts, ~200 MB over a web worker's ~120 MB,
whatever the data size - so the web serves a stored copy and never renders one it has).

Each document with its parameters has one stored copy in the ``documents`` cache: a small
entry (the "row": the stamp of the figures it was rendered from, its SHA-256, when it was
rendered, its size) and the bytes under a key that carries the SHA-256, written before the row
points at them, so that a row always names bytes that hash to it. A download:

- the copy's stamp is the current one: served (``X-Cache: hit``), no database query;
- the copy is older (the figures changed, or the day did, and the worker has not rendered the
  new one yet): served as it is (``X-Cache: stale``, ``Last-Modified`` when it was rendered,
  ``X-Document-Note`` saying a newer one is being prepared), and one render task is queued
  for it (deduplicated: while one is queued no other is added);
- no copy at all (the first download of that document, or one evicted): still the document -
  a document link gives the document (a PDF opened in the browser, a script), not a "come
  back later" page. The request queues the render and waits for the worker's copy up to
  ``DOCUMENT_RENDER_WAIT_SECONDS``; only when no worker answers in that time (none running,
  or the request inside a transaction the worker cannot see) does it render in the request,
  and it keeps that copy (``X-Cache: miss`` either way).

Use it for any document computed from the figures (the annual report, a bulletin)::

    BULLETIN_PDF = CachedDocument("bulletin-pdf", "reports.bulletin.render_bulletin_pdf")
    copy = BULLETIN_PDF.get(start="2026-01-01", end="2026-03-31")  # copy.content, copy.state

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
before. A rendering is labelled with the stamp read BEFORE it read the figures: one that ran
across a change (reading the old figures) is stored under the old stamp, so the next download
sees it stale and queues another. The counter lives in the same cache, so every process
sharing the cache's folder sees it; when it is missing (evicted, cleared) a new one is set,
so a lost counter costs a rendering, never a report passed off as current.

After each committed change, every document downloaded in the last ``WANTED_DAYS`` days gets
one render task, to run no sooner than ``LIAISON_DOCUMENT_REFRESH_SECONDS`` (default 300)
after its stored copy was rendered: the changes of those minutes share one rendering, so a
busy day costs the worker a rendering per document every few minutes, not one per change. One rendering at a time per document: a task that finds another worker
rendering the same document (its lock in the cache) runs again a little later instead of
rendering beside it - the other may have read the figures before the change that queued it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
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
RENDER_LOCK_SECONDS = 600  # a rendering whose worker died stops blocking others after this
BUSY_RETRY_SECONDS = 15  # a task that found its document being rendered runs again after this
WAIT_STEP_SECONDS = 0.25  # how often a first download looks for the worker's copy
REFERENCE_MODELS = (IndustryUnion, IndustryChain, Department, Measure, CalendarDay)

REGISTRY: dict[str, CachedDocument] = {}


def documents_cache():
    return caches[CACHE]


@dataclass(frozen=True)
class Copy:
    """A stored copy of a document, as a download serves it."""

    content: bytes
    sha256: str
    rendered_at: datetime
    # "hit": rendered from the current figures; "stale": from older ones, a newer copy is
    # queued; "miss": none was stored, rendered for this download (by the worker or here).
    state: str


class CachedDocument:
    """A document kept per parameters with the stamp of its figures; see the module's text."""

    def __init__(self, name: str, render: str) -> None:
        if name in REGISTRY:
            raise ValueError(f"a cached document named {name!r} is declared twice")
        self.name, self.render_path = name, render
        REGISTRY[name] = self

    def render(self, **params: Any) -> bytes:
        renderer: Callable[..., bytes] = import_string(self.render_path)
        return renderer(**params)

    def get(self, **params: Any) -> Copy:
        """The copy a download serves (see the module's text: hit, stale or miss)."""
        _want(self.name, params)
        found = self.stored(params)
        if found is not None:
            if found.state == "stale":
                queue_render(self.name, params)
            return found
        return self._first_copy(params)

    def stored(self, params: dict[str, Any]) -> Copy | None:
        """The stored copy (hit or stale), or None when there is none."""
        store = documents_cache()
        row = store.get(self.row_key(params))
        if row is None:
            return None
        content = store.get(self.body_key(params, row["sha256"]))
        if content is None:  # evicted under its row, or replaced since the row was read
            return None
        state = "hit" if row["stamp"] == current_stamp() else "stale"
        return Copy(content, row["sha256"], datetime.fromisoformat(row["rendered_at"]), state)

    def updating_since(self, **params: Any) -> datetime | None:
        """When the stored copy was rendered if it is of older figures (a download gets it
        while the newer one is being prepared), else None. Reads the row only, not the bytes:
        for the pages that link to the document, to say so."""
        row = documents_cache().get(self.row_key(params))
        if row is None or row["stamp"] == current_stamp():
            return None
        return datetime.fromisoformat(row["rendered_at"])

    def refresh(self, **params: Any) -> str:
        """Render unless the stored copy is of the current figures (what the task does)."""
        found = self.stored(params)
        if found is not None and found.state == "hit":
            return "fresh"
        self._render_and_store(params)
        return "rendered"

    def _first_copy(self, params: dict[str, Any]) -> Copy:
        """No copy yet: the worker's, waited for; rendered here only when no worker answers."""
        if not transaction.get_connection().in_atomic_block:  # else the worker cannot see it
            queue_render(self.name, params)
            deadline = time.monotonic() + settings.DOCUMENT_RENDER_WAIT_SECONDS
            while True:
                found = self.stored(params)
                if found is not None:
                    return replace(found, state="miss")
                if time.monotonic() >= deadline:
                    break
                _pause()
            log.warning(
                "no task worker rendered %s %s within %s s: rendered in the request",
                self.name,
                params,
                settings.DOCUMENT_RENDER_WAIT_SECONDS,
            )
        return replace(self._render_and_store(params), state="miss")

    def _render_and_store(self, params: dict[str, Any]) -> Copy:
        store = documents_cache()
        stamp = current_stamp()  # before the figures are read (see the module's text)
        rendered_at = timezone.now()
        content = self.render(**params)
        digest = hashlib.sha256(content).hexdigest()
        previous = store.get(self.row_key(params))
        # The bytes first, then the row that names them: a reader never finds a row without
        # its bytes (but may find bytes no row names yet, or any more: removed below).
        store.set(self.body_key(params, digest), content)
        row = {
            "stamp": stamp,
            "sha256": digest,
            "rendered_at": rendered_at.isoformat(),
            "size": len(content),
        }
        store.set(self.row_key(params), row)
        if previous is not None and previous["sha256"] != digest:
            store.delete(self.body_key(params, previous["sha256"]))
        return Copy(content, digest, rendered_at, "hit")

    def row_key(self, params: dict[str, Any]) -> str:
        """Where the stored copy's row is (its stamp, SHA-256, time of rendering, size)."""
        return f"document:{self.name}:{_params_key(params)}"

    def body_key(self, params: dict[str, Any], digest: str) -> str:
        """Where the bytes hashing to `digest` are: a new rendering never overwrites the
        bytes a row being read names."""
        return f"document-bytes:{self.name}:{_params_key(params)}:{digest}"


def _pause() -> None:
    """Between two looks for the worker's copy (its own function: tests run a worker here)."""
    time.sleep(WAIT_STEP_SECONDS)


def current_stamp() -> str:
    """The figures' stamp, short: what a stored copy's row records."""
    return hashlib.sha256(figures_stamp().encode()).hexdigest()[:24]


def figures_stamp() -> str:
    store = documents_cache()
    version = store.get(VERSION_KEY)
    if version is None:
        version = bump_stamp()
    return f"{today().isoformat()}|{version}|{_layout_digest()}"


# --- rendering ahead, in the worker --------------------------------------------------------


@task()
def render_document(name: str, params: dict[str, Any]) -> str:
    """Render document `name` with `params` for the figures as they are now."""
    store = documents_cache()
    lock = lock_key(name, params)
    if not store.add(lock, 1, timeout=RENDER_LOCK_SECONDS):
        # Another worker renders it, maybe from the figures before the change that queued
        # this task: run again once it may be done, never beside it. The queued mark stays,
        # so no other task is added meanwhile.
        later = timezone.now() + timedelta(seconds=BUSY_RETRY_SECONDS)
        if render_document.get_backend().supports_defer:
            render_document.using(run_after=later).enqueue(name, params)
            return "busy"
        store.delete(_pending_key(name, params))  # no deferral here: the next change queues
        return "busy"
    try:
        # Before rendering: a change committed while this renders queues the next rendering.
        store.delete(_pending_key(name, params))
        document = REGISTRY.get(name)
        if document is None:
            return "unknown"  # declared no more (a new release): nothing to render
        return document.refresh(**params)
    finally:
        store.delete(lock)


def queue_render(name: str, params: dict[str, Any]) -> bool:
    """One render task for this document unless one is queued already; whether one was. The
    task runs no sooner than `LIAISON_DOCUMENT_REFRESH_SECONDS` after the stored copy was
    rendered (a backend that cannot defer runs it at once)."""
    pending = PENDING_SECONDS + settings.LIAISON_DOCUMENT_REFRESH_SECONDS
    if not documents_cache().add(_pending_key(name, params), 1, timeout=pending):
        return False
    due = next_rendering_at(name, params)
    if due is not None and render_document.get_backend().supports_defer:
        render_document.using(run_after=due).enqueue(name, params)
    else:
        render_document.enqueue(name, params)
    return True


def next_rendering_at(name: str, params: dict[str, Any]) -> datetime | None:
    """When the stored copy may be rendered again, if that is still to come; None: now (no copy
    yet, or it is old enough). Changes in the meantime share that one rendering."""
    document = REGISTRY.get(name)
    row = documents_cache().get(document.row_key(params)) if document else None
    if row is None:
        return None
    interval = timedelta(seconds=settings.LIAISON_DOCUMENT_REFRESH_SECONDS)
    due = datetime.fromisoformat(row["rendered_at"]) + interval
    return due if due > timezone.now() else None


def render_ahead() -> int:
    """One render task per recently downloaded document that has none queued; how many."""
    return sum(queue_render(name, params) for name, params in wanted())


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


def lock_key(name: str, params: dict[str, Any]) -> str:
    """Held by the worker rendering this document (one at a time)."""
    return f"document-rendering:{name}:{_params_key(params)}"


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


def bump_stamp() -> int:
    """The figures changed: a new stamp, so every stored copy is now an older one."""
    version = time.time_ns()
    documents_cache().set(VERSION_KEY, version, timeout=None)
    return version


def _committed_change() -> None:
    bump_stamp()
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
