#!/usr/bin/env python
"""Load benchmark (not a test): the production configuration under N simulated people at once.

    .venv/bin/python scripts/bench_load.py [--issues 1m] [--people 100] [--seconds 60] [--keep]
    make bench-load ISSUES=100k PEOPLE=100 DURATION=60

1. Creates a PostgreSQL database of its own (`liaison_load_<size>` on `--server`) and fills it
   with the scale benchmark's generator (`scripts/bench_scale.py`: issues in every state over
   three years with their history, notes and meetings).
2. Starts the production configuration over it: gunicorn with `gunicorn.conf.py` (DEBUG off,
   collected static files, `LIAISON_BASE_URL` set, plain HTTP as on an intranet) and one
   `manage.py db_worker`.
3. Drives a mix of people from a second process on 127.0.0.1 (threads over `http.client`: no
   dependency beyond the standard library): each person signs in once through the login form
   (session cookie, CSRF), then acts until `--seconds` are up, thinking a random while
   (exponential, mean `--think`) between actions. Officers list, search, file issues through
   the web form and verify what was resolved; departments accept, post progress notes through
   the web form and resolve; the secretariat assigns; leaders read the dashboard; one action in
   ten is a PDF download instead. Transitions go through the API (200 = acknowledged).
4. Prints requests/s, p50/p95/p99 per kind of request, 5xx, client errors, and the gunicorn
   workers' peak RSS (VmHWM from /proc, polled), then stops every process and checks in the
   database that each acknowledged write is there (each 200 transition has its history row by
   that person, each filed issue and note exists) and that each touched issue keeps its
   invariants (its model's constraints, its history a chain whose last state is its state).
5. Measures each heavy page alone in a fresh process (dashboard, annual report PDF, agenda
   generation and the meeting pages, the ledger export): its peak RSS against the same
   300 MB (`--no-page-memory` skips it, `--memory-only` does only that).
6. Exits 1 when a target of issue 16 is missed: p95 < 1 s for every interactive kind (PDFs and
   the once-a-day sign-in are printed but not held to it), no 5xx, no request left unanswered,
   every acknowledged write present, worker peak RSS < 300 MB; with `--restart-at`, every
   failure around the restart the clear Chinese 503 and requests succeeding again after it.

The database is dropped afterwards unless `--keep` (`--reuse` then skips generating). A
database kept by the scale benchmark serves too: `bench_scale.py --sizes 1m --prefix lead --keep`,
then `bench_load.py --prefix lead --reuse --keep` adds the crowd's sign-ins and stored minutes.

The PostgreSQL restart (`--restart-at SECONDS`, which implies `--own-cluster`): the shared
server is never restarted; instead the benchmark `initdb`s a throwaway cluster of its own
(scripts/own_cluster.py: a temporary directory, a free port on 127.0.0.1, trust
authentication, the README's production settings), generates the data in it, and runs
`pg_ctl restart -m fast` that many seconds into the run. The requests in flight while it was
down or sent in the RECOVERY_SECONDS after it are counted apart: their failures must each be
the 503 of liaison/middleware.py (「数据库暂时无法连接…」), never a 500 or a hang; a failure of
a request sent later counts as an ordinary 5xx (the app did not recover by itself).
`--restart-server` restarts the server of `--server` instead (`pg_ctlcluster … restart -m
fast`), so that a database kept at 1M serves: only on a machine where nothing else uses it.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_scale
import own_cluster

ROOT = bench_scale.ROOT
PASSWORD = "Demo-2024-liaison"  # organisation.demo.DEMO_PASSWORD (not imported: no Django here)
P95_TARGET = 1.0
RSS_TARGET_MB = 300
REQUEST_TIMEOUT = 30.0
# Not held to the p95 target: a download's time is its size, a sign-in is once a day (and
# PBKDF2 costs ~0.3 s of CPU by design).
NOT_INTERACTIVE = ("pdf", "sign-in")
# Share of the simulated people per role.
ROLE_MIX = [("officer", 0.40), ("department", 0.35), ("secretariat", 0.10), ("leader", 0.15)]
# liaison/middleware.py DatabaseUnavailableMiddleware's two messages (as UTF-8, JSON-escaped or
# not): a 5xx during the restart must be one of them, never a 500 page.
CLEAR_503 = tuple(
    form
    for message in ("数据库暂时无法连接", "系统繁忙，本次查询用时过长已被终止")
    for form in (message.encode(), json.dumps(message).strip('"').encode())
)
# After PostgreSQL accepts connections again, requests must succeed within this many seconds.
RECOVERY_SECONDS = 5.0
# Bounds of a run (the client is one process of threads on a shared machine).
MAX_PEOPLE = 500
MAX_SECONDS = 600


# --- the client: one thread per person -------------------------------------------------------


class Recorder:
    """Every request's (kind, status, seconds) and every acknowledged write, shared by threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # kind, status, seconds, end (time.monotonic(): one clock for every process of the
        # machine, so the parent can place each request against the restart), clear (a 5xx
        # that said one of the Chinese "database unavailable" messages).
        self.requests: list[tuple[str, int, float, float, bool]] = []
        self.acknowledged: list[dict] = []

    def request(self, kind: str, status: int, seconds: float, content: bytes = b"") -> None:
        clear = status >= 500 and any(m in content for m in CLEAR_503)
        with self.lock:
            self.requests.append((kind, status, seconds, time.monotonic(), clear))

    def write(self, **fact: Any) -> None:
        with self.lock:
            self.acknowledged.append(fact)


