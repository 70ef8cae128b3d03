"""`seed_demo`'s issues: a year of realistic issues in every state, through the services."""

import io
import random

import pytest

from issues import demo
from issues.models import ExtensionRequest, Issue, IssueUpdate, State, SupervisionNotice
from organisation.demo import seed_accounts

pytestmark = pytest.mark.django_db


def test_a_year_of_issues_in_every_state_and_idempotent():
    accounts = seed_accounts()
    out = io.StringIO()
    demo.seed(accounts, random.Random(2024), out)
    issues = Issue.objects.all()
    assert issues.count() == demo.COUNT
    assert {i.state for i in issues} == set(State.values)
    assert Issue.objects.filter(return_count__gt=0).count() >= 3
    assert Issue.objects.filter(reopen_count__gt=0).count() >= 3
    assert Issue.objects.filter(state=State.RAISED, return_count__gt=0).exists()
    assert Issue.objects.overdue().count() >= 2
    assert IssueUpdate.objects.count() >= 20
    # 延期申请 asked by departments and decided by the secretariat, both ways.
    decided = set(ExtensionRequest.objects.values_list("state", flat=True))
    assert {"approved", "rejected"} <= decided
    assert Issue.history.filter(transition="extend").count() == (
        ExtensionRequest.objects.filter(state="approved").count()
    )
    # Spread over the past year, numbered in the order they were raised.
    dates = list(issues.order_by("raised_at").values_list("raised_at", flat=True))
    assert (dates[-1] - dates[0]).days > 300
    ordered = list(issues.order_by("raised_at").values_list("year", "sequence"))
    assert ordered == sorted(ordered)
    # Every step left one history row by a real person, dated when it happened (the automatic
    # 催办/督办 of send_reminders are the system's).
    history = Issue.history.exclude(transition="").exclude(
        transition="notice", history_user__isnull=True
    )
    assert history.filter(history_user__isnull=True).count() == 0
    verified = issues.filter(state=State.VERIFIED).first()
    steps = list(
        Issue.history.filter(id=verified.pk)
        .order_by("history_date")
        .values_list("transition", flat=True)
    )
    assert steps[0] == "raise" and steps[-1] == "verify"
    assert (
        verified.verified_at
        > verified.resolved_at
        > verified.first_assigned_at
        > verified.raised_at
    )

    # Supervision: automatic and by-hand notices, some answered, a 督办 left past its reply-by
    # date (督导事项).
    notices = SupervisionNotice.objects.all()
    assert notices.filter(automatic=True).exists() and notices.filter(automatic=False).exists()
    assert notices.filter(answered_at__isnull=False).exists()
    assert Issue.objects.escalated().filter(notices__kind="supervise").exists()
    assert (
        IssueUpdate.objects.filter(notice__isnull=False).count()
        == notices.filter(answered_at__isnull=False).count()
    )

    # The work-order practice (issue 11): 代录 by phone and letter, 协办 with the
    # co-department's notes, 答复 for what cannot be solved, three levels of rating, 批示.
    assert Issue.objects.exclude(source="").values("source").distinct().count() >= 3
    assert Issue.objects.filter(involvements__role="co").exists()
    assert IssueUpdate.objects.filter(kind=IssueUpdate.Kind.CO_DEPARTMENT).count() >= 5
    assert Issue.objects.filter(outcome="explained").count() >= 5
    ratings = set(Issue.objects.exclude(satisfaction="").values_list("satisfaction", flat=True))
    assert ratings == {"satisfied", "basically_satisfied", "dissatisfied"}
    assert IssueUpdate.objects.filter(kind=IssueUpdate.Kind.INSTRUCTION).exists()

    demo.seed(accounts, random.Random(1), out)
    assert Issue.objects.count() == demo.COUNT
    assert "already present" in out.getvalue()
