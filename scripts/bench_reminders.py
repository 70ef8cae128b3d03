#!/usr/bin/env python
"""Benchmark of `manage.py send_reminders` at scale (not a test): time, queries and rows written
by a first run and by a second run the same day, on a database of the scale benchmark; the
reminders written are counted by kind (overdue, unacknowledged - 超时未签收 -, due soon).

    .venv/bin/python scripts/bench_scale.py --sizes 100k --runs 1 --only floor --keep --no-memory
    .venv/bin/python scripts/bench_reminders.py --database liaison_bench_100k

The runs write (notices, reminders, notifications, e-mails and their task rows), so they run
on a copy of that database (`CREATE DATABASE … TEMPLATE`, dropped afterwards unless `--keep`):
the kept database can be measured again. Tasks go to the database backend (the settings of
production), so the task rows are counted; nothing is sent. Queries are counted by an execute wrapper (DEBUG
stays off: it would keep every query in memory).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import admin_sql, setup_django


class Counter:
    """Counts the statements that reach the database."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def rows() -> dict[str, int]:
    from django.db.models import Count  # noqa: PLC0415 - after django.setup()
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

    from issues.models import SupervisionNotice  # noqa: PLC0415
    from notifications.models import Delivery, Notification, Reminder  # noqa: PLC0415

    # The reminders of each kind (overdue, 超时未签收, due soon) apart: what a run claimed.
    by_kind = dict(Reminder.objects.order_by().values_list("kind").annotate(Count("pk")))
    return {
        "notices": SupervisionNotice.objects.count(),
        **{f"reminders {kind}": by_kind.get(kind, 0) for kind in Reminder.Kind.values},
        "notifications": Notification.objects.count(),
        "deliveries": Delivery.objects.count(),
        "tasks": DBTaskResult.objects.count(),
    }


def one_run(profile: bool = False) -> dict:
    from django.core.management import call_command  # noqa: PLC0415 - after django.setup()
    from django.db import connection  # noqa: PLC0415

    before = rows()
    counter = Counter()
    out = StringIO()
    started = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    with connection.execute_wrapper(counter):
        if profiler:
            profiler.enable()
        call_command("send_reminders", stdout=out)
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - started
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    after = rows()
    return {
        "seconds": round(seconds, 2),
        "queries": counter.count,
        "written": {k: after[k] - before[k] for k in after},
        "output": out.getvalue().strip(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True, help="a database kept by bench_scale.py")
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--keep", action="store_true", help="keep the copy afterwards")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    args = parser.parse_args()
    copy = f"{args.database}_reminders"
    admin_sql(args.server, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    admin_sql(args.server, f'CREATE DATABASE "{copy}" TEMPLATE "{args.database}"')
    try:
        setup_django(f"{args.server}/{copy}")
        from django.core.management import call_command  # noqa: PLC0415 - after django.setup()

        call_command("migrate", verbosity=0)  # a database kept before this branch's migrations
        print(f"send_reminders on a copy of {args.database} ({rows()})")
        for name in ("first run", "second run"):
            result = one_run(profile=args.profile and name == "first run")
            print(
                f"{name}: {result['seconds']} s, {result['queries']} queries, "
                f"written {result['written']}\n  {result['output']}"
            )
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        if not args.keep:
            admin_sql(args.server, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