class Person:
    def __init__(self, role: str, username: str, host: str, port: int, rec: Recorder, seed: int):
        self.role, self.username = role, username
        self.host, self.port, self.rec = host, port, rec
        self.rng = random.Random(seed)
        self.cookies: dict[str, str] = {}
        self.chains: list[str] = []
        self.conn: http.client.HTTPConnection | None = None

    # HTTP

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        body: dict | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Accept-Language": "zh-CN", "Host": f"{self.host}:{self.port}"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self.conn is not None
            start = time.perf_counter()
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(
                        self.host, self.port, timeout=REQUEST_TIMEOUT
                    )
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                # A kept-alive connection the server closed while the person was thinking:
                # sent again on a new one, as a browser does. Anything else is unanswered.
                stale = isinstance(exc, http.client.RemoteDisconnected | ConnectionError)
                if attempt == 1 and reused and stale:
                    continue
                self.rec.request(kind, 0, time.perf_counter() - start)
                return 0, {}, b""
        self.rec.request(kind, response.status, time.perf_counter() - start, content)
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close" and self.conn is not None:
            self.conn.close()
            self.conn = None
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def get_json(self, kind: str, path: str) -> Any:
        status, _headers, content = self.call(kind, "GET", path)
        return json.loads(content) if status == 200 else None

    def form_token(self, content: bytes) -> str:
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        return found.group(1).decode() if found else self.cookies.get("csrftoken", "")

    def sign_in(self) -> bool:
        status, _h, page = self.call("sign-in", "GET", "/accounts/login/")
        if status != 200:
            return False
        form = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": self.form_token(page),
        }
        status, _h, _c = self.call("sign-in", "POST", "/accounts/login/", form=form)
        if status != 302 or "sessionid" not in self.cookies:
            return False
        # An officer verifies the issues of their own chains (the others' would be a 403).
        self.chains = (self.get_json("sign-in", "/api/v1/me/") or {}).get("chains") or []
        return True

    def transition(self, issue: dict, name: str, body: dict) -> None:
        path = f"/api/v1/issues/{issue['id']}/transitions/{name}/"
        status, _h, _c = self.call(f"transition {name}", "POST", path, body=body)
        if status == 200:
            self.rec.write(what="transition", issue=issue["id"], name=name, user=self.username)

    def pick(self, path: str) -> dict | None:
        page = self.get_json("API list", path)
        results = (page or {}).get("results") or []
        return self.rng.choice(results) if results else None

    # What each role does

    def act(self, ids: dict) -> None:
        if self.rng.random() < 0.1:
            return self.download(ids)
        getattr(self, self.role)(ids)

    def download(self, ids: dict) -> None:
        if self.role in ("leader", "secretariat") and self.rng.random() < 0.5:
            self.call("pdf annual report", "GET", f"/reports/annual/{bench_scale.YEAR}.pdf")
        elif ids["held"]:
            meeting = self.rng.choice(ids["held"])
            self.call("pdf minutes", "GET", f"/meetings/{meeting}/minutes.pdf")

    def officer(self, ids: dict) -> None:
        choice = self.rng.random()
        if choice < 0.3:
            self.call("issue list", "GET", "/issues/")
        elif choice < 0.45:
            self.call("list, search", "GET", "/issues/?q=" + urllib.parse.quote("补贴"))
        elif choice < 0.65:
            self.file_issue()
        elif choice < 0.85:
            chain = self.rng.choice(self.chains) if self.chains else ""
            issue = self.pick(f"/api/v1/issues/?state=resolved&chain={chain}&page_size=20")
            if issue:
                self.call("issue detail", "GET", f"/issues/{issue['id']}/")
                self.transition(issue, "verify", {"satisfaction": "satisfied"})
        else:
            self.call("home", "GET", "/")

    def file_issue(self) -> None:
        status, _h, page = self.call("new issue form", "GET", "/issues/new/")
        if status != 200:
            return
        chain = first_option(page, "chain")
        category = first_option(page, "category")
        if not (chain and category):
            return
        title = f"压测问题{uuid.uuid4().hex[:12]}"
        form = {
            "csrfmiddlewaretoken": self.form_token(page),
            "chain": chain,
            "title": title,
            "description": "企业反映人才公寓配租进度慢，影响招聘，请协调解决。",
            "category": category,
            "company": "星河软件",
        }
        status, headers, _c = self.call("file issue", "POST", "/issues/new/", form=form)
        found = re.search(r"/issues/(\d+)/$", headers.get("location", ""))
        if status == 302 and found:
            self.rec.write(what="raise", issue=int(found.group(1)), user=self.username, text=title)

    def department(self, ids: dict) -> None:
        choice = self.rng.random()
        if choice < 0.2:
            self.call("home", "GET", "/")
        elif choice < 0.45:
            issue = self.pick("/api/v1/issues/?state=assigned&page_size=20")
            if issue:
                self.transition(issue, "accept", {"note": "已签收"})
        elif choice < 0.75:
            issue = self.pick("/api/v1/issues/?state=accepted&page_size=20")
            if issue:
                self.post_note(issue)
        elif choice < 0.95:
            issue = self.pick("/api/v1/issues/?state=accepted&page_size=20")
            if issue:
                body = {"outcome": "solved", "resolution": "已协调解决，企业认可。"}
                self.transition(issue, "resolve", body)
        else:
            self.call("issue list", "GET", "/issues/")

    def post_note(self, issue: dict) -> None:
        status, _h, page = self.call("issue detail", "GET", f"/issues/{issue['id']}/")
        if status != 200:
            return
        text = f"压测进展{uuid.uuid4().hex[:12]}：已与企业对接。"
        form = {"csrfmiddlewaretoken": self.form_token(page), "update-text": text}
        path = f"/issues/{issue['id']}/updates/"
        status, _h, _c = self.call("post note", "POST", path, form=form)
        if status == 302:
            self.rec.write(what="note", issue=issue["id"], user=self.username, text=text)

    def secretariat(self, ids: dict) -> None:
        choice = self.rng.random()
        if choice < 0.5:
            self.call("issue list", "GET", "/issues/?state=raised")
            issue = self.pick("/api/v1/issues/?state=raised&page_size=50")
            if issue:
                department = self.rng.choice(ids["departments"])
                self.transition(issue, "assign", {"department": department, "note": "请办理"})
        elif choice < 0.7:
            self.call("dashboard", "GET", "/dashboard/")
        else:
            self.call("home", "GET", "/")

    def leader(self, ids: dict) -> None:
        choice = self.rng.random()
        if choice < 0.5:
            self.call("dashboard", "GET", "/dashboard/")
        elif choice < 0.7:
            self.call("home", "GET", "/")
        elif choice < 0.9:
            self.call("issue list", "GET", "/issues/?overdue=true")
        else:
            issue = self.pick("/api/v1/issues/?page_size=20")
            if issue:
                self.call("issue detail", "GET", f"/issues/{issue['id']}/")


