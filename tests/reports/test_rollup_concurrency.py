"""Two people change two issues of the same bucket, or of two days of the same month, at the
same moment (PostgreSQL): the rollup (`issues.rollup`) ends equal to a direct count, because
each refresh locks the bucket's family and its month's and aggregates after the other's
change has committed."""

import threading
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

from issues import rollup
from issues.models import FigureBucket, FigureMonth, Issue, State
from issues.services import perform_transition
from organisation.models import Department
from tests.issues_api.helpers import file_issue
from tests.issues_api.racing import POSTGRES_ONLY

pytestmark = POSTGRES_ONLY


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("days_apart", [0, 2], ids=["same bucket", "same month"])
def test_two_transitions_in_one_family_leave_it_equal_to_a_direct_count(personas, days_apart):
    secretariat, staff = personas["secretariat"], personas["hrss_staff"]
    hrss = Department.objects.get(code="hrss")
    first = date(2025, 3, 3)
    due = first + timedelta(days=10)
    pks = []
    with time_machine.travel(at(first), tick=False) as clock:
        for n in range(2):
            clock.move_to(at(first + timedelta(days=days_apart * n)))
            issue = file_issue(personas["software_officer"], title=f"问题{n}")
            pks.append(
                perform_transition(issue, "assign", secretariat, department=hrss, due_date=due).pk
            )
        month = FigureMonth.objects.get(grouped_by="state", state=State.ASSIGNED)
        assert month.raised == 2
        _race_two_accepts(pks, staff)
    assert rollup.stored_rows() == rollup.direct_rows()
    assert rollup.stored_months() == rollup.direct_months()
    month = FigureMonth.objects.get(grouped_by="state")
    assert (month.state, month.raised, month.accepted) == (State.ACCEPTED, 2, 2)
    assert sum(b.raised for b in FigureBucket.objects.all()) == 2


def _race_two_accepts(pks: list[int], staff) -> None:
    """Both accepted at once; each refresh waits until both issues are written."""

    # Both transactions have written their issue before either refreshes the bucket.
    both_written = threading.Barrier(2)
    lock = rollup._lock  # noqa: SLF001 - the moment to hold each thread at

    def lock_after_the_other_wrote(families, **kwargs):
        both_written.wait(timeout=10)
        lock(families, **kwargs)

    errors = []

    def accept(pk):
        try:
            perform_transition(Issue.objects.get(pk=pk), "accept", staff)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()  # this thread's connection, not the test's

    threads = [threading.Thread(target=accept, args=(pk,)) for pk in pks]
    with mock.patch.object(rollup, "_lock", lock_after_the_other_wrote):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors
    assert set(Issue.objects.values_list("state", flat=True)) == {State.ACCEPTED}
