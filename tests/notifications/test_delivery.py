"""Deliveries are tasks in the change's queue: once after a worker run, never for a rollback,
retried with back-off while the mail server hangs, and never slowing the request."""

from datetime import timedelta
from time import perf_counter

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from issues.models import Issue, State
from meetings import services
from notifications import tasks
from notifications.models import Delivery, Notification
from organisation.models import User
from organisation.roles import assign_role
from tests.issue_helpers import accept, assign, file_issue
from tests.meetings.conftest import make_meeting

from .conftest import connections, run_worker

# The worker reads what the request committed: real commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def filed_and_drained(officer):
    """An issue whose raise mails are sent already: what follows starts with an empty outbox."""
    issue = file_issue(officer)
    run_worker()
    mail.outbox.clear()
    return issue


def test_a_committed_transition_delivers_exactly_once_after_a_worker_run(
    task_queue, software_officer, secretariat, hrss_staff
):
    issue = filed_and_drained(software_officer)
    assign(issue, secretariat)
    # Committed: the e-mail is queued, not sent.
    assert mail.outbox == []
    (queued,) = Delivery.objects.filter(event="assign")
    assert queued.state == Delivery.State.PENDING and queued.address == "li@example.gov.cn"

    run_worker()
    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]
    queued.refresh_from_db()
    assert queued.state == Delivery.State.SENT and queued.attempts == 1
    assert queued.sent_at is not None

    run_worker()  # a second run finds nothing to do
    assert len(mail.outbox) == 1


def test_a_rolled_back_transition_never_delivers(
    task_queue, software_officer, secretariat, hrss_staff
):
    issue = filed_and_drained(software_officer)
    tasks_before = DBTaskResult.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        assign(issue, secretariat)
        raise RuntimeError("something later in the same transaction failed")

    assert Issue.objects.get(pk=issue.pk).state == State.RAISED
    assert not Delivery.objects.filter(event="assign").exists()
    assert DBTaskResult.objects.count() == tasks_before
    run_worker()
    assert mail.outbox == []


def test_the_delivery_and_its_task_row_are_written_in_the_transitions_transaction(
    task_queue, software_officer, secretariat, hrss_staff
):
    """Not after it: both exist before the commit, so they commit (or roll back) together."""
    issue = filed_and_drained(software_officer)
    tasks_before = DBTaskResult.objects.count()
    with transaction.atomic():
        assign(issue, secretariat)
        (queued,) = Delivery.objects.filter(event="assign")
        assert DBTaskResult.objects.count() == tasks_before + 1
        assert transaction.get_connection().in_atomic_block
    run_worker()
    queued.refresh_from_db()
    assert queued.state == Delivery.State.SENT and [m.to for m in mail.outbox] == [
        ["li@example.gov.cn"]
    ]


def publish_agenda(secretariat):
    meeting = make_meeting(timezone.localdate() + timedelta(days=7))
    services.add_agenda_item(meeting, secretariat, title="听取各产业链情况汇报")
    return services.perform_meeting_transition(meeting, "publish_agenda", secretariat)


def test_a_published_agenda_delivers_once_per_participant_after_a_worker_run(
    task_queue, software_officer, secretariat, leader
):
    publish_agenda(secretariat)
    assert mail.outbox == []  # committed and queued, not sent
    run_worker()
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["liu@example.gov.cn", "zhang@example.gov.cn"]


def test_an_agenda_publication_that_rolls_back_leaves_no_notification_delivery_or_task(
    task_queue, software_officer, secretariat, leader
):
    tasks_before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_agenda(secretariat)
        raise RuntimeError("something later in the same transaction failed")
    assert not Notification.objects.filter(kind="agenda_published").exists()
    assert not Delivery.objects.exists()
    assert DBTaskResult.objects.count() == tasks_before
    run_worker()
    assert mail.outbox == []


def test_with_the_test_backend_a_task_runs_after_the_commit_never_for_a_rollback(
    software_officer, secretariat, hrss_staff
):
    """The suite's immediate backend (liaison/task_backends.py) runs a task once its
    transaction commits, like the worker: never inside the change, never for a rollback."""
    issue = file_issue(software_officer)
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        assign(issue, secretariat)
        raise RuntimeError("rolled back")
    assert mail.outbox == []
    with transaction.atomic():
        assign(Issue.objects.get(pk=issue.pk), secretariat)
        assert mail.outbox == []  # not while the transaction is open
    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]