def first_option(page: bytes, name: str) -> str:
    """The first non-empty option of the form's <select name=...> (an officer's own chain)."""
    select = re.search(rb'<select name="' + name.encode() + rb'".*?</select>', page, re.S)
    if not select:
        return ""
    values = [v for v in re.findall(rb'<option value="(\d+)"', select.group(0)) if v]
    return values[0].decode() if values else ""


def drive(args) -> None:
    """The client process: sign everyone in, act for `--seconds`, print the figures as JSON."""
    ids = json.loads(args.ids)
    rec = Recorder()
    rng = random.Random(7)
    people = []
    for n in range(args.people):
        role = rng.choices([r for r, _w in ROLE_MIX], [w for _r, w in ROLE_MIX])[0]
        username = ids["users"][role][n % len(ids["users"][role])]
        people.append(Person(role, username, "127.0.0.1", args.port, rec, seed=n))
    # Sign-in first, at most 8 at a time (PBKDF2 is CPU by design): not part of the window.
    signed = threading.Semaphore(8)

    def sign_in(person: Person) -> None:
        with signed:
            person.signed_in = person.sign_in()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=sign_in, args=(p,)) for p in people]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sign_in_seconds = time.monotonic() - started
    window_start = time.monotonic()
    deadline = window_start + args.seconds
    if args.window_file:  # the parent times the PostgreSQL restart from here
        Path(args.window_file).write_text(repr(window_start))

    def run(person: Person) -> None:
        if not getattr(person, "signed_in", False):
            return
        # The first action after a random part of one think time, as every later one: the
        # crowd arrives at its steady rate. (Within 2 s, as before, 100 first requests met at
        # once: ~5% of a minute's requests queued behind that burst, which was the p95.)
        time.sleep(person.rng.random() * args.think)
        while time.monotonic() < deadline:
            person.act(ids)
            pause = min(person.rng.expovariate(1 / args.think), 4 * args.think) if args.think else 0
            time.sleep(max(0.0, min(pause, deadline - time.monotonic())))

    threads = [threading.Thread(target=run, args=(p,), daemon=True) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        # Bounded: a request in flight at the deadline gets its timeout, no more.
        t.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT + 5)
    window = time.monotonic() - window_start
    with rec.lock:
        requests = list(rec.requests)
        acknowledged = list(rec.acknowledged)
    Path(args.acknowledged).write_text(json.dumps(acknowledged))
    result = {
        "people": args.people,
        "signed_in": sum(bool(getattr(p, "signed_in", False)) for p in people),
        "sign_in_seconds": sign_in_seconds,
        "window_start": window_start,
        "window_seconds": window,
        "requests": requests,
        "still_running": sum(t.is_alive() for t in threads),
    }
    print(json.dumps(result))


# --- the database side: generate, prepare, check (children with Django) ---------------------


def prepare(args) -> dict:
    """Generate the data (the scale benchmark's generator) and what the client needs to know."""
    bench_scale.setup_django(args.database_url)
    # All imports below need django.setup().
    from django.core.files.base import ContentFile  # noqa: PLC0415

    from meetings.documents import minutes_document  # noqa: PLC0415
    from meetings.models import MeetingState, Minutes  # noqa: PLC0415
    from meetings.printed import render_minutes_pdf  # noqa: PLC0415
    from organisation.models import Department, User  # noqa: PLC0415

    # A database the scale benchmark kept (`bench_scale.py --keep`, same name) is generated
    # already: its ids file is passed in and only what the crowd needs is added.
    kept = json.loads(args.ids)
    generated = kept if "written" in kept else bench_scale.generate(args.size)
    users = {
        "officer": list(
            User.objects.filter(role=User.Role.OFFICER).values_list("username", flat=True)
        ),
        "department": list(
            User.objects.filter(role=User.Role.DEPARTMENT).values_list("username", flat=True)
        ),
        "secretariat": ["wangfang"],
        "leader": ["liuzhuxi"],
    }
    # Approved minutes are downloaded as the file stored at approval (meetings.services
    # .approve_minutes); the generator writes none, so the last few held meetings get theirs.
    held = list(
        Minutes.objects.filter(meeting__state=MeetingState.MINUTES_APPROVED)
        .select_related("meeting")
        .order_by("-meeting__scheduled_at")[:4]
    )
    for minutes in held:
        pdf = render_minutes_pdf(minutes_document(minutes.meeting, minutes=minutes))
        minutes.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        minutes.pdf.save(f"minutes-{minutes.meeting_id}.pdf", ContentFile(pdf), save=False)
        minutes.save(update_fields=["pdf", "pdf_sha256"])
    return {
        "written": generated["written"],
        "users": users,
        "departments": list(Department.objects.values_list("code", flat=True)),
        "held": [m.meeting_id for m in held],
        "planned": generated["planned"],
        "annual": generated["annual"],
    }


