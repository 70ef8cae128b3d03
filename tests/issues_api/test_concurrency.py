"""Two people act on the same issue at the same moment: one wins, the other hears 409.

Needs real concurrent connections and row locks: PostgreSQL (CI's PostgreSQL pass).
SQLite serialises writers on the whole file, so the race cannot happen there.
"""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, connections, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import issues.api
import issues.services
from issues.models import Issue, State, today
from issues.services import AlreadyFiled, TransitionConflict, perform_transition, raise_issue
from organisation.models import Department, IndustryChain, IssueCategory
from tests.issues_api.helpers import VALID_INPUTS, bring_to, url
from tests.issues_api.racing import POSTGRES_ONLY, race_posts

pytestmark = POSTGRES_ONLY


def race(attempts):
    """Run `(user, issue, name, body)` transitions at once (see `racing.race_posts`)."""
    return race_posts(
        [(user, url(issue, f"transitions/{name}/"), body) for user, issue, name, body in attempts]
    )


@pytest.mark.parametrize("round_", range(3))
def test_two_secretaries_assign_the_same_issue_at_once(personas, round_):
    wang = personas["secretariat"]
    issue = bring_to(
        State.RAISED,
        officer=personas["software_officer"],
        secretariat=wang,
        staff=personas["hrss_staff"],
    )
    second = {**VALID_INPUTS["assign"](), "department": "housing"}

    statuses = race(
        [(wang, issue, "assign", VALID_INPUTS["assign"]()), (wang, issue, "assign", second)]
    )

    assert statuses == [200, 409]
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.state == State.ASSIGNED
    assert list(issue.history.values_list("transition", flat=True).order_by("history_date")) == [
        "raise",
        "assign",
    ]
    assert issue.involvements.count() == 1, "the loser left no trace"


def test_resolve_and_return_race(personas):
    li = personas["hrss_staff"]
    issue = bring_to(
        State.ASSIGNED,
        officer=personas["software_officer"],
        secretariat=personas["secretariat"],
        staff=li,
    )

    statuses = race(
        [
            (li, issue, "resolve", VALID_INPUTS["resolve"]()),
            (li, issue, "return", VALID_INPUTS["return"]()),
        ]
    )

    assert statuses == [200, 409]
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.state in {State.RESOLVED, State.RAISED}
    assert issue.history.count() == 3  # raise, assign, and the one winner


def test_the_officer_verifies_while_reopening_elsewhere(personas):
    zhang = personas["software_officer"]
    issue = bring_to(
        State.RESOLVED,
        officer=zhang,
        secretariat=personas["secretariat"],
        staff=personas["hrss_staff"],
    )

    statuses = race(
        [
            (zhang, issue, "verify", VALID_INPUTS["verify"]()),
            (zhang, issue, "reopen", VALID_INPUTS["reopen"]()),
        ]
    )

    assert statuses == [200, 409]
    # raise, assign, accept (签收), resolve, and the one winner
    assert Issue.objects.get(pk=issue.pk).history.count() == 5


