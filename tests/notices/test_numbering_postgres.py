"""Notice numbers under concurrency: gapless and unique per year and kind, however many are
issued at once, by hand or by two `send_reminders` runs (PostgreSQL: real row locks and
concurrent connections; SQLite serialises writers on the whole file)."""

import threading
from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection

from issues import notices
from issues.models import SupervisionNotice, today
from issues.services import perform_transition
from organisation.models import Department
from tests.issue_helpers import assign, file_issue
from tests.notices.conftest import at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI's PostgreSQL pass)",
    ),
]


def in_threads(jobs):
    """Run the callables at once, each in its own thread and connection; their results."""
    results, errors = [None] * len(jobs), []

    def run(i, job):
        try:
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def all_drew_first(method_owner, name, parties):
    """Patch `name` so that each thread waits, on its first call, until every thread has drawn
    its numbers: the inserts then collide, as two people pressing at once would."""
    barrier = threading.Barrier(parties)
    real = getattr(method_owner, name)
    state = threading.local()

    def waiting(*args, **kwargs):
        if not getattr(state, "waited", False):
            state.waited = True
            barrier.wait(timeout=20)
        return real(*args, **kwargs)

    return mock.patch.object(method_owner, name, waiting)


def test_notices_issued_at_once_get_consecutive_numbers(software_officer, secretariat):
    issues = [assign(file_issue(software_officer, title=f"问题{n}"), secretariat) for n in range(4)]

    def job(issue):
        return lambda: (
            notices.issue_notice(
                issue, secretariat, kind="urge", text="请抓紧。", reply_by=today() + timedelta(3)
            ).number
        )

    with all_drew_first(SupervisionNotice, "save", 4):
        numbers = in_threads([job(issue) for issue in issues])
    year = today().year
    assert sorted(numbers) == sorted(f"催办〔{year}〕{n}号" for n in range(1, 5))


def test_two_reminder_runs_at_once_issue_each_notice_once(software_officer, secretariat):
    with at(date(2026, 9, 14)):
        for n in range(3):
            perform_transition(
                file_issue(software_officer, title=f"问题{n}"),
                "assign",
                secretariat,
                department=Department.objects.get(code="hrss"),
                due_date=date(2026, 9, 30),
            )

    def run():
        with at(date(2026, 10, 8)):
            return len(notices.issue_automatic())

    manager = SupervisionNotice._meta.default_manager
    with all_drew_first(manager, "bulk_create", 2):
        issued = in_threads([run, run])
    assert sorted(issued) == [0, 3]
    assert sorted(SupervisionNotice.objects.values_list("sequence", flat=True)) == [1, 2, 3]