def check(args) -> dict:
    """Every acknowledged write is in the database; every touched issue keeps its invariants."""
    bench_scale.setup_django(args.database_url)
    # All imports below need django.setup().
    from django.core.exceptions import ValidationError  # noqa: PLC0415
    from django.db.models import Count  # noqa: PLC0415

    from issues.models import Issue, IssueDepartment, IssueUpdate, State  # noqa: PLC0415

    acknowledged = json.loads(Path(args.acknowledged).read_text())
    problems: list[str] = []
    History = Issue.history.model
    wanted = Counter(
        (a["issue"], a["name"], a["user"]) for a in acknowledged if a["what"] == "transition"
    )
    touched = {a["issue"] for a in acknowledged}
    found: Counter = Counter()
    rows = (
        History.objects.filter(id__in={k[0] for k in wanted}, history_id__gt=args.since_id)
        .values("id", "transition", "history_user__username")
        .annotate(n=Count("history_id"))
    )
    for row in rows:
        found[(row["id"], row["transition"], row["history_user__username"])] = row["n"]
    missing = sum(max(0, n - found[key]) for key, n in wanted.items())
    if missing:
        problems.append(f"{missing} acknowledged transitions without their history row")
    raised = [a for a in acknowledged if a["what"] == "raise"]
    titles = set(
        Issue.objects.filter(pk__in=[a["issue"] for a in raised]).values_list("title", flat=True)
    )
    lost_issues = sum(a["text"] not in titles for a in raised)
    if lost_issues:
        problems.append(f"{lost_issues} filed issues missing")
    notes = [a for a in acknowledged if a["what"] == "note"]
    texts = set(
        IssueUpdate.objects.filter(issue_id__in={a["issue"] for a in notes}).values_list(
            "text", flat=True
        )
    )
    lost_notes = sum(a["text"] not in texts for a in notes)
    if lost_notes:
        problems.append(f"{lost_notes} posted notes missing")
    # Invariants of each touched issue: its constraints, its history a chain ending in its state.
    broken = 0
    history: dict[int, list] = defaultdict(list)
    for row in (
        History.objects.filter(id__in=touched)
        # By id, the order of writing: generated rows may be dated after today's transitions.
        .order_by("history_id")
        .values("id", "state", "from_state", "transition")
    ):
        history[row["id"]].append(row)
    involved = set(
        IssueDepartment.objects.filter(issue_id__in=touched).values_list(
            "issue_id", "department_id"
        )
    )
    for issue in Issue.objects.filter(pk__in=touched):
        rows_of = [r for r in history[issue.pk] if r["transition"]]
        try:
            issue.validate_constraints()
        except ValidationError as exc:
            broken += 1
            problems.append(f"issue {issue.pk}: {exc.messages}")
            continue
        chain_ok = bool(rows_of) and rows_of[-1]["state"] == issue.state
        chain_ok = chain_ok and all(
            later["from_state"] == earlier["state"]
            for earlier, later in zip(rows_of, rows_of[1:], strict=False)
            if later["from_state"]
        )
        lead_ok = not issue.department_id or (issue.pk, issue.department_id) in involved
        unassigned_ok = issue.state not in (State.RAISED, State.WITHDRAWN) or not (
            issue.department_id or issue.due_date
        )
        if not (chain_ok and lead_ok and unassigned_ok):
            broken += 1
            if broken <= 10:
                problems.append(
                    f"issue {issue.pk} ({issue.state}): history chain {chain_ok}, "
                    f"lead involvement {lead_ok}, unassigned {unassigned_ok}"
                )
    # Written but never acknowledged (the client gave up waiting): told, not a failure.
    written_after = History.objects.filter(history_id__gt=args.since_id).exclude(
        transition__in=["", "raise"]
    )
    return {
        "acknowledged": {
            "transitions": sum(wanted.values()),
            "raised": len(raised),
            "notes": len(notes),
        },
        "transitions_in_history": written_after.count(),
        "touched_issues": len(touched),
        "broken_issues": broken,
        "missing_writes": missing + lost_issues + lost_notes,
        "problems": problems[:20],
    }


# The pages that once grew a worker with the data (issue 16: 513 MB for the dashboard, 539 MB
# for the annual report, 685 MB for a planned meeting page at 1M), each measured alone.
# In this order: a meeting page is measured after its agenda was generated.
HEAVY_PAGES = {
    "dashboard": "/dashboard/",
    # Served from the copy the task worker stored (reports.cached), here one of older figures:
    # what a download after a change gets while the worker renders the newer one.
    "annual report PDF (stored copy, older figures)": f"/reports/annual/{bench_scale.YEAR}.pdf",
    "generate regular agenda": "POST /meetings/{planned}/agenda/generate/",
    "planned meeting page": "/meetings/{planned}/",
    "generate annual agenda": "POST /meetings/{annual}/agenda/generate/",
    "annual meeting page": "/meetings/{annual}/",
    "ledger /issues/export.xlsx (every issue)": "/issues/export.xlsx",
}


def page_peak(args) -> dict:
    """One heavy page in this fresh process: its RSS before, its peak (VmHWM) during."""
    # No collectstatic here: whitenoise only warns when the static directory is missing.
    Path(os.environ.setdefault("STATIC_ROOT", "/tmp/liaison-bench-static")).mkdir(exist_ok=True)
    bench_scale.setup_django(args.database_url)
    from django.test import Client  # noqa: PLC0415 - after setup

    ids = json.loads(args.ids)
    client = Client()
    client.force_login(bench_scale.users_by_role()["secretariat"])
    # Imports, templates, translations, the first connection: not the page's memory.
    client.get("/issues/?page=1", secure=True)
    client.get("/", secure=True)
    before = rss_mb(os.getpid())[0]
    # Reset VmHWM to the current RSS (Linux: 5 → clear_refs), so the peak is this page's.
    Path("/proc/self/clear_refs").write_text("5")
    started = time.perf_counter()
    method, _space, url = HEAVY_PAGES[args.page].rpartition(" ")
    response = getattr(client, (method or "get").lower())(url.format(**ids), secure=True)
    size = sum(len(part) for part in response) if response.streaming else len(response.content)
    seconds = time.perf_counter() - started
    return {
        "status": response.status_code,
        "before_mb": before,
        "peak_mb": rss_mb(os.getpid())[1],
        "seconds": seconds,
        "bytes": size,
    }


