"""The database guards (liaison/database.py, issue 16): web statements are cancelled after the
statement timeout and the person gets a 503 in Chinese; the worker gets a longer timeout,
commands none; the optional pool; health checks so that a restarted PostgreSQL is survived."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import RequestFactory

from liaison.database import COMMAND, WEB, WORKER, guard_postgresql, process_kind
from liaison.middleware import DatabaseUnavailableMiddleware

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "liaison", "OPTIONS": {}}


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        (["manage.py", "runserver"], WEB),
        (["manage.py", "db_worker"], WORKER),
        (["manage.py", "migrate"], COMMAND),
        (["manage.py", "send_reminders"], COMMAND),
        (["pytest"], COMMAND),
    ],
)
def test_the_kind_of_process_follows_the_command(monkeypatch, argv, kind):
    monkeypatch.delenv("LIAISON_PROCESS", raising=False)
    assert process_kind(argv) == kind
    monkeypatch.setenv("LIAISON_PROCESS", WEB)  # what liaison/wsgi.py sets for gunicorn
    assert process_kind(argv) == WEB


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        # The web plans without parallel workers (two more backends per query on a busy server).
        (WEB, "-c statement_timeout=5000 -c max_parallel_workers_per_gather=0"),
        (WORKER, "-c statement_timeout=600000"),
        (COMMAND, None),
    ],
)
def test_statement_timeout_by_kind_of_process(monkeypatch, kind, options):
    for name in (
        "LIAISON_STATEMENT_TIMEOUT_MS",
        "LIAISON_WORKER_STATEMENT_TIMEOUT_MS",
        "LIAISON_WEB_PARALLEL_WORKERS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("LIAISON_DB_POOL_MAX", raising=False)
    guarded = guard_postgresql(POSTGRES, kind)
    assert guarded["OPTIONS"].get("options") == options
    assert "pool" not in guarded["OPTIONS"] and guarded["CONN_HEALTH_CHECKS"] is True


def test_the_timeout_is_set_from_the_environment_beside_other_options(monkeypatch):
    monkeypatch.setenv("LIAISON_STATEMENT_TIMEOUT_MS", "1500")
    monkeypatch.setenv("LIAISON_WEB_PARALLEL_WORKERS", "2")
    database = {**POSTGRES, "OPTIONS": {"options": "-c search_path=liaison"}}
    options = guard_postgresql(database, WEB)["OPTIONS"]["options"]
    assert options == (
        "-c search_path=liaison -c statement_timeout=1500 -c max_parallel_workers_per_gather=2"
    )
    monkeypatch.setenv("LIAISON_STATEMENT_TIMEOUT_MS", "0")  # 0: none
    options = guard_postgresql(POSTGRES, WEB)["OPTIONS"]["options"]
    assert options == "-c max_parallel_workers_per_gather=2"


def test_the_pool_is_off_by_default_and_sized_by_the_environment(monkeypatch):
    monkeypatch.delenv("LIAISON_DB_POOL_MAX", raising=False)
    assert "pool" not in guard_postgresql({**POSTGRES, "CONN_MAX_AGE": 60}, WEB)["OPTIONS"]
    monkeypatch.setenv("LIAISON_DB_POOL_MIN", "2")
    monkeypatch.setenv("LIAISON_DB_POOL_MAX", "4")
    guarded = guard_postgresql({**POSTGRES, "CONN_MAX_AGE": 60}, WEB)
    assert guarded["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 10.0}
    assert guarded["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool


def direct_connection(**extra) -> psycopg.Connection:
    """A connection of our own to the test database, beside Django's."""
    database = connection.settings_dict
    return psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"],
        port=database["PORT"] or None,
        **extra,
    )


def test_a_database_that_cannot_be_reached_is_a_503_not_a_500():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    refused = OperationalError("connection refused")
    page = middleware.process_exception(RequestFactory().get("/issues/"), refused)
    assert page.status_code == 503 and page["Retry-After"]
    assert "数据库暂时无法连接" in page.content.decode()
    api = middleware.process_exception(RequestFactory().get("/api/v1/issues/"), refused)
    assert api.status_code == 503 and "数据库暂时无法连接" in json.loads(api.content)["detail"]
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("x")) is None


@pytest.mark.parametrize("path", ["/slow/", "/api/v1/slow/"])
@pytest.mark.urls("tests.security.slow_urls")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI's pass)")
def test_a_statement_beyond_the_timeout_is_cancelled_and_answered_503(client, path):
    """`pg_sleep(5)` against a 300 ms timeout (the web's 5 s, shortened to keep the test quick;
    the same setting the start-up option makes): cancelled by PostgreSQL, a 503 in Chinese."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 300")
    try:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert response.status_code == 503 and response["Retry-After"]
    body = response.json()["detail"] if path.startswith("/api/") else response.content.decode()
    assert "本次查询用时过长已被终止" in body
    with connection.cursor() as cursor:  # the connection is usable again
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI's pass)")
def test_a_web_connection_starts_with_the_statement_timeout(monkeypatch):
    """The start-up option as libpq passes it: a new connection with the web's options."""
    monkeypatch.setenv("LIAISON_STATEMENT_TIMEOUT_MS", "5000")
    options = guard_postgresql(connection.settings_dict, WEB)["OPTIONS"]["options"]
    with direct_connection(options=options) as probe:
        assert probe.execute("SHOW statement_timeout").fetchone() == ("5s",)
        assert probe.execute("SHOW max_parallel_workers_per_gather").fetchone() == ("0",)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI's pass)")
def test_a_connection_lost_to_a_postgresql_restart_is_replaced_at_the_next_request():
    """What a restart does to a kept connection, done to ours alone (the cluster is shared):
    its server process is terminated. At the next request's start (`close_old_connections`,
    Django's request_started receiver) the health check finds it dead and a new one is made."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with direct_connection(autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    close_old_connections()  # the start of the next request
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


class SessionStoreAway:
    """A middleware that reads the database before any view, as the session and sign-in
    middleware do, while PostgreSQL is restarting: its OperationalError is raised outside the
    view, where DatabaseUnavailableMiddleware.process_exception never sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("terminating connection due to administrator command")


@pytest.mark.parametrize("path", ["/issues/", "/api/v1/issues/"])
def test_a_database_lost_outside_the_view_is_a_503_too(client, settings, path):
    """Django answers an exception raised in a middleware through handler500; that handler
    answers the same 503 in Chinese when the exception is the database's."""
    settings.DEBUG = False
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[:1], f"{__name__}.SessionStoreAway"]
    client.raise_request_exception = False
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503 and response["Retry-After"]
    body = response.json()["detail"] if path.startswith("/api/") else response.content.decode()
    assert "数据库暂时无法连接" in body


@pytest.mark.parametrize(
    ("kind", "environ", "lower"),
    [(WORKER, {}, 10), (WORKER, {"LIAISON_WORKER_NICE": "5"}, 5), (WEB, {}, 0), (COMMAND, {}, 0)],
)
def test_the_task_worker_runs_below_the_web(kind, environ, lower):
    """A started worker process (LIAISON_PROCESS=worker, as `manage.py db_worker` is) lowers its
    own priority, so that its renders yield the cores to the web; other processes do not."""
    env = {**os.environ, **environ, "LIAISON_PROCESS": kind}
    env.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings_test")
    code = "import os, django; before = os.nice(0); django.setup(); print(os.nice(0) - before)"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert int(done.stdout.strip()) == lower
