"""Far sides the delivery tests talk to: the database task queue and its worker, a mail
server that hangs, and a webhook receiver, all on this machine."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def task_queue():
    """Tasks wait in the database (as in production) until `run_worker()` drains them."""
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def run_worker() -> None:
    """One `manage.py db_worker` run over every task that is due, then it exits."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def hung_mail_server():
    """A socket on 127.0.0.1 that accepts connections and never says a word (no SMTP greeting).

    `connections(server)` tells how many clients came knocking since it was last asked.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    accepted: list[socket.socket] = []
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=sock.getsockname()[1],
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=0.5,
    ):
        yield sock, accepted
    for conn in accepted:
        conn.close()
    sock.close()


def connections(server) -> int:
    """Accept (and keep, silently) whoever connected since the last call; how many they were."""
    sock, accepted = server
    new = 0
    while True:
        try:
            conn, _address = sock.accept()
        except BlockingIOError:
            return new
        accepted.append(conn)
        new += 1


class Receiver:
    """A webhook receiver: records each POST (path, query, JSON body) and answers `answer`."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answer: dict = {"errcode": 0, "errmsg": "ok"}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                parts = urlsplit(self.path)
                receiver.requests.append(
                    {
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "content_type": self.headers.get("Content-Type"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                body = json.dumps(receiver.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def bodies(self, path: str) -> list[dict]:
        return [r["body"] for r in self.requests if r["path"] == path]


@pytest.fixture
def receiver():
    """A receiver on 127.0.0.1 that the allow-list lets webhooks call."""
    hook_receiver = Receiver()
    hook_receiver.thread.start()
    with override_settings(LIAISON_WEBHOOK_HOSTS=["127.0.0.1"]):
        yield hook_receiver
    hook_receiver.server.shutdown()
    hook_receiver.server.server_close()