def store_older_copy() -> dict:
    """What a running system has stored: the annual report's copy, rendered by the worker, and
    the figures changed since (the stamp moved). In a process of its own: a rendering leaves
    the fonts and WeasyPrint's memory behind, which a page measured after it would count."""
    from reports import cached  # noqa: PLC0415 - after setup
    from reports.documents import ANNUAL_PDF  # noqa: PLC0415

    rendered = ANNUAL_PDF.refresh(year=bench_scale.YEAR)
    cached.bump_stamp()
    return {"annual": rendered}


def drop_earlier_refreshes() -> int:
    """An earlier run over a kept database (--reuse) leaves document refreshes queued for the
    documents folder it had, gone with it: this run's worker would render them inside the
    window. Returns how many were dropped."""
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 - after setup

    queued = DBTaskResult.objects.filter(status="READY", task_path__startswith="reports.cached.")
    return queued.delete()[0]


def store_current_copies() -> dict:
    """What a deployment that has been running has stored before a minute of its day: the
    annual report the crowd downloads, rendered by a worker and current. (The crowd's first
    transition makes it older; its refresh waits LIAISON_DOCUMENT_REFRESH_SECONDS after this
    rendering, so no rendering runs inside the window: `--cold-documents` measures the minute
    with one, the first download after a start with an empty documents folder.)"""
    from reports.documents import ANNUAL_PDF  # noqa: PLC0415 - after setup

    return {"annual": ANNUAL_PDF.refresh(year=bench_scale.YEAR)}


def page_memory(args, ids: dict) -> list[str]:
    """Prints the peak RSS of each heavy page, alone in a fresh process over the same data;
    returns the targets missed (the same 300 MB as a worker's)."""
    # The children's documents folder: the stored copy they serve.
    os.environ["DOCUMENT_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-load-documents-")
    run_child("documents", args)
    print(f"\n{label(args)}: peak RSS of one request, alone in a fresh process (secretariat)")
    print("| page | status | before MB | peak MB | growth MB | seconds | bytes |")
    print("|---|---|---|---|---|---|---|")
    missed = []
    for page in HEAVY_PAGES:
        if args.pages and not any(word in page for word in args.pages.split(",")):
            continue
        figure = run_child("memory", args, ids=json.dumps(ids), page=page)
        growth = figure["peak_mb"] - figure["before_mb"]
        print(
            f"| {page} | {figure['status']} | {figure['before_mb']:.0f} | "
            f"{figure['peak_mb']:.0f} | {growth:.0f} | {figure['seconds']:.2f} | "
            f"{figure['bytes']:,} |"
        )
        if figure["peak_mb"] >= RSS_TARGET_MB:
            missed.append(f"{page}: peak RSS {figure['peak_mb']:.0f} MB ≥ {RSS_TARGET_MB} MB")
        if figure["status"] not in (200, 302):  # a generated agenda: back to the meeting
            missed.append(f"{page}: answered {figure['status']}")
    return missed


def child(args) -> None:
    if args.mode == "prepare":
        result = prepare(args)
    elif args.mode == "memory":
        result = page_peak(args)
    elif args.mode == "documents":
        bench_scale.setup_django(args.database_url)
        result = store_older_copy()
    elif args.mode == "stored":
        os.environ["DOCUMENT_CACHE_DIR"] = args.documents  # the folder the web will serve
        bench_scale.setup_django(args.database_url)
        result = store_current_copies()
    elif args.mode == "mark":
        bench_scale.setup_django(args.database_url)
        from issues.models import Issue  # noqa: PLC0415 - after setup

        last = Issue.history.order_by("-history_id").values_list("history_id", flat=True)
        result = {"since": last.first() or 0, "dropped": drop_earlier_refreshes()}
    elif args.mode == "check":
        args.since_id = int(args.since)
        result = check(args)
    else:
        drive(args)
        return
    print(json.dumps(result, default=str))


# --- the servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, port: int, tmp: Path) -> dict[str, str]:
    # The caller's LIAISON_* (the pool, the statement timeouts) pass through; not a debug mode.
    drop = ("DJANGO_DEBUG", "LIAISON_TESTING", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="0",  # plain HTTP on the loopback, as on an intranet without TLS
        LIAISON_BASE_URL=f"http://127.0.0.1:{port}",
        # Kept between runs: collecting (and compressing) every file again costs a minute.
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / "liaison-load-static"),
        MEDIA_ROOT=os.environ["MEDIA_ROOT"],  # the stored minutes: kept with the database
        DOCUMENT_CACHE_DIR=str(tmp / "documents"),
    )
    return env


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB; zeros when it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0, 0.0
    values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M))
    return int(values.get("VmRSS", 0)) / 1024, int(values.get("VmHWM", 0)) / 1024