def test_a_task_enqueued_twice_sends_once(task_queue, software_officer, secretariat):
    file_issue(software_officer)
    delivery = Delivery.objects.get(event="raise", address="wang@example.gov.cn")
    tasks.enqueue([delivery])  # e.g. 「重新投递」 pressed while the first task still waits
    run_worker()
    assert [m.to for m in mail.outbox] == [["wang@example.gov.cn"]]


def test_mail_has_text_and_html_parts_with_absolute_links(
    software_officer, secretariat, hrss_staff
):
    issue = file_issue(software_officer)
    mail.outbox.clear()
    with override_settings(LIAISON_BASE_URL="https://liaison.example.gov.cn"):
        assign(issue, secretariat)
    (message,) = mail.outbox
    link = f"https://liaison.example.gov.cn/issues/{issue.pk}/"
    assert message.subject.startswith("【助链联动】问题")
    assert link in message.body and "<" not in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and f'href="{link}"' in html and issue.title in html


def test_a_hung_mail_server_leaves_the_request_fast_and_the_delivery_retried(
    client, task_queue, hung_mail_server, software_officer, secretariat, hrss_staff
):
    issue = accept(assign(file_issue(software_officer), secretariat), hrss_staff)
    run_worker()  # the raise, assign and accept mails: they time out against the hung server
    connections(hung_mail_server)
    Delivery.objects.all().delete()

    client.force_login(hrss_staff)
    started = perf_counter()
    response = client.post(
        reverse("issues:transition", args=[issue.pk, "resolve"]),
        {"resolve-resolution": "已协调补贴审核，三日内到账"},
    )
    elapsed = perf_counter() - started
    assert response.status_code == 302
    assert Issue.objects.get(pk=issue.pk).state == State.RESOLVED
    # The request never went near the mail server; it only queued the mails.
    assert connections(hung_mail_server) == 0
    print(f"resolve with a hung mail server: {elapsed * 1000:.0f} ms")
    queued = list(Delivery.objects.filter(event="resolve"))
    assert {d.address for d in queued} == {"zhang@example.gov.cn", "wang@example.gov.cn"}

    run_worker()  # each attempt gives up after EMAIL_TIMEOUT and is scheduled again
    assert connections(hung_mail_server) == 2
    for delivery in Delivery.objects.filter(event="resolve"):
        assert delivery.state == Delivery.State.PENDING and delivery.attempts == 1
        assert "timed out" in delivery.last_error or "Timeout" in delivery.last_error
        assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)
    run_worker()  # not yet due: nothing is attempted
    assert connections(hung_mail_server) == 0

    # The mail server is back; the retry is due an hour later.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        time_machine.travel(timezone.now() + timedelta(hours=1)),
    ):
        run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["wang@example.gov.cn", "zhang@example.gov.cn"]
    assert set(Delivery.objects.filter(event="resolve").values_list("state", flat=True)) == {
        Delivery.State.SENT
    }


@override_settings(LIAISON_DELIVERY_ATTEMPTS=2)
def test_after_the_last_attempt_the_delivery_fails_and_the_admin_redelivers(
    admin_client, task_queue, hung_mail_server, software_officer, secretariat
):
    file_issue(software_officer)
    run_worker()
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        run_worker()
    delivery = Delivery.objects.get(address="wang@example.gov.cn")
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 2
    assert delivery.last_error

    page = admin_client.get("/admin/notifications/delivery/?state=failed").content.decode()
    assert "wang@example.gov.cn" in page and "重新投递" in page
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        response = admin_client.post(
            "/admin/notifications/delivery/",
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )
        assert response.status_code == 302
        run_worker()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert [m.to for m in mail.outbox] == [["wang@example.gov.cn"]]


def test_the_secretariat_sees_the_deliveries_and_manages_webhooks_in_the_admin(
    client, secretariat, hrss_staff
):
    client.force_login(assign_role(secretariat, User.Role.SECRETARIAT))
    assert client.get("/admin/notifications/delivery/").status_code == 200
    assert client.get("/admin/notifications/webhook/add/").status_code == 200
    client.force_login(hrss_staff)
    assert client.get("/admin/notifications/delivery/").status_code == 302  # to the admin login