def waits_for_a_lock(pid: int, timeout: float = 10.0) -> bool:
    """True once PostgreSQL reports backend `pid` waiting for a lock (polled, with a deadline)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
            if row and row[0] == "Lock":
                return True
            time.sleep(0.01)  # polling the condition: the result never depends on this delay
    return False


def test_the_second_one_waits_for_the_lock_then_refuses(personas):
    """Deterministic interleaving: B reads the issue, A holds the row and assigns, B then gets 409.

    No sleeping: the test waits until PostgreSQL itself reports B's connection waiting for a
    lock, which is exactly the moment the assertion is about.
    """
    wang, zhang = personas["secretariat"], personas["software_officer"]
    issue = bring_to(State.RAISED, officer=zhang, secretariat=wang, staff=personas["hrss_staff"])
    seen_by_b = Issue.objects.get(pk=issue.pk)
    holding, release, outcome = threading.Event(), threading.Event(), {}
    b_connected, b_backend = threading.Event(), {}

    def a_assigns():
        try:
            with transaction.atomic():
                Issue.objects.select_for_update().get(pk=issue.pk)
                holding.set()
                release.wait(timeout=10)
                perform_transition(
                    Issue.objects.get(pk=issue.pk),
                    "assign",
                    wang,
                    department=Department.objects.get(code="hrss"),
                    due_date=today() + timedelta(days=5),
                )
        finally:
            connections.close_all()

    def b_withdraws():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                b_backend["pid"] = cursor.fetchone()[0]
            b_connected.set()
            perform_transition(seen_by_b, "withdraw", zhang, reason="企业已自行解决")
            outcome["b"] = "done"
        except TransitionConflict:
            outcome["b"] = "conflict"
        finally:
            connections.close_all()

    a = threading.Thread(target=a_assigns)
    a.start()
    assert holding.wait(timeout=10)
    b = threading.Thread(target=b_withdraws)
    b.start()
    assert b_connected.wait(timeout=10)
    assert waits_for_a_lock(b_backend["pid"]), "B waits on A's row lock, not on a stale read"
    assert b.is_alive()
    release.set()
    a.join(timeout=10)
    b.join(timeout=10)

    assert outcome == {"b": "conflict"}
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.state == State.ASSIGNED
    assert issue.history.count() == 2


def test_two_officers_file_at_once_and_get_different_numbers(personas):
    officers = [personas["software_officer"], personas["ai_officer"]]
    chains = ["software", "ai"]
    start = threading.Barrier(2)
    answers = [None, None]

    def file(i):
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=officers[i])[0].key}"
        )
        body = {
            "title": "并发提出",
            "description": "两位联络员同时提出问题。",
            "chain": chains[i],
            "category": "recruitment",
        }
        try:
            start.wait(timeout=10)
            response = client.post("/api/v1/issues/", body, format="json")
            answers[i] = (response.status_code, response.json().get("number"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [status for status, _ in answers] == [201, 201]
    assert len({number for _, number in answers}) == 2
    assert sorted(n.split("-")[1] for _, n in answers) == ["0001", "0002"]


def test_two_reassignments_at_once_one_wins(personas):
    """Reassign keeps the state: the change stamp still tells the second one it came too late."""
    wang = personas["secretariat"]
    issue = bring_to(
        State.ASSIGNED,
        officer=personas["software_officer"],
        secretariat=wang,
        staff=personas["hrss_staff"],
    )

    statuses = race(
        [
            (wang, issue, "reassign", {"department": "housing", "reason": "职责调整"}),
            (wang, issue, "reassign", {"due_date": "2099-01-01", "reason": "延期"}),
        ]
    )

    assert statuses == [200, 409]
    assert Issue.objects.get(pk=issue.pk).history.count() == 3


# Two submissions with one key at the same moment (a double tap on a slow network, a client's
# retry racing its first try): one issue is filed, the other hears `AlreadyFiled` with it.
def test_one_key_at_once_files_one_issue(software_officer):
    fields = {
        "chain": IndustryChain.objects.get(code="software"),
        "category": IssueCategory.objects.get(code="talent"),
        "title": "高级测试工程师招聘困难",
        "description": "企业反映岗位长期空缺。",
    }
    both_checked = threading.Barrier(2)
    check = issues.services._refuse_refiling  # noqa: SLF001 — the check the race is about
    local = threading.local()

    def check_then_wait(user, key):
        check(user, key)
        if not getattr(local, "waited", False):
            # Both have looked for an earlier filing and found none before either writes.
            local.waited = True
            both_checked.wait(timeout=10)

    outcomes = []

    def submit():
        try:
            outcomes.append(raise_issue(software_officer, submission_key="tap-tap", **fields))
        except AlreadyFiled as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    with mock.patch.object(issues.services, "_refuse_refiling", check_then_wait):
        threads = [threading.Thread(target=submit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)

    issue = Issue.objects.get()
    filed = [o for o in outcomes if isinstance(o, Issue)]
    refused = [o for o in outcomes if isinstance(o, AlreadyFiled)]
    assert len(filed) == 1 and len(refused) == 1
    assert refused[0].issue.pk == filed[0].pk == issue.pk
