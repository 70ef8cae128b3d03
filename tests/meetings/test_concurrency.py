"""Two clerks approve the same minutes at the same moment: one wins, the other hears 409,
and the decisions act on their issues once.

Needs real concurrent connections and row locks: PostgreSQL (CI's PostgreSQL pass).
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from issues.models import Issue, State
from meetings.models import Meeting, MeetingState
from meetings.services import save_minutes
from tests.meetings.conftest import make_issue, make_meeting

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI's PostgreSQL pass)",
    ),
]


def test_two_approvals_at_once(secretariat):
    issue = make_issue("同时审定")
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    save_minutes(
        meeting,
        secretariat,
        decisions=[
            {
                "text": "交市人社局",
                "department": "hrss",
                "due_date": timezone.localdate() + timedelta(days=9),
                "issue": issue.pk,
            },
        ],
    )
    token = Token.objects.create(user=secretariat).key
    start = threading.Barrier(2)
    statuses = []

    def approve():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            start.wait(timeout=10)
            statuses.append(
                client.post(
                    f"/api/v1/meetings/{meeting.pk}/transitions/approve_minutes/"
                ).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 409]
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.MINUTES_APPROVED
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.state == State.ASSIGNED
    assert list(issue.history.values_list("transition", flat=True).order_by("history_date")) == [
        "",
        "assign",
    ]