class Watch(threading.Thread):
    """Polls the peak RSS of every gunicorn worker (recycled ones included) and of db_worker."""

    def __init__(self, master: int, task_worker: int):
        super().__init__(daemon=True)
        self.master, self.task_worker = master, task_worker
        self.peaks: dict[int, float] = {}
        self.task_peak = 0.0
        self.loads: list[float] = []  # the 1-minute load average, every 5 s
        self.stop = threading.Event()
        # Each worker's RSS before the first request: the imported code and its caches.
        self.idle = [rss_mb(pid)[0] for pid in children_of(master)]

    def run(self) -> None:
        polls = 0
        while not self.stop.wait(0.5):
            polls += 1
            if polls % 10 == 0:
                self.loads.append(os.getloadavg()[0])
            for pid in children_of(self.master):
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss_mb(pid)[1])
            self.task_peak = max(self.task_peak, rss_mb(self.task_worker)[1])


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on port {port} within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the report -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def restart_span(driven: dict, restart: dict | None) -> tuple[list, dict | None]:
    """The requests outside the PostgreSQL restart, and what happened around the restart.

    A request belongs to the restart when it was in flight while PostgreSQL was down (from
    `pg_ctl restart` until the server accepted connections again) or was sent in the
    RECOVERY_SECONDS after: its failures are the restart's cost, counted apart, and each must
    be the clear Chinese 503 (never a 500, never unanswered). A failure of a request sent later
    is an ordinary 5xx: the app did not recover by itself."""
    if not restart:
        return driven["requests"], None
    begin, up = restart["begin"], restart["end"]
    outside: list[list] = []
    inside: list[list] = []
    for request in driven["requests"]:
        _kind, _status, seconds, end, _clear = request
        sent = end - seconds
        (inside if end > begin and sent < up + RECOVERY_SECONDS else outside).append(request)
    failed = [r for r in inside if r[1] == 0 or r[1] >= 500]
    after = [r for r in driven["requests"] if r[3] - r[2] >= up]
    first_ok = min((r[3] - up for r in after if 0 < r[1] < 500), default=None)
    last_failure = max((r[3] - up for r in failed), default=0.0)
    return outside, {
        "down_seconds": up - begin,
        "requests": len(inside),
        "failed": len(failed),
        "clear_503": sum(r[1] == 503 and r[4] for r in failed),
        "other": Counter(str(r[1]) for r in failed if not (r[1] == 503 and r[4])),
        "first_success_after": first_ok,
        "last_failure_after": last_failure,
    }


# This machine's speed on the day: the same runs differed by 1.5x within an hour (a shared
# host), so the figures come with a fixed piece of pure Python timed before and after them.
CPU_REFERENCE_LOOP = 10**7


def cpu_reference() -> float:
    """Seconds of CPU for a fixed loop (best of three; ~0.4 s on this 2-core machine at its
    fastest): the scale the run's milliseconds are read in."""
    best = float("inf")
    for _attempt in range(3):
        started = time.process_time()
        sum(i * i for i in range(CPU_REFERENCE_LOOP))
        best = min(best, time.process_time() - started)
    return best


def report(
    driven: dict, watch: Watch, checked: dict, args, restart: dict | None = None
) -> list[str]:
    """Prints the table; returns the targets missed."""
    missed = []
    print(
        f"\n{label(args)}: {driven['people']} people ({driven['signed_in']} signed in in "
        f"{driven['sign_in_seconds']:.1f} s), {driven['window_seconds']:.0f} s, think "
        f"{args.think} s; gunicorn {args.gunicorn_note}; PostgreSQL {args.server_note}"
    )
    outside, around = restart_span(driven, restart)
    kinds: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    for kind, _status, seconds, _end, _clear in driven["requests"]:
        kinds[kind].append(seconds)
    clear: Counter = Counter()  # the 5xx that were the clear Chinese 503 (a statement timeout)
    for kind, status, _seconds, _end, said in outside:
        statuses[kind][status] += 1
        clear[kind] += status >= 500 and said
    in_window = sum(
        kind != "sign-in" and end >= driven["window_start"]
        for kind, _s, _t, end, _c in driven["requests"]
    )
    note = " (5xx and unanswered: outside the restart)" if around else ""
    print(f"| request | n | p50 ms | p95 ms | p99 ms | 5xx{note} | unanswered | 4xx |")
    print("|---|---|---|---|---|---|---|---|")
    total_5xx = total_lost = 0
    for kind in sorted(kinds):
        times = kinds[kind]
        server = sum(v for k, v in statuses[kind].items() if k >= 500)
        lost = statuses[kind].get(0, 0)
        other = " ".join(f"{k}×{v}" for k, v in sorted(statuses[kind].items()) if 400 <= k < 500)
        total_5xx += server
        total_lost += lost
        p95 = percentile(times, 0.95)
        interactive = not kind.startswith(NOT_INTERACTIVE)
        mark = " ✗" if interactive and p95 >= P95_TARGET else ""
        if mark:
            missed.append(f"p95 of {kind} {p95 * 1000:.0f} ms ≥ {P95_TARGET * 1000:.0f} ms")
        print(
            f"| {kind}{'' if interactive else ' (not held to p95)'} | {len(times)} "
            f"| {percentile(times, 0.5) * 1000:,.0f} | {p95 * 1000:,.0f}{mark} "
            f"| {percentile(times, 0.99) * 1000:,.0f} "
            f"| {server}{f' ({clear[kind]} the clear 503)' if server else ''} "
            f"| {lost} | {other or 0} |"
        )
    rate = in_window / driven["window_seconds"]
    peak = max(watch.peaks.values(), default=0.0)
    print(
        f"\n{rate:.1f} requests/s; 5xx {total_5xx}; unanswered {total_lost}; gunicorn workers "
        f"seen {len(watch.peaks)} (recycled ones included), peak RSS {peak:.0f} MB "
        f"(median of peaks {statistics.median(watch.peaks.values() or [0]):.0f} MB, "
        f"idle {max(watch.idle, default=0):.0f} MB); "
        f"db_worker peak RSS {watch.task_peak:.0f} MB"
    )
    loads = watch.loads or [os.getloadavg()[0]]
    print(
        f"load average (1 min) during the run: mean {statistics.mean(loads):.2f}, "
        f"max {max(loads):.2f} ({os.cpu_count()} cores)"
    )
    print(
        f"CPU reference (a fixed Python loop, alone): {args.cpu_before:.3f} s before the run, "
        f"{cpu_reference():.3f} s after"
    )
    if around:
        missed += restart_missed(around, restart or {})
    print(f"afterwards: {json.dumps(checked, ensure_ascii=False)}")
    if total_5xx:
        missed.append(f"{total_5xx} responses 5xx")
    if total_lost:
        missed.append(f"{total_lost} requests unanswered")
    if checked["missing_writes"]:
        missed.append(f"{checked['missing_writes']} acknowledged writes missing")
    if checked["broken_issues"]:
        missed.append(f"{checked['broken_issues']} issues break an invariant")
    if peak >= RSS_TARGET_MB:
        missed.append(f"worker peak RSS {peak:.0f} MB ≥ {RSS_TARGET_MB} MB")
    if driven["still_running"]:
        missed.append(f"{driven['still_running']} people still waiting at the end")
    return missed


