#!/usr/bin/env python
"""Benchmark of the pages at scale (not a test): server time at 1k, 100k (1M) issues on PostgreSQL.

    .venv/bin/python scripts/bench_scale.py [--sizes 1k,100k] [--runs 5] [--keep]
    make bench-scale SIZES=1k,100k

For each size it creates a PostgreSQL database of its own (`liaison_bench_<size>` on
`--server`, default postgres://postgres@127.0.0.1:5432), migrates it, writes realistic data in
bulk (issues in every state of `State` spread over three years, their history rows, the
departments they went through, progress notes, a year of held meetings with minutes and
decisions, a planned regular and a planned annual meeting), ANALYZEs it, then times each page
through Django's test Client in a process of its own (median of `--runs`, after a warm-up; a
page slower than a few seconds is timed once). The floor is a bare view mounted beside the
project's URLs (the same middleware, session and sign-in, no query of its own) measured in the
same run; `SELECT 1` is printed too. The database is dropped afterwards unless `--keep`.

The table gives each page's median, its ratio to the floor, and the ratio largest/smallest size
(flat means close to 1). `--explain` prints EXPLAIN ANALYZE of the list's main queries at the
largest size. The ledger's peak memory is measured in a fresh process (ru_maxrss before and
after one export).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
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
SLOW_SECONDS = 3.0  # a page slower than this is timed once (the warm-up run is the figure)
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
            Issue.objects.bulk_create([i for i, _s in issues], batch_size=BATCH)
            for issue, own_steps in issues:  # the ids came back (PostgreSQL's RETURNING)
                if issue.state == "raised" and len(merge_targets) < 1000:
                    merge_targets.append(issue.pk)
                for row in own_steps:
                    row.id = issue.pk
                steps.extend(own_steps)
            History.objects.bulk_create(steps, batch_size=BATCH)
            IssueDepartment.objects.bulk_create(involvements, batch_size=BATCH)
            IssueUpdate.objects.bulk_create(notes, batch_size=BATCH)
            NoteHistory.objects.bulk_create(
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
                batch_size=BATCH,
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
        cursor.execute("ANALYZE")
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


def call(client, method: str, url: str) -> tuple[float, int, int]:
    """Seconds until the whole body is read, status, body size."""
    start = time.perf_counter()
    response = getattr(client, method)(url, secure=True)  # production redirects plain HTTP
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return time.perf_counter() - start, response.status_code, size


def timed(client, method: str, url: str, runs: int) -> dict:
    first, status, size = call(client, method, url)  # warm-up: caches, plans, templates
    if status >= 400:
        print(f"  !! {method.upper()} {url} answered {status}", file=sys.stderr)
    if first > SLOW_SECONDS:
        return {"ms": first * 1000, "status": status, "bytes": size, "runs": 1}
    times = []
    for _ in range(runs):
        seconds, status, size = call(client, method, url)
        times.append(seconds)
    return {"ms": statistics.median(times) * 1000, "status": status, "bytes": size, "runs": runs}


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
    rows = [
        ("floor (bare view)", "secretariat", "get", "/bench/floor/"),
        ("issue list /issues/", "secretariat", "get", "/issues/"),
        ("list, text search q=补贴", "secretariat", "get", "/issues/?q=%E8%A1%A5%E8%B4%B4"),
        ("list, page 200", "secretariat", "get", "/issues/?page=200"),
        ("API list, 50", "secretariat", "get", "/api/v1/issues/?page_size=50"),
        ("dashboard", "secretariat", "get", "/dashboard/"),
        ("home", "secretariat", "get", "/"),
        ("issue detail", "secretariat", "get", f"/issues/{detail}/"),
        ("API history", "secretariat", "get", f"/api/v1/issues/{detail}/history/"),
        ("generate regular agenda", "secretariat", "post", f"/meetings/{planned}/agenda/generate/"),
        ("planned meeting page", "secretariat", "get", f"/meetings/{planned}/"),
        ("generate annual agenda", "secretariat", "post", f"/meetings/{annual}/agenda/generate/"),
        ("annual report PDF", "secretariat", "get", f"/reports/annual/{YEAR}.pdf"),
        ("ledger /issues/export.xlsx", "secretariat", "get", "/issues/export.xlsx"),
        ("issue list /issues/", "officer", "get", "/issues/"),
        ("API list, 50", "officer", "get", "/api/v1/issues/?page_size=50"),
        ("home", "officer", "get", "/"),
        ("issue list /issues/", "department", "get", "/issues/"),
        ("API list, 50", "department", "get", "/api/v1/issues/?page_size=50"),
        ("home", "department", "get", "/"),
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


def measure(ids: dict, runs: int, only: str = "", skip: str = "") -> dict:
    from django.test import Client  # noqa: PLC0415 - needs django.setup()

    mount_floor()
    users = users_by_role()
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    results: dict[str, Any] = {"select_1_ms": select_one(runs), "pages": []}
    for name, role, method, url in pages(ids):
        if (only and only not in name) or (skip and skip in name):
            continue
        figure = timed(clients[role], method, url, runs)
        results["pages"].append({"name": name, "role": role, "url": url, **figure})
        print(
            f"  {name:<28} {role:<11} {figure['ms']:>10.1f} ms  {figure['status']}",
            file=sys.stderr,
            flush=True,
        )
    return results


def export_memory() -> dict:
    """Peak RSS of one ledger export of every issue, in this (fresh) process."""
    from django.test import Client  # noqa: PLC0415 - needs django.setup()

    client = Client()
    client.force_login(users_by_role()["secretariat"])
    call(client, "get", "/issues/?page=1")  # imports, templates: not the export's memory
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds, status, size = call(client, "get", "/issues/export.xlsx")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rss_before_mb": before,
        "rss_peak_mb": after,
        "seconds": seconds,
        "status": status,
        "bytes": size,
    }


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
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.append(f"### {name} ({role}) - {seconds * 1000:.1f} ms\n{sql[:600]}\n{plan}\n")
    return "\n".join(out)


# --- one size, in a process of its own -----------------------------------------------------


def child(args) -> None:
    setup_django(args.database_url)
    if args.mode == "generate":
        result = generate(args.size)
    elif args.mode == "measure":
        result = measure(json.loads(args.ids), args.runs, args.only, args.skip)
    elif args.mode == "memory":
        result = export_memory()
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
            f"generated {extra['written']} ; ledger memory {extra.get('memory')}"
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
    # Internal: one step of one size in a child process.
    parser.add_argument(
        "--child", choices=["generate", "measure", "memory", "explain"], dest="mode"
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--ids", default="{}")
    args = parser.parse_args()
    if args.mode:
        child(args)
        return 0
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    results = {}
    for size in sizes:
        name = f"{args.prefix}_{label(size).lower()}"
        url = f"{args.server}/{name}"
        ids_file = ROOT / f".bench-{name}.json"
        if args.reuse and ids_file.exists():
            generated = json.loads(ids_file.read_text())
        else:
            admin_sql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin_sql(args.server, f'CREATE DATABASE "{name}"')
            print(f"{label(size)}: generating …", file=sys.stderr, flush=True)
            generated = run_child("generate", url, size, None, args)
            ids_file.write_text(json.dumps(generated))
            print(f"{label(size)}: generated {generated['written']}", file=sys.stderr, flush=True)
        try:
            print(f"{label(size)}: measuring …", file=sys.stderr, flush=True)
            measured = run_child("measure", url, size, generated, args)
            measured["written"] = generated["written"]
            if not args.no_memory and args.only in "ledger /issues/export.xlsx":
                measured["memory"] = run_child("memory", url, size, generated, args)
            if args.explain and size == sizes[-1]:
                print(run_child("explain", url, size, generated, args)["explain"])
            results[size] = measured
        finally:
            if not args.keep:
                admin_sql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                ids_file.unlink(missing_ok=True)
    print(table(results))
    report, missed = targets(results)
    print(report)
    print(f"load average: {os.getloadavg()}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
