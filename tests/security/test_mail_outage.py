"""A mail server that is down, or accepts and never answers, never fails a transition: the
change is made, the person gets 200, the failure is logged, and EMAIL_TIMEOUT bounds the wait."""

import logging
import socket
import time

import pytest

from issues.models import State
from tests.issues_api.helpers import bring_to, url

pytestmark = pytest.mark.django_db


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
def handled(personas):
    return bring_to(
        State.ACCEPTED,  # signed for: the department may resolve
        officer=personas["software_officer"],
        secretariat=personas["secretariat"],
        staff=personas["hrss_staff"],
        chain="software",
    )


@pytest.mark.parametrize("server", ["hung_server", "down_server"])
def test_resolve_answers_200_whatever_the_mail_server_does(
    api, personas, handled, request, server, caplog, django_capture_on_commit_callbacks
):
    request.getfixturevalue(server)
    started = time.monotonic()
    with (
        caplog.at_level(logging.ERROR, logger="notifications.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api.as_user(personas["hrss_staff"]).post(
            url(handled, "transitions/resolve/"), {"resolution": "已协调解决"}, format="json"
        )
    elapsed = time.monotonic() - started

    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.RESOLVED
    assert "could not send notification e-mail" in caplog.text
    assert elapsed < 5  # EMAIL_TIMEOUT (1 s here) bounds it, not the socket's default


def test_email_timeout_is_set_by_default():
    from django.conf import settings  # noqa: PLC0415 - the settings of the running suite

    assert 0 < settings.EMAIL_TIMEOUT <= 30