def restart_missed(around: dict, restart: dict) -> list[str]:
    """Prints the restart's line; returns its targets missed."""
    first = around["first_success_after"]
    print(
        f"PostgreSQL restart (pg_ctl restart -m fast) {restart['at']:.0f} s into the run: down "
        f"{around['down_seconds']:.1f} s; {around['requests']} requests in flight or sent until "
        f"{RECOVERY_SECONDS:.0f} s after, {around['failed']} failed ({around['clear_503']} the "
        f"clear Chinese 503, other {dict(around['other']) or 0}); first success "
        + ("none" if first is None else f"{first:.2f} s")
        + f" after it was up, last failure {around['last_failure_after']:.2f} s after"
    )
    missed = []
    if around["other"]:
        missed.append(f"restart answered {dict(around['other'])} instead of the clear 503")
    if first is None:
        missed.append("no request succeeded after the restart: the app did not recover")
    return missed


def label(args) -> str:
    return f"{bench_scale.label(args.size)} issues"


def run_child(mode: str, args, **extra: str) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--database-url", args.database_url]
    command += ["--size", str(args.size)]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", value]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_web(args, env: dict[str, str], port: int, tmp: Path) -> list[subprocess.Popen]:
    """The production configuration: collected static files, gunicorn with `gunicorn.conf.py`
    (plus `--gunicorn`), one `manage.py db_worker`. Returns [gunicorn, db_worker]."""
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    log = (tmp / "gunicorn.log").open("w")
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "liaison.wsgi", "-c", "gunicorn.conf.py"]
    gunicorn += ["-b", f"127.0.0.1:{port}", *args.gunicorn.split()]
    web = subprocess.Popen(gunicorn, env=env, cwd=ROOT, stdout=log, stderr=log)
    task_log = (tmp / "db_worker.log").open("w")
    worker = subprocess.Popen(
        [*manage, "db_worker", "--no-reload"], env=env, cwd=ROOT, stdout=task_log, stderr=task_log
    )
    wait_until_up(port)
    return [web, worker]


