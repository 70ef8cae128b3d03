"""Guards of the PostgreSQL connection (DESIGN "Deployment"; issue 16): a statement timeout per
kind of process, the optional psycopg pool, and health checks, worked out from the environment
by `liaison/settings.py`. No app is imported here.

Why a statement timeout: a person who gives up on a slow page leaves PostgreSQL running the
query; under load those abandoned queries pile up until nothing completes. On web connections
each statement is cancelled after `LIAISON_STATEMENT_TIMEOUT_MS` (default 5000) and the person
gets a 503 in Chinese (liaison/middleware.py `DatabaseUnavailableMiddleware`); the task worker
gets `LIAISON_WORKER_STATEMENT_TIMEOUT_MS` (default 600000: a document render or a digest may
take minutes, never forever); management commands (migrate, send_reminders, restore) none.
The timeout is a libpq start-up option (`-c statement_timeout=…`): set once per physical
connection, pooled or not, with no extra round trip per request.

Web connections also plan without parallel workers (`max_parallel_workers_per_gather=0`,
`LIAISON_WEB_PARALLEL_WORKERS`): a parallel plan starts two more backends for one query, which
makes that query faster on an idle server and the whole crowd slower on a busy one; the web's
queries are index walks of a page or a bounded count (issue 16: measured under load, below).
"""

from __future__ import annotations

import os
import sys
from typing import Any

WEB, WORKER, COMMAND = "web", "worker", "command"


def process_kind(argv: list[str] | None = None) -> str:
    """What this process is: `LIAISON_PROCESS` if set (liaison/wsgi.py and asgi.py set "web"
    for gunicorn and any WSGI/ASGI server), else `manage.py runserver` is web, `manage.py
    db_worker` the worker, anything else (other commands, scripts, the test suite) a command."""
    explicit = os.environ.get("LIAISON_PROCESS", "").strip()
    if explicit:
        return explicit
    argv = sys.argv if argv is None else argv
    command = argv[1] if len(argv) > 1 else ""
    if command == "runserver":
        return WEB
    if command == "db_worker":
        return WORKER
    return COMMAND


def statement_timeout_ms(process: str) -> int:
    """0 means none."""
    if process == WEB:
        return int(os.environ.get("LIAISON_STATEMENT_TIMEOUT_MS", "5000"))
    if process == WORKER:
        return int(os.environ.get("LIAISON_WORKER_STATEMENT_TIMEOUT_MS", "600000"))
    return 0


def niceness(process: str) -> int:
    """How much lower than the web this process runs (an `os.nice` increment): the worker's
    renders (an annual report is seconds of CPU) and deliveries yield the cores to people
    waiting for a page (issue 16); `LIAISON_WORKER_NICE`, 0 to run it level with the web."""
    if process == WORKER:
        return int(os.environ.get("LIAISON_WORKER_NICE", "10"))
    return 0


def parallel_workers(process: str) -> int | None:
    """The parallel workers a query of this process may start; None: PostgreSQL's setting."""
    if process == WEB:
        return int(os.environ.get("LIAISON_WEB_PARALLEL_WORKERS", "0"))
    return None


def startup_flags(process: str) -> list[str]:
    """The libpq start-up options (`-c name=value`) of this process's connections."""
    flags = []
    timeout = statement_timeout_ms(process)
    if timeout > 0:
        flags.append(f"-c statement_timeout={timeout}")
    workers = parallel_workers(process)
    if workers is not None:
        flags.append(f"-c max_parallel_workers_per_gather={workers}")
    return flags


def guard_postgresql(database: dict[str, Any], process: str) -> dict[str, Any]:
    """`database` (a DATABASES entry for PostgreSQL) with the timeout, the pool and the checks."""
    options = dict(database.get("OPTIONS") or {})
    flags = startup_flags(process)
    if flags:
        given = [options["options"]] if options.get("options") else []
        options["options"] = " ".join([*given, *flags])
    pool_max = int(os.environ.get("LIAISON_DB_POOL_MAX", "0") or 0)
    result = {**database, "OPTIONS": options}
    if pool_max > 0:
        # One pool per process, shared by its threads; sized to the threads of one gunicorn
        # worker (a sync worker needs 1). A pooled connection is never kept by Django itself.
        options["pool"] = {
            "min_size": min(int(os.environ.get("LIAISON_DB_POOL_MIN", "1") or 1), pool_max),
            "max_size": pool_max,
            # Waiting for a free connection longer than this: an error (a 503), not a hang.
            "timeout": float(os.environ.get("LIAISON_DB_POOL_TIMEOUT", "10")),
        }
        result["CONN_MAX_AGE"] = 0
    # A persistent or pooled connection is checked before it is reused: after a PostgreSQL
    # restart the dead ones are replaced instead of failing every request that draws them.
    result["CONN_HEALTH_CHECKS"] = True
    return result
