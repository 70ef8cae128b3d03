"""Rows built once and shared by the tests of a module, rolled back when the module ends.

A module-scoped fixture cannot ask for `db`; it opens its own outer transaction with the
database unblocked, creates the rows, and rolls everything back at the module's end. Each test
still runs in its own savepoint inside it (pytest-django's `db`), so what one test writes is
gone before the next one starts: the tests share the rows, not each other's changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from organisation.reference import load_reference_data


@contextmanager
def rows_for_the_module(django_db_blocker, build: Callable[[], Any]) -> Iterator[Any]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # A transactional test earlier in the run flushes the tables; the reference data
            # comes back per test (tests/conftest.py), too late for rows built before any test.
            load_reference_data()
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
