"""Several people POST at the same moment, each having read the issue first (PostgreSQL tests)."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection, connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import issues.api

# The marks of a race test: real concurrent connections and row locks. SQLite serialises
# writers on the whole file, so the race cannot happen there.
POSTGRES_ONLY = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI's PostgreSQL pass)",
    ),
]


def race_posts(attempts) -> list[int | None]:
    """Run `(user, path, body)` POSTs in threads, each having read the issue before any writes.

    Both people must have seen the same version, as two people looking at one page do. Releasing
    the threads at one instant is not enough: on a busy machine the first request can finish
    before the second has read anything, and then the second acts, rightly, on the new version.
    So every thread waits after its first read (`issue_for`) until all have read.
    Returns the statuses, sorted.
    """
    tokens = [Token.objects.get_or_create(user=user)[0].key for user, *_ in attempts]
    start = threading.Barrier(len(attempts))
    all_have_read = threading.Barrier(len(attempts))
    first_read = threading.local()
    statuses: list[int | None] = [None] * len(attempts)
    read_issue = issues.api.issue_for

    def read_then_wait_for_the_others(user, pk):
        issue = read_issue(user, pk)
        if getattr(first_read, "pending", False):
            first_read.pending = False
            all_have_read.wait(timeout=10)
        return issue

    def attempt(i, token, path, body):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        first_read.pending = True
        try:
            start.wait(timeout=10)
            statuses[i] = client.post(path, body, format="json").status_code
        finally:
            connections.close_all()  # this thread's connection, not the test's

    threads = [
        threading.Thread(target=attempt, args=(i, tokens[i], *rest))
        for i, (_user, *rest) in enumerate(attempts)
    ]
    with mock.patch.object(issues.api, "issue_for", read_then_wait_for_the_others):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return sorted(statuses, key=lambda s: s or 0)
