"""A mail server that is down, or accepts and never answers, never fails or slows a transition:
the change is made and the person gets 200 without the request going near the mail server
(the e-mail is a task, queued in the transition's transaction); the worker's attempt fails
within EMAIL_TIMEOUT, is logged, and the delivery waits for its retry."""

import logging
import socket
import time

import pytest
from django.test import override_settings

from issues.models import State
from notifications.models import Delivery
from tests.issues_api.helpers import bring_to, url
from tests.notifications.conftest import DATABASE_TASKS, run_worker

# The worker runs after the request's transaction has committed, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def task_queue():
    """Tasks wait in the database until `run_worker()`, as in production."""
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


@pytest.fixture
def hung_server(smtp):
    """Accepts connections (the kernel completes the handshake) and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    smtp.EMAIL_PORT = server.getsockname()[1]
    yield server
    server.close()


@pytest.fixture
def down_server(smtp):
    """A port nobody listens on: connection refused."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    smtp.EMAIL_PORT = probe.getsockname()[1]
    probe.close()


@pytest.fixture
def handled(personas, task_queue):
    return bring_to(
        State.ACCEPTED,  # signed for: the department may resolve
        officer=personas["software_officer"],
        secretariat=personas["secretariat"],
        staff=personas["hrss_staff"],
        chain="software",
    )


@pytest.mark.parametrize("server", ["hung_server", "down_server"])
def test_resolve_answers_200_whatever_the_mail_server_does(
    api, personas, handled, request, server, caplog, task_queue
):
    request.getfixturevalue(server)
    Delivery.objects.all().delete()  # the mails of the steps that brought the issue here
    started = time.monotonic()
    response = api.as_user(personas["hrss_staff"]).post(
        url(handled, "transitions/resolve/"), {"resolution": "已协调解决"}, format="json"
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.RESOLVED
    assert "could not send" not in caplog.text  # the request only queued the mails
    assert elapsed < 5  # no mail server in the request (1 s of EMAIL_TIMEOUT per mail if it were)
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.PENDING}

    with caplog.at_level(logging.ERROR, logger="notifications.tasks"):
        run_worker()
    assert "could not send notification e-mail" in caplog.text
    for delivery in Delivery.objects.all():
        assert delivery.state == Delivery.State.PENDING and delivery.attempts == 1
        assert delivery.last_error  # retried with back-off, visible in the admin


def test_email_timeout_is_set_by_default():
    from django.conf import settings  # noqa: PLC0415 - the settings of the running suite

    assert 0 < settings.EMAIL_TIMEOUT <= 30
