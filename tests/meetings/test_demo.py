"""The meetings part of seed_demo: a year of approved meetings acting on demo issues; idempotent."""

import io
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from issues.models import State
from meetings import demo
from meetings.models import Decision, Kind, Meeting, MeetingState
from organisation.demo import seed_accounts
from tests.meetings.conftest import make_issue

pytestmark = pytest.mark.django_db


def test_seed_builds_a_year_of_meetings_once():
    accounts = seed_accounts()
    today = timezone.localdate()
    for n in range(12):
        make_issue(
            f"演示问题{n}",
            raised_on=today - timedelta(days=30 * n + 5),
            officer=accounts.officers["software"],
        )
    out = io.StringIO()
    demo.seed(accounts, random.Random(7), out)

    regular = Meeting.objects.filter(kind=Kind.REGULAR).order_by("scheduled_at")
    held = [m for m in regular if m.state == MeetingState.MINUTES_APPROVED]
    assert len(held) == 6
    assert all(m.minutes.pdf_sha256 and m.attendance.exists() for m in held)
    assert regular.last().state == MeetingState.PLANNED and regular.last().agenda_items.exists()
    assert Meeting.objects.filter(kind=Kind.ANNUAL).count() == 1
    # 销号: the decisions without an issue of older meetings reported and closed, the latest
    # one's still open.
    without_issue = Decision.objects.filter(issue__isnull=True)
    assert {"open", "reported", "closed"} <= set(without_issue.values_list("state", flat=True))
    applied = Decision.objects.exclude(applied_transition="")
    assert applied.exists()
    # A decision's history row is dated the approval day and names the meeting.
    decision = applied.select_related("issue", "minutes__meeting").first()
    row = decision.issue.history.filter(transition=decision.applied_transition).latest()
    assert decision.minutes.meeting.title in row.history_change_reason
    assert timezone.localdate(row.history_date) == decision.minutes.meeting.date + timedelta(days=2)
    assert decision.issue.state != State.RAISED

    count = Meeting.objects.count()
    demo.seed(accounts, random.Random(7), io.StringIO())
    assert Meeting.objects.count() == count
