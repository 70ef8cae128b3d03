"""`notifications.demo.seed`: dated notifications for the demo accounts, once; the replayed
history's signals muted meanwhile (`seed_demo` seeds inside `notify.muted()`, as here)."""

import random
from io import StringIO

import pytest
from django.db import transaction

from issues.services import perform_transition
from notifications import demo
from notifications import notify as n
from notifications.models import Notification
from organisation.demo import seed_accounts
from tests.issue_helpers import assign, file_issue


@pytest.mark.django_db(transaction=True)
def test_seed_is_idempotent_and_mutes_the_replayed_history():
    with transaction.atomic(), n.muted():
        accounts = seed_accounts()
        officer, clerk = accounts.officers["software"], accounts.secretariat
        file_issue(officer, title="新提出的问题")
        assigned = assign(file_issue(officer, title="已交办的问题"), clerk)
        resolved = assign(file_issue(officer, title="已办结的问题"), clerk, department="housing")
        perform_transition(
            perform_transition(resolved, "accept", accounts.staff["housing"]),
            "resolve",
            accounts.staff["housing"],
            resolution="已协调",
        )
        demo.seed(accounts, random.Random(1), StringIO())
    assert not n.is_muted()
    kinds = {
        (x.recipient.username, x.kind, x.issue.title)
        for x in Notification.objects.select_related("recipient", "issue")
    }
    assert ("wangfang", "raise", "新提出的问题") in kinds
    assert ("liqiang", "assign", "已交办的问题") in kinds
    assert ("zhangmin", "resolve", "已办结的问题") in kinds
    # Only the dated demo notifications: none came from the replayed signals.
    assert Notification.objects.filter(kind="assign").count() == 1
    assert (
        "市住房保障和房地产管理局"
        in Notification.objects.get(kind="resolve", recipient=officer).text
    )
    count = Notification.objects.count()
    with transaction.atomic():
        demo.seed(accounts, random.Random(1), StringIO())
    assert Notification.objects.count() == count and assigned.pk
    # After seeding, transitions notify again.
    perform_transition(
        perform_transition(assigned, "accept", accounts.staff["hrss"]),
        "resolve",
        accounts.staff["hrss"],
        resolution="已办结",
    )
    assert Notification.objects.count() > count
