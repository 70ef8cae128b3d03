#!/usr/bin/env python
"""Memory benchmark (not a test): the peak RSS of each request of the load mix, each alone in a
fresh Django process, as the role that makes it, against a benchmark database.

    .venv/bin/python scripts/bench_memory.py --database memory_100k [--read-only] [--only pdf]
    .venv/bin/python scripts/bench_memory.py --database lead_1m --read-only

The database is one made by `scripts/bench_scale.py --keep` (its ids in `.bench-<name>.json`);
`--server` as there (default postgres://postgres@127.0.0.1:5432). The pages are those
`scripts/bench_load.py` drives, by the same names: officers list, search, file issues and
verify; departments accept, post notes and resolve; the secretariat assigns; leaders and the
secretariat read the dashboard; the PDF downloads (the annual report, stored minutes).

Each page runs in a child process of its own (`--child`): Django set up, signed in as the role
(`force_login`), the imports, templates and first connection warmed up on two other pages,
then Linux's peak-RSS mark reset (`/proc/self/clear_refs` ← 5) and the page requested once; it
prints the RSS before, the peak (VmHWM) during it, and the growth. A page is over budget at
300 MB of peak, what a gunicorn worker may reach (issue 16); the script exits 1 when one is.

Before the pages, a child stores what a running system has: the annual report's copy (rendered
once, in that child, into a documents folder of this run, then the figures' stamp moved so the
downloads find an OLDER copy: what a download sees after a change, before the worker's newer
one) and, unless `--read-only`, the minutes PDF of the last approved meeting (as its approval
stores it; the generator writes none). `--read-only` (automatic for a database named `lead*`)
measures only the pages that write nothing, and writes nothing: every transaction read-only,
the session in a signed cookie, no sign-in time or audit row (of the sign-in or a download),
a download's render task in django-tasks' dummy backend; only the documents folder of the run is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load
import bench_scale

ROOT = bench_scale.ROOT
BUDGET_MB = bench_load.RSS_TARGET_MB
YEAR = bench_scale.YEAR

# (kind as scripts/bench_load.py names it, role, method, address, writes). In the address,
# {…} are filled in the child from the data as that person would find it (the API list).
PAGES: list[tuple[str, str, str, str, bool]] = [
    ("home", "officer", "GET", "/", False),
    ("issue list", "officer", "GET", "/issues/", False),
    ("list, search", "officer", "GET", "/issues/?q=" + urllib.parse.quote("补贴"), False),
    (
        "API list",
        "officer",
        "GET",
        "/api/v1/issues/?state=resolved&chain={chain}&page_size=20",
        False,
    ),
    ("issue detail", "officer", "GET", "/issues/{resolved}/", False),
    ("new issue form", "officer", "GET", "/issues/new/", False),
    ("file issue", "officer", "POST", "/issues/new/", True),
    ("transition verify", "officer", "API", "/api/v1/issues/{resolved}/transitions/verify/", True),
    ("home", "department", "GET", "/", False),
    ("issue list", "department", "GET", "/issues/", False),
    ("API list", "department", "GET", "/api/v1/issues/?state=accepted&page_size=20", False),
    ("issue detail", "department", "GET", "/issues/{accepted}/", False),
    (
        "transition accept",
        "department",
        "API",
        "/api/v1/issues/{assigned}/transitions/accept/",
        True,
    ),
    ("post note", "department", "POST", "/issues/{accepted}/updates/", True),
    (
        "transition resolve",
        "department",
        "API",
        "/api/v1/issues/{accepted}/transitions/resolve/",
        True,
    ),
    ("issue list", "secretariat", "GET", "/issues/?state=raised", False),
    ("API list", "secretariat", "GET", "/api/v1/issues/?state=raised&page_size=50", False),
    (
        "transition assign",
        "secretariat",
        "API",
        "/api/v1/issues/{raised}/transitions/assign/",
        True,
    ),
    ("dashboard", "secretariat", "GET", "/dashboard/", False),
    ("home", "leader", "GET", "/", False),
    ("dashboard", "leader", "GET", "/dashboard/", False),
    ("issue list", "leader", "GET", "/issues/?overdue=true", False),
    ("API list", "leader", "GET", "/api/v1/issues/?page_size=20", False),
    ("issue detail", "leader", "GET", "/issues/{any}/", False),
    (
        "pdf annual report (stored copy, older figures)",
        "leader",
        "GET",
        f"/reports/annual/{YEAR}.pdf",
        False,
    ),
    (
        "pdf annual report (stored copy, older figures)",
        "secretariat",
        "GET",
        f"/reports/annual/{YEAR}.pdf",
        False,
    ),
    ("pdf minutes (stored at approval)", "leader", "GET", "/meetings/{held}/minutes.pdf", False),
]
BODIES = {
    "verify": {"satisfaction": "satisfied"},
    "accept": {"note": "已签收"},
    "resolve": {"outcome": "solved", "resolution": "已协调解决，企业认可。"},
    "assign": {"department": "{department}", "note": "请办理"},
}


def setup(args) -> None:
    # No collectstatic here: whitenoise only warns when the static directory is missing.
    Path(os.environ.setdefault("STATIC_ROOT", "/tmp/liaison-bench-static")).mkdir(exist_ok=True)
    bench_scale.setup_django(f"{args.server}/{args.database}")
    from django.conf import settings  # noqa: PLC0415 - after setup

    if args.read_only:
        read_only(settings)


def read_only(settings) -> None:
    """Nothing written to the database: every transaction read-only (a write would fail the
    page, not slip through), the session in a signed cookie, no last sign-in time or audit row
    for the benchmark's sign-in or downloads, a download's render task in the dummy backend."""
    from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415 - after setup
    from django.db import connections  # noqa: PLC0415
    from django.test import override_settings  # noqa: PLC0415

    from audit.log import AuditMiddleware  # noqa: PLC0415

    options = connections["default"].settings_dict.setdefault("OPTIONS", {})
    guard = "-c default_transaction_read_only=on"
    options["options"] = f"{options['options']} {guard}" if options.get("options") else guard
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    # The sign-in's receivers (last sign-in time, the audit row, django-axes' access log)
    # write: this sign-in is the benchmark's, not a person's.
    user_logged_in.receivers = []
    # A download's audit row (audit.log.AuditMiddleware): the benchmark's, not a person's.
    AuditMiddleware.observe = lambda self, request, response: None  # type: ignore[method-assign]
    # Through override_settings: django-tasks forgets the backends it made on setting_changed.
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    override_settings(TASKS=dummy).enable()


def users() -> dict:
    from organisation.models import User  # noqa: PLC0415 - after setup

    found = bench_scale.users_by_role()
    found["leader"] = User.objects.filter(role=User.Role.LEADER).order_by("pk").first()
    return found


def prepare(args) -> dict:
    """What a running system has stored: the annual report's copy, now of older figures (the
    stamp moved after it), and the minutes PDF of the last approved meeting."""
    setup(args)
    from django.core.files.base import ContentFile  # noqa: PLC0415 - after setup

    from meetings.documents import minutes_document  # noqa: PLC0415
    from meetings.models import MeetingState, Minutes  # noqa: PLC0415
    from meetings.printed import render_minutes_pdf  # noqa: PLC0415

    stored = bench_load.store_older_copy()
    held = (
        Minutes.objects.filter(meeting__state=MeetingState.MINUTES_APPROVED)
        .select_related("meeting")
        .order_by("-meeting__scheduled_at")
    )
    minutes = held.exclude(pdf="").first()
    if minutes is None and not args.read_only and (minutes := held.first()):
        pdf = render_minutes_pdf(minutes_document(minutes.meeting, minutes=minutes))
        minutes.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        minutes.pdf.save(f"minutes-{minutes.meeting_id}.pdf", ContentFile(pdf), save=False)
        minutes.save(update_fields=["pdf", "pdf_sha256"])
    if minutes is None or not minutes.pdf.name or not minutes.pdf.storage.exists(minutes.pdf.name):
        return {**stored, "held": None}  # no stored minutes PDF to serve
    return {**stored, "held": minutes.meeting_id}


def targets(client, names: list[str], held) -> dict:
    """The ids a page's address (or its body) names, found as that person would (the API
    list); only those, so that a page asks nothing it does not need."""
    from organisation.models import Department  # noqa: PLC0415 - after setup

    def first(query: str):
        page = client.get(f"/api/v1/issues/?{query}&page_size=1", secure=True).json()
        return page["results"][0]["id"] if page.get("results") else None

    def chain():  # the officer's own chain (/api/v1/me/ creates a calendar key once: asked
        # only when needed, so that a read-only run never calls it for another role)
        return (client.get("/api/v1/me/", secure=True).json().get("chains") or [""])[0]

    found: dict = {}
    lookups = {
        "chain": chain,
        "resolved": lambda: first(f"state=resolved&chain={found.get('chain') or chain()}"),
        "accepted": lambda: first("state=accepted"),
        "assigned": lambda: first("state=assigned"),
        "raised": lambda: first("state=raised"),
        "any": lambda: first(""),
        "held": lambda: held,
        "department": lambda: (
            Department.objects.order_by("code").values_list("code", flat=True).first()
        ),
    }
    for name in names:
        found[name] = lookups[name]()
    return found


def page_peak(args) -> dict:
    """One page in this fresh process: RSS before, peak during (VmHWM, reset first)."""
    setup(args)
    from django.test import Client  # noqa: PLC0415 - after setup

    kind, role, method, address, _writes = PAGES[args.page]
    client = Client()
    client.force_login(users()[role])
    names = _names(address)
    if method == "API":
        for value in BODIES[address.rstrip("/").rsplit("/", 1)[-1]].values():
            names += _names(value)
    ids = targets(client, names, args.held)
    if None in ids.values():
        return {"skipped": "no such issue or meeting in this database"}
    url = address.format(**ids)
    data: Any = None
    content_type = ""
    if method == "API":
        name = url.rstrip("/").rsplit("/", 1)[-1]
        data = json.dumps({k: v.format(**ids) for k, v in BODIES[name].items()})
        content_type = "application/json"
    elif method == "POST" and kind == "file issue":
        form = client.get(url, secure=True).content
        data = {
            "chain": bench_load.first_option(form, "chain"),
            "category": bench_load.first_option(form, "category"),
            "title": "内存测量问题",
            "description": "企业反映人才公寓配租进度慢，影响招聘，请协调解决。",
            "company": "星河软件",
        }
    elif method == "POST":
        data = {"update-text": "内存测量进展：已与企业对接。"}
    # Imports, templates, translations, the first connection: not the page's memory.
    client.get("/issues/?page=1", secure=True)
    client.get("/", secure=True)
    before = bench_load.rss_mb(os.getpid())[0]
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS: the peak is this page's
    if method == "GET":
        response = client.get(url, secure=True)
    elif content_type:
        response = client.post(url, data, content_type=content_type, secure=True)
    else:
        response = client.post(url, data, secure=True)
    size = sum(len(p) for p in response) if response.streaming else len(response.content)
    peak = bench_load.rss_mb(os.getpid())[1]
    return {
        "status": response.status_code,
        "before_mb": before,
        "peak_mb": peak,
        "bytes": size,
        "cache": response.get("X-Cache", ""),
    }


def _names(address: str) -> list[str]:
    return [part.split("}", 1)[0] for part in address.split("{")[1:]]


def run_child(args, mode: str, **extra: str) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--database", args.database]
    command += ["--server", args.server] + ["--read-only"] * args.read_only
    for key, value in extra.items():
        command += [f"--{key}", value]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="e.g. memory_100k (bench_scale --keep)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--read-only", action="store_true", help="only pages that write nothing")
    parser.add_argument("--only", default="", help="only the pages whose kind contains this")
    parser.add_argument("--child", choices=["prepare", "page"], help=argparse.SUPPRESS)
    parser.add_argument("--page", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--held", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.read_only = args.read_only or args.database.startswith("lead")
    if args.child:
        result = prepare(args) if args.child == "prepare" else page_peak(args)
        print(json.dumps(result))
        return 0
    # One documents folder and one media folder for this run, shared by its children.
    folder = Path(tempfile.mkdtemp(prefix=f"bench-memory-{args.database}-"))
    os.environ["DOCUMENT_CACHE_DIR"] = str(folder / "documents")
    os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / f"media-{args.database}"))
    stored = run_child(args, "prepare")
    load = os.getloadavg()[0]
    print(f"{args.database}: peak RSS of one request alone in a fresh process (load {load:.1f})")
    print("| request | role | status | X-Cache | before MB | peak MB | growth MB | bytes |")
    print("|---|---|---|---|---|---|---|---|")
    over = []
    for number, (kind, role, _method, _address, writes) in enumerate(PAGES):
        if (writes and args.read_only) or (args.only and args.only not in kind):
            continue
        extra = {"page": str(number)}
        if stored["held"]:
            extra["held"] = str(stored["held"])
        figure = run_child(args, "page", **extra)
        if "skipped" in figure:
            print(f"| {kind} | {role} | skipped: {figure['skipped']} | | | | | |")
            continue
        growth = figure["peak_mb"] - figure["before_mb"]
        print(
            f"| {kind} | {role} | {figure['status']} | {figure['cache'] or '—'} | "
            f"{figure['before_mb']:.0f} | {figure['peak_mb']:.0f} | {growth:+.0f} | "
            f"{figure['bytes']:,} |"
        )
        if figure["peak_mb"] >= BUDGET_MB:
            over.append(f"{kind} ({role}): {figure['peak_mb']:.0f} MB ≥ {BUDGET_MB} MB")
    for line in over:
        print("OVER BUDGET:", line)
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
