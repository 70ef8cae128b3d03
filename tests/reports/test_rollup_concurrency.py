"""Two people change two issues of the same bucket at the same moment (PostgreSQL): the
rollup (`issues.rollup`) ends equal to a direct count, because each refresh locks the bucket's
family and aggregates after the other's change has committed."""

import threading
from datetime import timedelta
from unittest import mock

from django.db import connections

from issues import rollup
from issues.models import FigureBucket, Issue, State, today
from issues.services import perform_transition
from organisation.models import Department
from tests.issues_api.helpers import file_issue
from tests.issues_api.racing import POSTGRES_ONLY

pytestmark = POSTGRES_ONLY


def test_two_transitions_in_one_bucket_leave_it_equal_to_a_direct_count(personas):
    secretariat, staff = personas["secretariat"], personas["hrss_staff"]
    hrss = Department.objects.get(code="hrss")
    due = today() + timedelta(days=10)
    pks = []
    for n in range(2):
        issue = file_issue(personas["software_officer"], title=f"问题{n}")
        pks.append(
            perform_transition(issue, "assign", secretariat, department=hrss, due_date=due).pk
        )
    assert FigureBucket.objects.get(state=State.ASSIGNED).raised == 2

    # Both transactions have written their issue before either refreshes the bucket.
    both_written = threading.Barrier(2)
    lock = rollup._lock  # noqa: SLF001 - the moment to hold each thread at

    def lock_after_the_other_wrote(families):
        both_written.wait(timeout=10)
        lock(families)

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
    assert rollup.stored_rows() == rollup.direct_rows()
    (bucket,) = FigureBucket.objects.all()
    assert (bucket.state, bucket.raised, bucket.accepted) == (State.ACCEPTED, 2, 2)