class Restarter(threading.Thread):
    """Restarts the benchmark's own PostgreSQL `at` seconds into the drive's window (the drive
    child writes the window's start, on the machine-wide monotonic clock, to `window_file`)."""

    def __init__(
        self,
        cluster: own_cluster.Cluster | own_cluster.ServerCluster,
        at: float,
        window_file: Path,
    ):
        super().__init__(daemon=True)
        self.cluster, self.at, self.window_file = cluster, at, window_file
        self.result: dict | None = None
        self.error = ""

    def run(self) -> None:
        try:
            while not self.window_file.exists() or not self.window_file.read_text():
                time.sleep(0.1)
            window_start = float(self.window_file.read_text())
            time.sleep(max(0.0, window_start + self.at - time.monotonic()))
            begin = time.monotonic()
            self.cluster.restart()
            self.result = {"at": begin - window_start, "begin": begin, "end": time.monotonic()}
        except (OSError, ValueError, subprocess.CalledProcessError) as exc:
            self.error = f"the restart failed: {exc}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--issues", default="1m", help="data size: 1m (default), 100k, 1k")
    parser.add_argument("--people", type=int, default=100, help=f"at most {MAX_PEOPLE}")
    parser.add_argument("--seconds", type=float, default=60, help=f"at most {MAX_SECONDS}")
    parser.add_argument(
        "--think", type=float, default=5.0, help="mean seconds a person waits between actions"
    )
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument(
        "--own-cluster",
        action="store_true",
        help="initdb a PostgreSQL of its own in a temporary directory instead of --server",
    )
    parser.add_argument(
        "--restart-at",
        type=float,
        default=None,
        help="restart PostgreSQL (pg_ctl restart -m fast) this many seconds into the run; "
        "implies --own-cluster",
    )
    parser.add_argument(
        "--restart-server",
        action="store_true",
        help="with --restart-at: restart the server of --server (pg_ctlcluster) instead of an "
        "own cluster; only where nothing else uses that server",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--cold-documents",
        action="store_true",
        help="start with no stored document: the annual report is rendered inside the window",
    )
    parser.add_argument("--reuse", action="store_true", help="use a database kept by --keep")
    parser.add_argument(
        "--gunicorn", default="", help="extra gunicorn arguments, e.g. '-w 4 --threads 2'"
    )
    parser.add_argument(
        "--prefix", default="liaison_load", help="the database's name before _<size>"
    )
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="only the heavy pages' peak RSS, each alone (no gunicorn, no people)",
    )
    parser.add_argument(
        "--pages",
        default="",
        help="only the heavy pages whose name has one of these words, e.g. agenda,meeting",
    )
    parser.add_argument(
        "--no-page-memory",
        action="store_true",
        help="skip the peak RSS of the heavy pages, each alone in a fresh process",
    )
    # Internal: the children.
    parser.add_argument(
        "--child",
        choices=["prepare", "mark", "drive", "check", "memory", "documents", "stored"],
        dest="mode",
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ids", default="{}")
    parser.add_argument("--acknowledged", default="")
    parser.add_argument("--since", default="")
    parser.add_argument("--window-file", default="")
    parser.add_argument("--page", default="")
    parser.add_argument("--documents", default="")
    args = parser.parse_args()
    if args.mode:
        child(args)
        return 0
    if not (0 < args.people <= MAX_PEOPLE and 0 < args.seconds <= MAX_SECONDS):
        parser.error(f"--people 1–{MAX_PEOPLE}, --seconds up to {MAX_SECONDS}")
    if args.restart_at is not None:
        if not 0 < args.restart_at < args.seconds - RECOVERY_SECONDS:
            parser.error(f"--restart-at must leave {RECOVERY_SECONDS:.0f} s of the run after it")
        args.own_cluster = not args.restart_server
    if args.own_cluster and (args.keep or args.reuse):
        parser.error("--own-cluster removes its cluster afterwards: no --keep or --reuse")
    args.size = bench_scale.parse_size(args.issues)
    name = f"{args.prefix}_{bench_scale.label(args.size).lower()}"
    ids_file = ROOT / f".bench-{name}.json"
    tmp = Path(tempfile.mkdtemp(prefix="liaison-load-"))
    media = Path(tempfile.gettempdir()) / f"{name}-media"  # with the database: --keep keeps it
    os.environ["MEDIA_ROOT"] = str(media)  # the prepare child stores documents there
    os.environ["DOCUMENT_CACHE_DIR"] = str(tmp / "documents-alone")  # page_memory: none cached
    # The production pool (README "Deployment"): one connection per gunicorn thread.
    os.environ.setdefault("LIAISON_DB_POOL_MAX", os.environ.get("WEB_THREADS", "4"))
    processes: list[subprocess.Popen] = []
    cluster = None
    try:
        if args.own_cluster:
            print("starting a PostgreSQL of its own …", file=sys.stderr, flush=True)
            cluster = own_cluster.Cluster().start()
            args.server = cluster.url
            args.server_note = (
                f"own cluster on port {cluster.port} (shared_buffers "
                f"{cluster.setting('shared_buffers')}, work_mem {cluster.setting('work_mem')})"
            )
        else:
            args.server_note = args.server
        args.server_note += f", pool max {os.environ['LIAISON_DB_POOL_MAX']} per worker"
        args.database_url = f"{args.server}/{name}"
        if args.reuse and ids_file.exists():
            ids = json.loads(ids_file.read_text())
            if "users" not in ids:  # kept by the scale benchmark: add the crowd's part
                ids = run_child("prepare", args, ids=json.dumps(ids)) | ids
                ids_file.write_text(json.dumps(ids))
        else:
            bench_scale.admin_sql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            bench_scale.admin_sql(args.server, f'CREATE DATABASE "{name}"')
            print(f"{label(args)}: generating …", file=sys.stderr, flush=True)
            ids = run_child("prepare", args)
            ids_file.write_text(json.dumps(ids))
            print(f"generated {ids['written']}", file=sys.stderr, flush=True)
        if args.memory_only:
            missed = page_memory(args, ids)
            return finish(missed)
        port = free_port()
        env = production_env(args.database_url, port, tmp)
        args.gunicorn_note = " ".join(["-c gunicorn.conf.py", *args.gunicorn.split()])
        if not args.cold_documents:  # the stored copies a running deployment has (see there)
            run_child("stored", args, documents=env["DOCUMENT_CACHE_DIR"])
        args.cpu_before = cpu_reference()
        processes = start_web(args, env, port, tmp)
        web, worker = processes
        watch = Watch(web.pid, worker.pid)
        watch.start()
        # The last history row before the run: every one after it was written by the run.
        since = str(run_child("mark", args)["since"])
        acknowledged = tmp / "acknowledged.json"
        window_file = tmp / "window"
        restarter = None
        if args.restart_at is not None:
            server_port = urllib.parse.urlsplit(args.server).port or 5432
            restarted = cluster or own_cluster.ServerCluster(server_port)
            restarter = Restarter(restarted, args.restart_at, window_file)
            restarter.start()
        print(
            f"driving {args.people} people for {args.seconds:.0f} s …", file=sys.stderr, flush=True
        )
        command = [sys.executable, __file__, "--child", "drive", "--port", str(port)]
        command += ["--ids", json.dumps(ids), "--acknowledged", str(acknowledged)]
        command += ["--people", str(args.people), "--seconds", str(args.seconds)]
        command += ["--think", str(args.think), "--window-file", str(window_file)]
        done = subprocess.run(
            command,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=args.seconds + 600,  # sign-in and the last requests' timeouts, bounded
        )
        driven = json.loads(done.stdout.strip().splitlines()[-1])
        watch.stop.set()
        if restarter is not None:
            restarter.join(timeout=130)
        for process in reversed(processes):
            stop(process)
        errors = [
            line for line in (tmp / "gunicorn.log").read_text().splitlines() if "Error" in line
        ]
        if errors:
            print("gunicorn log:\n  " + "\n  ".join(errors[-10:]), file=sys.stderr)
        checked = run_child("check", args, acknowledged=str(acknowledged), since=since)
        restart = restarter.result if restarter is not None else None
        missed = report(driven, watch, checked, args, restart)
        if restarter is not None and restart is None:
            missed.append(restarter.error or "PostgreSQL was not restarted during the run")
        if not args.no_page_memory:
            missed += page_memory(args, ids)
    finally:
        for process in reversed(processes):
            stop(process)
        if not args.keep and not cluster:
            bench_scale.admin_sql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not args.keep:
            ids_file.unlink(missing_ok=True)
            shutil.rmtree(media, ignore_errors=True)
        if cluster:
            cluster.remove()
        shutil.rmtree(tmp, ignore_errors=True)
    return finish(missed)


def finish(missed: list[str]) -> int:
    if missed:
        print("targets missed:\n  " + "\n  ".join(missed))
        return 1
    print("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
