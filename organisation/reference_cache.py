"""The reference tables (unions, chains, departments, categories, measures), read once per
process and served from memory until one of them changes (issue 16).

Every issue row shows its chain, union, category, department and measure, and every list's
filter offers them as choices: before this, each page read the same few dozen rows again, in
five to ten small queries, each compiled by the ORM and planned by PostgreSQL (2-18 % of a
page's CPU at 1M, measured with and without). They change a few times a year, in the admin.

Exact, never "stale for a minute": a snapshot is labelled with the token of
`ReferenceVersion` it was read under, and each use checks the token in the database first
(once per request: `request_started` resets the check; outside a request, the task worker
and commands, at every use). Saving or deleting a reference row writes a new random token in
the same transaction (`changed`, connected in `OrganisationConfig.ready`) and forgets this
process's snapshot, so:

- other processes see the new token when the change commits, and read the tables again;
- a rolled-back change takes its token back with it: a snapshot read inside it carries a
  token the database no longer has, and is read again (a random token, not a counter, so that
  a later change can never reuse it);
- the token is read before the rows, so a change committed in between labels the new rows
  with the old token: read once more next time, never old rows passed off as current.

A table written without signals (`bulk_create`, COPY) does not move the token: the processes
started after such a load read it fresh; call `changed()` after one at run time.

Callers get copies: one thread's view may set an attribute on a row it was given without
another request seeing it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db import connection, models

# The tables kept, by model name (the models import this module: no import back).
REFERENCE_MODELS = ("IndustryUnion", "IndustryChain", "Department", "IssueCategory", "Measure")
TOKEN_TABLE = "organisation_referenceversion"


@dataclass(frozen=True)
class Snapshot:
    token: str
    rows: dict[type, tuple[models.Model, ...]]  # each table in its default order
    by_id: dict[type, dict[int, models.Model]]


_snapshot: Snapshot | None = None  # replaced whole, never changed in place: no lock needed
_local = threading.local()  # per thread: inside a request, and whether the token was checked


def _request_started(**kwargs: Any) -> None:
    _local.in_request, _local.checked = True, False


def _request_finished(**kwargs: Any) -> None:
    _local.in_request, _local.checked = False, False


request_started.connect(_request_started, dispatch_uid="reference_cache_request_started")
request_finished.connect(_request_finished, dispatch_uid="reference_cache_request_finished")


def _reference_models() -> list[type[models.Model]]:
    return [apps.get_model("organisation", name) for name in REFERENCE_MODELS]


def _read_token() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TOKEN_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


# The related reference rows a served row comes with (a chain with its union): set once by
# `_load`, and what `attach` asks its caller to prefetch when the snapshot cannot serve.
SERVED_WITH = {"IndustryChain": ("union",)}


def _load(token: str) -> Snapshot:
    rows: dict[type, tuple[models.Model, ...]] = {}
    for model in _reference_models():
        # A plain QuerySet: the models' own (ReferenceQuerySet) would ask this cache again.
        ordering = list(model._meta.ordering or ())
        rows[model] = tuple(models.QuerySet(model=model).order_by(*ordering))
    by_id = {model: {row.pk: row for row in table} for model, table in rows.items()}
    for model, table in rows.items():
        for name in SERVED_WITH.get(model.__name__, ()):
            field: Any = model._meta.get_field(name)
            related = by_id[field.related_model]
            for row in table:
                row._state.fields_cache[name] = related[getattr(row, field.attname)]
    return Snapshot(token=token, rows=rows, by_id=by_id)


def current() -> Snapshot | None:
    """This process's snapshot, checked against the database (None: no token row yet, as
    after a test database is flushed — then nothing is cached and the tables are read)."""
    global _snapshot
    snapshot = _snapshot
    if snapshot is not None and getattr(_local, "checked", False):
        return snapshot
    token = _read_token()
    if token is None:
        return None
    if snapshot is None or snapshot.token != token:
        snapshot = _snapshot = _load(token)
    _local.checked = getattr(_local, "in_request", False)
    return snapshot


def changed(**kwargs: Any) -> None:
    """A reference row was saved or deleted: a new token, in the writer's transaction, and
    this process forgets its snapshot (connected to the reference models' signals)."""
    global _snapshot
    _snapshot = None
    _local.checked = False
    if kwargs.get("raw"):  # loaddata: the fixture's rows, written before any reader
        return
    token = secrets.token_hex(16)  # random: a rolled-back token never comes back (see above)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TOKEN_TABLE} SET token = %s WHERE id = 1", [token])
        if cursor.rowcount == 0:
            cursor.execute(f"INSERT INTO {TOKEN_TABLE} (id, token) VALUES (1, %s)", [token])


def forget() -> None:
    """Forget this process's snapshot (tests: query counts independent of the test order)."""
    global _snapshot
    _snapshot = None
    _local.in_request, _local.checked = False, False


def copy_row(row: models.Model) -> models.Model:
    """A row of its own for the caller, sharing nothing it could change with the cached one
    (its attributes are values; its cache of related rows is a new dict)."""
    clone = object.__new__(type(row))
    clone.__dict__.update(row.__dict__)
    state = models.base.ModelState()
    state.db, state.adding = row._state.db, False
    state.fields_cache = {
        name: copy_row(related) if isinstance(related, models.Model) else related
        for name, related in row._state.fields_cache.items()
    }
    clone._state = state
    return clone


def rows(model: type[models.Model]) -> list[models.Model] | None:
    """Copies of every row of a reference table in its default order (None: not cached)."""
    snapshot = current()
    if snapshot is None or model not in snapshot.rows:
        return None
    return [copy_row(row) for row in snapshot.rows[model]]


def attach(instances: Iterable[models.Model], fields: Iterable[str]) -> list[str]:
    """Set each instance's reference rows named by `fields` (foreign keys to reference tables)
    from the snapshot, one copy per row per call; a chain comes with its union. Returns the
    lookups to prefetch from the database for what could not be served (no snapshot, or a row
    newer than it): `chain__union` for a chain, so that either way a chain has its union."""
    instances = list(instances)
    fields = list(fields)
    if not instances or not fields:
        return []
    snapshot = current()
    meta = type(instances[0])._meta
    missing: list[str] = []
    for name in fields:
        field = meta.get_field(name)
        related_model: Any = field.related_model
        table = snapshot.by_id.get(related_model) if snapshot else None
        attname = field.attname  # type: ignore[union-attr]
        ids = {getattr(instance, attname) for instance in instances} - {None}
        if table is None or not ids <= table.keys():
            # No snapshot, or a row added since it: the database has it.
            with_rows = SERVED_WITH.get(related_model.__name__, ())
            missing.extend([f"{name}__{related}" for related in with_rows] or [name])
            continue
        copies = {pk: copy_row(table[pk]) for pk in ids}
        for instance in instances:
            pk = getattr(instance, attname)
            instance._state.fields_cache[name] = copies[pk] if pk is not None else None
    return missing
