"""Two submissions with one key at the same moment (a double tap on a slow network, a client's
retry racing its first try): one issue is filed, the other hears `AlreadyFiled` with it.

Needs real concurrent connections: PostgreSQL (CI's PostgreSQL pass)."""

import threading
from unittest import mock

import pytest
from django.db import connection, connections

import issues.services
from issues.models import Issue
from issues.services import AlreadyFiled, raise_issue
from organisation.models import IndustryChain, IssueCategory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI's PostgreSQL pass)",
    ),
]


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
