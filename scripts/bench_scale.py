#!/usr/bin/env python
"""Benchmark of the pages at scale (not a test): server time at 1k, 100k (1M) issues.

    .venv/bin/python scripts/bench_scale.py [--sizes 1k,100k] [--runs 5] [--sqlite] [--keep]
    make bench-scale SIZES=1k,100k BENCH_ARGS=--sqlite

For each size it creates a PostgreSQL database of its own (`<prefix>_<size>` on `--server`,
default postgres://postgres@127.0.0.1:5432), migrates it, writes realistic data in bulk (COPY
on PostgreSQL, `bulk_create` on SQLite: issues in every state of `State` spread over three
years, their history rows, the departments they went through, progress notes, a year of held
meetings with minutes and decisions, a planned regular and a planned annual meeting),
ANALYZEs it, then serves it with gunicorn (`gunicorn.conf.py`, the production configuration,
through scripts/bench_wsgi.py, which adds a bare floor view at /bench/floor/: the same
middleware, session and sign-in, no query of its own) and times each page over HTTP on
127.0.0.1 as each role, signed in through the login form (median of `--runs`, after a warm-up;
a page slower than a few seconds is timed once). `SELECT 1` is printed too, and the machine's
load average at the start and end of each size. The database is dropped afterwards unless
`--keep` (`--reuse` measures a kept one again). `--sqlite` measures every size on a SQLite
file too (WAL, as liaison/settings.py configures it) and compares it with PostgreSQL (target:
within 2×); `--sqlite-only` measures SQLite alone.

The table gives each page's median, its ratio to the floor, and the ratio largest/smallest size
(flat means close to 1). `--explain` prints EXPLAIN ANALYZE (SQLite: EXPLAIN QUERY PLAN) of
the pages' slowest queries at the largest size. The ledger is timed last, on fresh workers
(gunicorn's SIGHUP): its memory is their peak RSS (VmHWM) before and after it.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import types
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = datetime.now(BEIJING).date()
YEAR = TODAY.year
SLOW_SECONDS = 3.0  # a POST slower than this is timed once (the warm-up run is the figure)
BATCH = 5000

TITLES = [
    "高级测试工程师招聘困难",
    "人才公寓配租进度慢",
    "技能培训补贴申报流程复杂",
    "产业配套用地审批周期长",
    "新就业形态劳动者参保难",
    "算力补贴申报渠道不畅",
    "企业融资担保门槛高",
    "技工学校招生与企业需求脱节",
    "园区通勤公交班次少",
    "职工子女入学政策不明确",
]
COMPANIES = ["星河软件", "华创智能", "远景汽车部件", "东方机器人", "蓝海算力", ""]


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


# --- the database ------------------------------------------------------------------------


def admin_sql(server: str, sql: str) -> None:
    import psycopg  # noqa: PLC0415 - only the parent process talks to the server this way

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("STATIC_ROOT", "/tmp/liaison-bench-static")  # not the checkout
    os.environ.pop("DJANGO_DEBUG", None)  # DEBUG would keep every query in memory
    import django  # noqa: PLC0415 - the environment above must be set first

    django.setup()
    from django.conf import settings  # noqa: PLC0415 - after setup

    # No collectstatic here: the manifest storage of production would refuse every {% static %}.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- data ----------------------------------------------------------------------------------


def insert(model, objs: list, *, ids: bool = False) -> None:
    """`bulk_create(objs)`; on PostgreSQL by COPY, several times faster (no per-field
    preparing, no arrays to dump: most of the generator's time went there). `ids`: each row
    gets its primary key first, drawn from the table's own sequence as an insert would, so the
    rows written next can refer to it. Triggers and constraints apply as to any insert."""
    from django.db import connection  # noqa: PLC0415 - needs django.setup()
    from django.utils import timezone  # noqa: PLC0415 - needs django.setup()

    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)  # SQLite returns the ids
        return
    table, pk = model._meta.db_table, model._meta.pk
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = value
        fields = [f for f in model._meta.concrete_fields if ids or f is not pk]
        now = timezone.now()
        stamped = [f.attname for f in fields if getattr(f, "auto_now", False)]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        names = [f.attname for f in fields]
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
        ) as copy:
            for obj in objs:
                for name in stamped:
                    setattr(obj, name, now)
                copy.write_row(
                    [
                        v.value if isinstance(v, enum.Enum) else v
                        for v in map(obj.__dict__.get, names)
                    ]
                )


def generate(count: int, seed: int = 2025) -> dict:
    """`count` issues with history, involvements and notes; meetings. Returns ids the pages use."""
    # All imports below need django.setup().
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection, transaction  # noqa: PLC0415

    from issues import rollup  # noqa: PLC0415
    from issues.models import Issue, IssueDepartment, IssueUpdate, State  # noqa: PLC0415
    from organisation.demo import seed_accounts  # noqa: PLC0415
    from organisation.models import Department, IndustryChain, IssueCategory, Measure  # noqa: PLC0415
    from organisation.reference import load_reference_data  # noqa: PLC0415

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_reference_data()
    accounts = seed_accounts()
    secretariat = accounts.secretariat
    rng = random.Random(seed)
    chains = list(IndustryChain.objects.all())
    officer_of = {}
    for chain in chains:
        term = chain.current_term()
        officer_of[chain.pk] = term.officer if term else secretariat
    staff_by_department = {u.department_id: u for u in accounts.staff.values()}
    departments = list(Department.objects.all())
    categories = list(IssueCategory.objects.all())
    measures = [*Measure.objects.all(), None]
    states = list(State)  # new states may come: every one gets a share
    History = Issue.history.model
    NoteHistory = IssueUpdate.history.model
    first_day = date(YEAR - 2, 1, 1)
    span = (TODAY - first_day).days
    sequences: dict[int, int] = {}
    merge_targets: list[int] = []  # ids of earlier batches, for merged issues' duplicate_of
    written: dict[str, float] = {"issues": 0, "history": 0, "notes": 0, "involvements": 0}

    # The columns the history keeps (some, like updated_at and submission_key, it leaves out).
    kept = {f.attname for f in History._meta.concrete_fields}

    def history_row(issue, step, when, user, name, from_state, reason=""):
        row = History(
            **{
                f.attname: getattr(issue, f.attname)
                for f in Issue._meta.concrete_fields
                if f.attname in kept and f.attname != "updated_at"
            }
        )
        row.__dict__.update(step)
        row.history_date, row.history_user_id = when, user.pk
        row.history_type = "+" if name == "raise" else "~"
        row.history_change_reason, row.transition, row.from_state = reason, name, from_state
        return row

    def one_issue():
        raised_on = first_day + timedelta(days=int(span * rng.random() ** 0.7))
        raised_at = datetime(
            raised_on.year, raised_on.month, raised_on.day, rng.randint(8, 18), tzinfo=BEIJING
        )
        age = (TODAY - raised_on).days
        # Older issues are mostly settled, as in a working mechanism; unknown states get a share.
        weights: dict[str, float] = {
            "raised": 3,
            "assigned": 3,
            "accepted": 5,
            "resolved": 4,
            "verified": 20,
            "withdrawn": 2,
            "merged": 0.5,
        }
        if age > 90:
            weights = {
                "raised": 0.3,
                "assigned": 0.5,
                "accepted": 1,
                "resolved": 0.5,
                "verified": 40,
                "merged": 0.5,
            }
        state = rng.choices(states, [weights.get(s.value, 1) for s in states])[0]
        if state == "merged" and not merge_targets:  # the first batch: nothing to merge into
            state = State.WITHDRAWN
        chain = rng.choice(chains)
        year = raised_on.year
        sequences[year] = sequences.get(year, 0) + 1
        issue = Issue(
            year=year,
            sequence=sequences[year],
            number=f"{year}-{sequences[year]:04d}",
            title=f"{chain.name}企业反映{rng.choice(TITLES)}",
            description=f"企业反映{rng.choice(TITLES)}，影响生产经营，请协调解决。" * 3,
            company=rng.choice(COMPANIES),
            chain=chain,
            category=rng.choice(categories),
            measure=rng.choice(measures),
            raised_by=officer_of[chain.pk],
            raised_at=raised_at,
            state=state,
        )
        return issue, age

    def fill(issue, age, steps):
        """Fields and history of `issue` for its state; `steps` collects history rows."""
        officer = issue.raised_by
        steps.append(
            history_row(
                issue,
                {
                    "state": "raised",
                    "department_id": None,
                    "due_date": None,
                    "resolution": "",
                    "satisfaction": "",
                    "first_assigned_at": None,
                    "assigned_at": None,
                    "resolved_at": None,
                    "verified_at": None,
                    "closed_at": None,
                    "accepted_at": None,
                    "outcome": "",
                    "duplicate_of_id": None,
                },
                issue.raised_at,
                officer,
                "raise",
                "",
            )
        )
        state, raised_at = issue.state, issue.raised_at
        involvement = None
        if state == "merged":
            issue.duplicate_of_id = rng.choice(merge_targets)
            issue.closed_at = raised_at + timedelta(days=rng.randint(0, 10))
            steps.append(
                history_row(issue, {}, issue.closed_at, secretariat, "merge", "raised", "重复问题")
            )
            return None
        if state == "withdrawn":
            issue.closed_at = raised_at + timedelta(days=rng.randint(0, 10))
            steps.append(
                history_row(
                    issue, {}, issue.closed_at, officer, "withdraw", "raised", "企业自行解决"
                )
            )
            return None
        if state == "raised":
            if rng.random() < 0.3:  # a returned one: it went through a department once
                department = rng.choice(departments)
                when = raised_at + timedelta(days=1)
                issue.return_count = 1
                steps.append(
                    history_row(
                        issue,
                        {
                            "state": "assigned",
                            "department_id": department.pk,
                            "due_date": when.date() + timedelta(days=20),
                            "first_assigned_at": when,
                            "assigned_at": when,
                        },
                        when,
                        secretariat,
                        "assign",
                        "raised",
                    )
                )
                staff = staff_by_department.get(department.pk, secretariat)
                steps.append(
                    history_row(
                        issue,
                        {},
                        when + timedelta(days=2),
                        staff,
                        "return",
                        "assigned",
                        "不属于本部门职责",
                    )
                )
                issue.first_assigned_at = when
                return IssueDepartment(issue=issue, department=department, first_assigned_at=when)
            return None
        # Every other state has been with a department (and keeps it).
        issue.department = rng.choice(departments)
        issue.first_assigned_at = issue.assigned_at = raised_at + timedelta(days=rng.randint(0, 5))
        horizon = rng.randint(10, 40)
        issue.due_date = issue.first_assigned_at.date() + timedelta(days=horizon)
        involvement = IssueDepartment(
            issue=issue, department=issue.department, first_assigned_at=issue.first_assigned_at
        )
        steps.append(
            history_row(
                issue,
                {
                    "state": "assigned",
                    "accepted_at": None,
                    "outcome": "",
                    "resolution": "",
                    "satisfaction": "",
                    "resolved_at": None,
                    "verified_at": None,
                },
                issue.assigned_at,
                secretariat,
                "assign",
                "raised",
            )
        )
        if state in ("accepted", "resolved", "verified"):
            issue.accepted_at = issue.assigned_at + timedelta(hours=rng.randint(2, 48))
            staff = staff_by_department.get(issue.department_id, secretariat)
            steps.append(
                history_row(
                    issue,
                    {"state": "accepted", "resolution": "", "outcome": "", "resolved_at": None},
                    issue.accepted_at,
                    staff,
                    "accept",
                    "assigned",
                )
            )
        if state in ("resolved", "verified"):
            issue.resolution = "已协调解决，企业表示认可。"
            issue.outcome = "solved"
            issue.resolved_at = issue.first_assigned_at + timedelta(
                days=rng.randint(2, 50), hours=3
            )
            staff = staff_by_department.get(issue.department_id, secretariat)
            steps.append(
                history_row(
                    issue,
                    {"state": "resolved", "satisfaction": "", "verified_at": None},
                    issue.resolved_at,
                    staff,
                    "resolve",
                    "accepted",
                )
            )
        if state == "verified":
            issue.satisfaction = rng.choice(["satisfied", "satisfied", "basically_satisfied"])
            issue.verified_at = issue.resolved_at + timedelta(days=2)
            steps.append(history_row(issue, {}, issue.verified_at, officer, "verify", "resolved"))
        if state == "assigned" and rng.random() < 0.1:
            issue.reopen_count = 1
        return involvement

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    made = 0
    while made < count:
        batch = min(BATCH, count - made)
        with transaction.atomic():
            issues, steps, involvements, notes = [], [], [], []
            for _ in range(batch):
                issue, age = one_issue()
                own_steps: list = []
                involvement = fill(issue, age, own_steps)
                issues.append((issue, own_steps))
                if involvement is not None:
                    involvements.append(involvement)
                if issue.department_id:
                    author = staff_by_department.get(issue.department_id, secretariat)
                    for k in range(rng.randint(0, 3)):
                        notes.append(
                            IssueUpdate(
                                issue=issue,
                                author=author,
                                text=f"第{k + 1}次进展：已与企业对接，正在办理。",
                                created_at=issue.first_assigned_at + timedelta(days=k + 1),
                            )
                        )
            insert(Issue, [i for i, _s in issues], ids=True)
            for issue, own_steps in issues:  # the ids came back (or were drawn before COPY)
                if issue.state == "raised" and len(merge_targets) < 1000:
                    merge_targets.append(issue.pk)
                for row in own_steps:
                    row.id = issue.pk
                steps.extend(own_steps)
            for involvement in involvements:  # the issue's id, now that it has one
                involvement.issue_id = involvement.issue.pk
            for note in notes:
                note.issue_id = note.issue.pk
            insert(History, steps)
            insert(IssueDepartment, involvements)
            insert(IssueUpdate, notes, ids=True)
            insert(
                NoteHistory,
                [
                    NoteHistory(
                        id=n.pk,
                        issue_id=n.issue_id,
                        author_id=n.author_id,
                        text=n.text,
                        created_at=n.created_at,
                        history_date=n.created_at,
                        history_type="+",
                        history_user_id=n.author_id,
                    )
                    for n in notes
                ],
            )
        written["issues"] += batch
        written["history"] += len(steps)
        written["notes"] += len(notes)
        written["involvements"] += len(involvements)
        made += batch
    ids = make_meetings(accounts, rng)
    # bulk_create leaves the figures' rollup to its caller (issues.rollup): once, at the end.
    written["figure_buckets"] = rollup.rebuild()
    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: a production database is autovacuumed, and without a
        # visibility map no count can be answered from an index alone (this cluster may run
        # with autovacuum off).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    written["seconds"] = round(time.perf_counter() - started, 1)
    return {**ids, "written": written}


def make_meetings(accounts, rng) -> dict:
    # All imports below need django.setup().
    from issues.models import Issue  # noqa: PLC0415
    from meetings.models import Decision, Kind, Meeting, MeetingState, Minutes  # noqa: PLC0415

    secretariat = accounts.secretariat
    now = datetime.now(BEIJING)
    # A year of monthly meetings, minutes approved, each with decisions on open issues.
    open_ids = list(
        Issue.objects.filter(state="assigned")
        .order_by("?")
        .values_list("pk", "department_id")[:600]
    )
    for months_ago in range(12, 0, -1):
        when = now - timedelta(days=30 * months_ago)
        meeting = Meeting.objects.create(
            kind=Kind.REGULAR,
            scheduled_at=when,
            location="市总工会三楼会议室",
            state=MeetingState.MINUTES_APPROVED,
            created_by=secretariat,
            agenda_generated_at=when - timedelta(days=3),
            agenda_published_at=when - timedelta(days=2),
            held_at=when,
        )
        minutes = Minutes.objects.create(
            meeting=meeting,
            summary="会议通报了问题办理情况。",
            approved_at=when + timedelta(days=1),
            approved_by=secretariat,
        )
        picks = rng.sample(open_ids, min(30, len(open_ids)))
        Decision.objects.bulk_create(
            [
                Decision(
                    minutes=minutes,
                    order=k,
                    text=f"请承办部门加快办理（第{k}条）。",
                    department_id=department_id,
                    due_date=(when + timedelta(days=30)).date(),
                    issue_id=pk,
                )
                for k, (pk, department_id) in enumerate(picks, 1)
            ]
        )
    planned = Meeting.objects.create(
        kind=Kind.REGULAR,
        scheduled_at=now + timedelta(days=7),
        location="市总工会三楼会议室",
        created_by=secretariat,
    )
    annual = Meeting.objects.filter(kind=Kind.ANNUAL, year=YEAR).first() or Meeting.objects.create(
        kind=Kind.ANNUAL,
        scheduled_at=max(now + timedelta(days=1), datetime(YEAR, 12, 20, 9, tzinfo=BEIJING)),
        location="市总工会大会堂",
        created_by=secretariat,
    )
    detail = (
        Issue.objects.filter(state="verified")
        .order_by("-raised_at")
        .values_list("pk", flat=True)[50]
    )
    return {"planned": planned.pk, "annual": annual.pk, "detail": detail}


# --- measuring -----------------------------------------------------------------------------


def floor_view(request):
    from django.http import HttpResponse  # noqa: PLC0415 - needs django.setup()

    return HttpResponse("ok" if request.user.is_authenticated else "anonymous")


def mount_floor() -> None:
    """The project's URLs plus /bench/floor/: the same stack, no work of its own."""
    # All imports below need django.setup().
    from django.conf import settings  # noqa: PLC0415
    from django.urls import clear_url_caches, include, path  # noqa: PLC0415

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/floor/", floor_view),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


def served(database_url: str, tmp: Path):
    """gunicorn (gunicorn.conf.py: the production configuration) serving `bench_wsgi` - the
    project's app plus the floor view - over `database_url` on 127.0.0.1; (process, port).

    The servers' helpers are the load benchmark's (scripts/bench_load.py)."""
    import bench_load  # noqa: PLC0415 - bench_load imports this module: not at its top

    port = bench_load.free_port()
    os.environ.setdefault("MEDIA_ROOT", str(tmp / "media"))
    env = bench_load.production_env(database_url, port, tmp)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    log = (tmp / "gunicorn.log").open("w")
    command = [str(ROOT / ".venv/bin/gunicorn"), "bench_wsgi:application", "-c", "gunicorn.conf.py"]
    command += ["--pythonpath", str(ROOT / "scripts"), "-b", f"127.0.0.1:{port}"]
    web = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        bench_load.wait_until_up(port)
    except BaseException:
        bench_load.stop(web)
        raise
    return web, port


def fresh_workers(master: int, person) -> float:
    """Replaces gunicorn's workers (SIGHUP), warms them with a list page; their peak RSS."""
    import bench_load  # noqa: PLC0415 - bench_load imports this module: not at its top

    old = set(bench_load.children_of(master))
    os.kill(master, signal.SIGHUP)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = set(bench_load.children_of(master))
        if now and not now & old and len(now) >= len(old):
            break
        time.sleep(0.2)
    for _ in range(4):  # each worker's imports, templates and first connection
        call(person, "get", "/issues/")
    return max(bench_load.rss_mb(pid)[1] for pid in bench_load.children_of(master))


def signed_in(usernames: dict[str, str], port: int) -> dict:
    """One signed-in person per role (the login form, its session cookie): bench_load's."""
    import bench_load  # noqa: PLC0415 - bench_load imports this module: not at its top

    # The whole ledger at 100k and more takes longer than a person would wait (30 s).
    bench_load.REQUEST_TIMEOUT = 900.0
    people = {}
    for role, username in usernames.items():
        person = bench_load.Person(role, username, "127.0.0.1", port, bench_load.Recorder(), 0)
        if not person.sign_in():
            raise SystemExit(f"{username} ({role}) could not sign in")
        people[role] = person
    return people


def call(person, method: str, url: str) -> tuple[float, int, int]:
    """Seconds until the whole body is read (over HTTP on the loopback), status, body size."""
    start = time.perf_counter()
    if method == "post":  # the CSRF token in its header, as the site's own scripts send it
        status, _headers, body = person.call(url, "POST", url, body={})
    else:
        status, _headers, body = person.call(url, "GET", url)
    return time.perf_counter() - start, status, len(body)


def timed(person, method: str, url: str, runs: int) -> dict:
    first, status, size = call(person, method, url)  # warm-up: caches, plans, templates
    if status >= 400 or status == 0:
        print(f"  !! {method.upper()} {url} answered {status}", file=sys.stderr)
    # A slow POST (agenda generation) is timed once. A slow GET is timed again: its warm-up may
    # have been the render of a document (the annual report after a change) that the next
    # download of the unchanged document reads from the cache, which is what the target asks.
    if first > SLOW_SECONDS and method != "get":
        return {"ms": first * 1000, "status": status, "bytes": size, "runs": 1}
    times = []
    for _ in range(runs):
        seconds, status, size = call(person, method, url)
        times.append(seconds)
    median = statistics.median(times) * 1000
    return {"ms": median, "first_ms": first * 1000, "status": status, "bytes": size, "runs": runs}


def select_one(runs: int) -> float:
    from django.db import connection  # noqa: PLC0415 - needs django.setup()

    times = []
    with connection.cursor() as cursor:
        for _ in range(max(runs, 20)):
            start = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def pages(ids: dict) -> list[tuple[str, str, str, str]]:
    """(name, role, method, url) of every figure."""
    planned, annual, detail = ids["planned"], ids["annual"], ids["detail"]
    # A deep page that exists at every size: page 200, or the last one when there are fewer
    # (1k: page 40; page 200 there was an empty page, a floor no other size could match).
    deep = min(200, max(1, ids["written"]["issues"] // 25))
    rows = [
        ("floor (bare view)", "secretariat", "get", "/bench/floor/"),
        ("issue list /issues/", "secretariat", "get", "/issues/"),
        ("list, text search q=补贴", "secretariat", "get", "/issues/?q=%E8%A1%A5%E8%B4%B4"),
        ("list, page 200", "secretariat", "get", f"/issues/?page={deep}"),
        ("API list, 50", "secretariat", "get", "/api/v1/issues/?page_size=50"),
        ("dashboard", "secretariat", "get", "/dashboard/"),
        ("home", "secretariat", "get", "/"),
        ("issue detail", "secretariat", "get", f"/issues/{detail}/"),
        ("API history", "secretariat", "get", f"/api/v1/issues/{detail}/history/"),
        ("generate regular agenda", "secretariat", "post", f"/meetings/{planned}/agenda/generate/"),
        ("planned meeting page", "secretariat", "get", f"/meetings/{planned}/"),
        ("generate annual agenda", "secretariat", "post", f"/meetings/{annual}/agenda/generate/"),
        ("annual report PDF", "secretariat", "get", f"/reports/annual/{YEAR}.pdf"),
        ("issue list /issues/", "officer", "get", "/issues/"),
        ("API list, 50", "officer", "get", "/api/v1/issues/?page_size=50"),
        ("home", "officer", "get", "/"),
        ("issue list /issues/", "department", "get", "/issues/"),
        ("API list, 50", "department", "get", "/api/v1/issues/?page_size=50"),
        ("home", "department", "get", "/"),
        # Last: the workers' peak memory before and after it is the export's (measure()).
        ("ledger /issues/export.xlsx", "secretariat", "get", "/issues/export.xlsx"),
    ]
    return rows


def users_by_role() -> dict:
    from organisation.models import User  # noqa: PLC0415 - needs django.setup()

    return {
        "secretariat": User.objects.get(username="wangfang"),
        # The busiest chain's officer and the busiest department's staff.
        "officer": User.objects.filter(role=User.Role.OFFICER).order_by("pk").first(),
        "department": User.objects.filter(role=User.Role.DEPARTMENT).order_by("pk").first(),
    }


def roles(runs: int) -> dict:
    """Who signs in for each role, and the database's round trip (a child with Django)."""
    usernames = {role: user.username for role, user in users_by_role().items()}
    return {"usernames": usernames, "select_1_ms": select_one(runs)}


def measure(database_url: str, ids: dict, args) -> dict:
    """Every page's median over HTTP from gunicorn, and the ledger's worker memory."""
    import bench_load  # noqa: PLC0415 - bench_load imports this module: not at its top

    known = run_child("roles", database_url, 0, None, args)
    tmp = Path(tempfile.mkdtemp(prefix="liaison-scale-"))
    web, port = served(database_url, tmp)
    try:
        people = signed_in(known["usernames"], port)
        results: dict[str, Any] = {"select_1_ms": known["select_1_ms"], "pages": []}
        results["load_start"] = os.getloadavg()
        for name, role, method, url in pages(ids):
            if (args.only and args.only not in name) or (args.skip and args.skip in name):
                continue
            ledger = name.startswith("ledger")
            if ledger:  # fresh workers: their peak memory is then the export's, not a PDF's
                before = fresh_workers(web.pid, people[role])
            figure = timed(people[role], method, url, args.runs)
            if ledger and not args.no_memory:
                peaks = [bench_load.rss_mb(p) for p in bench_load.children_of(web.pid)]
                results["memory"] = {
                    "rss_peak_before_mb": round(before, 1),
                    "rss_peak_mb": round(max(hwm for _rss, hwm in peaks), 1),
                    "rss_now_mb": round(max(rss for rss, _hwm in peaks), 1),
                }
            results["pages"].append({"name": name, "role": role, "url": url, **figure})
            print(
                f"  {name:<28} {role:<11} {figure['ms']:>10.1f} ms  {figure['status']}",
                file=sys.stderr,
                flush=True,
            )
        results["load_end"] = os.getloadavg()
    finally:
        workers = bench_load.children_of(web.pid)
        bench_load.stop(web)
        for pid in workers:  # one still busy past the graceful timeout outlives its master
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        errors = [x for x in (tmp / "gunicorn.log").read_text().splitlines() if "Error" in x]
        if errors:
            print("gunicorn log:\n  " + "\n  ".join(errors[-10:]), file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def explain(ids: dict) -> str:
    """EXPLAIN ANALYZE of the main query of each page (run at the largest size)."""
    # All imports below need django.setup().
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    mount_floor()
    users = users_by_role()
    out = []
    for name, role, method, url in pages(ids):
        if name.startswith(("floor", "annual report", "ledger", "generate")):
            continue
        client = Client()
        client.force_login(users[role])
        with CaptureQueriesContext(connection) as captured:
            getattr(client, method)(url, secure=True)
        # The slowest few queries of the page, explained.
        timed_queries = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            timed_queries.append((float(query["time"]), sql))
        timed_queries.sort(reverse=True)
        for seconds, sql in timed_queries[:2]:
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
                    out.append(
                        f"### {name} ({role}) - {seconds * 1000:.1f} ms\n{sql[:600]}\n{plan}\n"
                    )
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.append(f"### {name} ({role}) - {seconds * 1000:.1f} ms\n{sql[:600]}\n{plan}\n")
    return "\n".join(out)


# --- one size, in a process of its own -----------------------------------------------------


def child(args) -> None:
    setup_django(args.database_url)
    if args.mode == "generate":
        result = generate(args.size)
    elif args.mode == "roles":
        result = roles(args.runs)
    else:
        result = {"explain": explain(json.loads(args.ids))}
    print(json.dumps(result, default=str))


def run_child(mode: str, database_url: str, size: int, ids: dict | None, args) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--database-url",
        database_url,
        "--size",
        str(size),
        "--runs",
        str(args.runs),
        "--ids",
        json.dumps(ids or {}),
        "--only",
        args.only,
        "--skip",
        args.skip,
    ]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


# Issue 14's targets (item 2), checked at the largest size run: (name prefix, limit in ms).
# Everything else is a page or API call: < 150 ms and within 1.5× of the smallest size.
TARGETS = [
    ("floor", None),
    ("list, text search", 200.0),
    ("dashboard", 300.0),
    ("home", 100.0),
    ("generate", 1000.0),
    ("annual report PDF", 2000.0),
    ("ledger", None),  # rows per second and memory, below
]
PAGE_MS, PAGE_RATIO, LEDGER_ROWS_PER_S, LEDGER_RSS_MB = 150.0, 1.5, 20_000, 200.0


def targets(results: dict[int, dict]) -> tuple[str, int]:
    """A table of every target at the largest size, and how many were missed."""
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    base = {(p["name"], p["role"]): p["ms"] for p in results[small]["pages"]}
    lines = [
        f"targets at {label(large)} (issue 14 item 2)",
        "| page | role | target | measured | met |",
        "|---|---|---|---|---|",
    ]
    missed = 0

    def row(page, role, target, measured, ok):
        nonlocal missed
        missed += not ok
        lines.append(f"| {page} | {role} | {target} | {measured} | {'yes' if ok else 'NO'} |")

    for page in results[large]["pages"]:
        name, role, ms = page["name"], page["role"], page["ms"]
        limit = next((v for prefix, v in TARGETS if name.startswith(prefix)), PAGE_MS)
        if name.startswith("floor"):
            continue
        if name.startswith("ledger"):
            rate = large / (ms / 1000)
            row(
                name,
                role,
                f"≥ {LEDGER_ROWS_PER_S:,} rows/s",
                f"{rate:,.0f} rows/s",
                rate >= LEDGER_ROWS_PER_S,
            )
            memory = results[large].get("memory")
            if memory:
                peak = memory["rss_peak_mb"]
                row(
                    name,
                    role,
                    f"< {LEDGER_RSS_MB:.0f} MB RSS",
                    f"{peak:.0f} MB",
                    peak < LEDGER_RSS_MB,
                )
            continue
        row(name, role, f"< {limit:,.0f} ms", f"{ms:,.1f} ms", ms < limit)
        if limit == PAGE_MS and small != large and (name, role) in base:
            ratio = ms / base[(name, role)]
            row(name, role, f"≤ {PAGE_RATIO}× {label(small)}", f"{ratio:.2f}×", ratio <= PAGE_RATIO)
    lines.append(f"{missed} target(s) missed")
    return "\n".join(lines), missed


SQLITE_RATIO = 2.0  # SQLite within 2× of PostgreSQL at the same size (issue 14 item 2)


def sqlite_targets(postgres: dict[int, dict], sqlite: dict[int, dict]) -> tuple[str, int]:
    """SQLite's time over PostgreSQL's for every page at the largest size both ran."""
    size = max(set(postgres) & set(sqlite))
    pg = {(p["name"], p["role"]): p["ms"] for p in postgres[size]["pages"]}
    lines = [
        f"SQLite at {label(size)} against PostgreSQL at {label(size)} (target ≤ {SQLITE_RATIO}×)",
        "| page | role | PostgreSQL ms | SQLite ms | ratio | met |",
        "|---|---|---|---|---|---|",
    ]
    missed = 0
    for page in sqlite[size]["pages"]:
        key = (page["name"], page["role"])
        if key not in pg or page["name"].startswith("floor"):
            continue
        ratio = page["ms"] / pg[key]
        ok = ratio <= SQLITE_RATIO
        missed += not ok
        lines.append(
            f"| {key[0]} | {key[1]} | {pg[key]:,.1f} | {page['ms']:,.1f} | {ratio:.2f}× "
            f"| {'yes' if ok else 'NO'} |"
        )
    lines.append(f"{missed} target(s) missed")
    return "\n".join(lines), missed


def fmt_load(load) -> str:
    return " ".join(f"{v:.2f}" for v in load)


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    header = (
        ["page", "role"] + [f"{label(s)} ms" for s in sizes] + [f"{label(s)} ×floor" for s in sizes]
    )
    if len(sizes) > 1:
        header.append(f"{label(large)}/{label(small)}")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    keyed = {s: {(p["name"], p["role"]): p for p in results[s]["pages"]} for s in sizes}
    floors = {
        s: keyed[s][("floor (bare view)", "secretariat")]["ms"]
        for s in sizes
        if ("floor (bare view)", "secretariat") in keyed[s]
    }
    for key, _page in keyed[small].items():
        cells = [key[0], key[1]]
        for s in sizes:
            page = keyed[s].get(key)
            cells.append(f"{page['ms']:,.1f}" if page else "—")
        for s in sizes:
            page = keyed[s].get(key)
            cells.append(f"{page['ms'] / floors[s]:,.1f}" if page and s in floors else "—")
        if len(sizes) > 1:
            a, b = keyed[small].get(key), keyed[large].get(key)
            cells.append(f"{b['ms'] / a['ms']:.2f}" if a and b else "—")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for s in sizes:
        extra = results[s]
        lines.append(
            f"{label(s)}: SELECT 1 round trip {extra['select_1_ms']:.2f} ms; "
            f"generated {extra['written']} ; ledger memory {extra.get('memory')}; "
            f"load average at start {fmt_load(extra['load_start'])}, "
            f"at end {fmt_load(extra['load_end'])}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1k,100k", help="comma-separated, e.g. 1k,100k,1m")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (median)")
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--prefix",
        default="liaison_bench",
        help="database names: <prefix>_<size> (two benchmarks at once need two prefixes)",
    )
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE at the largest size"
    )
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--skip", default="", help="not the pages whose name contains this")
    parser.add_argument("--no-memory", action="store_true", help="skip the ledger memory run")
    parser.add_argument(
        "--sqlite", action="store_true", help="also measure each size on a SQLite file (WAL)"
    )
    parser.add_argument("--sqlite-only", action="store_true", help="SQLite alone, no PostgreSQL")
    # Internal: one step of one size in a child process.
    parser.add_argument("--child", choices=["generate", "roles", "explain"], dest="mode")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--ids", default="{}")
    args = parser.parse_args()
    if args.mode:
        child(args)
        return 0
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    backends = ["postgresql"] * (not args.sqlite_only) + ["sqlite"] * (
        args.sqlite or args.sqlite_only
    )
    results: dict[str, dict[int, dict]] = {backend: {} for backend in backends}
    for size in sizes:
        for backend in backends:
            last = size == sizes[-1]
            results[backend][size] = one_size(backend, size, args, explain=args.explain and last)
    missed = 0
    for backend in backends:
        print(f"\n{backend}:")
        print(table(results[backend]))
        if backend == "postgresql":
            report, missed_here = targets(results[backend])
            print(report)
            missed += missed_here
    if len(backends) == 2:
        report, missed_here = sqlite_targets(results["postgresql"], results["sqlite"])
        print(report)
        missed += missed_here
    print(f"load average at the end: {os.getloadavg()}")
    return 1 if missed else 0


def one_size(backend: str, size: int, args, *, explain: bool) -> dict:
    """Generate (or reuse) one database of `size` issues, measure it, drop it unless --keep."""
    name = f"{args.prefix}_{label(size).lower()}"
    title = f"{label(size)} {backend}"
    if backend == "sqlite":  # a file, WAL as the project configures it (liaison/settings.py)
        file = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        url, ids_file = f"sqlite:///{file}", ROOT / f".bench-{name}-sqlite.json"

        def drop() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{file}{suffix}").unlink(missing_ok=True)

        create = drop
    else:
        url, ids_file = f"{args.server}/{name}", ROOT / f".bench-{name}.json"

        def drop() -> None:
            admin_sql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        def create() -> None:
            drop()
            admin_sql(args.server, f'CREATE DATABASE "{name}"')

    if args.reuse and ids_file.exists():
        generated = json.loads(ids_file.read_text())
    else:
        create()
        print(f"{title}: generating …", file=sys.stderr, flush=True)
        generated = run_child("generate", url, size, None, args)
        ids_file.write_text(json.dumps(generated))
        print(f"{title}: generated {generated['written']}", file=sys.stderr, flush=True)
    try:
        print(f"{title}: measuring …", file=sys.stderr, flush=True)
        measured = measure(url, generated, args)
        measured["written"] = generated["written"]
        if explain:
            print(run_child("explain", url, size, generated, args)["explain"])
    finally:
        if not args.keep:
            drop()
            ids_file.unlink(missing_ok=True)
    return measured


if __name__ == "__main__":
    sys.exit(main())
