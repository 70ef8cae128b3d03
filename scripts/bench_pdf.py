#!/usr/bin/env python
"""Benchmark of the printed documents (not a test): render times next to the floor.

    .venv/bin/python scripts/bench_pdf.py [--issues 10000] [--runs 3]

Prints the render time of the minutes with 30 agenda items and 60 decisions and of the annual
report over 10,000 issues, each next to WeasyPrint rendering plain HTML of the same text (the
floor: no stylesheet, no layout work beyond paragraphs), and the ratio. The issues go into a
throwaway SQLite database in a temporary folder, never into the project's database.
Targets on the 2-core reference machine: minutes within 2x the floor, annual report under 3 s.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from html import escape, unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import django
from django.core.management import call_command
from django.template.loader import render_to_string
from weasyprint import HTML

ROOT = Path(__file__).resolve().parent.parent
BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = datetime.now(BEIJING).date()
YEAR = TODAY.year  # the report of the running year: open issues are recent ones


def setup_django(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    from organisation.reference import load_reference_data  # noqa: PLC0415 - needs django.setup()

    load_reference_data()


def make_issues(count: int, seed: int = 2025) -> None:
    """`count` issues over YEAR in every state, written in bulk (a throwaway database)."""
    from issues import rollup  # noqa: PLC0415 - needs django.setup()
    from issues.models import Issue, State  # noqa: PLC0415 - needs django.setup()
    from organisation.models import Department, IndustryChain, IssueCategory, Measure, User  # noqa: PLC0415 - needs django.setup()

    rng = random.Random(seed)
    officer = User.objects.create(username="bench", role=User.Role.OFFICER, name="张敏")
    chains = list(IndustryChain.objects.all())
    departments = list(Department.objects.all())
    categories = list(IssueCategory.objects.all())
    measures = list(Measure.objects.all()) + [None]
    titles = [
        "高级测试工程师招聘困难",
        "人才公寓配租进度慢",
        "技能培训补贴申报流程复杂",
        "产业配套用地审批周期长",
        "新就业形态劳动者参保难",
        "算力补贴申报渠道不畅",
        "企业融资担保门槛高",
        "技工学校招生与企业需求脱节",
    ]
    rows = []
    days_so_far = max((TODAY - date(YEAR, 1, 1)).days - 1, 0)
    for n in range(count):
        raised_on = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, days_so_far))
        age = (TODAY - raised_on).days
        raised_at = datetime(
            raised_on.year, raised_on.month, raised_on.day, rng.randint(8, 18), tzinfo=BEIJING
        )
        # older issues are mostly settled, as in a working mechanism
        weights = [3, 8, 6, 20, 2] if age < 60 else [1, 2, 2, 40, 2]
        state = rng.choices(
            [State.RAISED, State.ASSIGNED, State.RESOLVED, State.VERIFIED, State.WITHDRAWN],
            weights=weights,
        )[0]
        issue = Issue(
            year=YEAR,
            sequence=n + 1,
            number=f"{YEAR}-{n + 1:04d}",
            title=f"{rng.choice(chains).name}企业反映{rng.choice(titles)}",
            description="企业反映的情况。",
            chain=rng.choice(chains),
            category=rng.choice(categories),
            measure=rng.choice(measures),
            raised_by=officer,
            raised_at=raised_at,
            state=state,
            reopen_count=rng.choice([0, 0, 0, 0, 1, 2]),
        )
        if state in (State.ASSIGNED, State.RESOLVED, State.VERIFIED):
            issue.department = rng.choice(departments)
            issue.first_assigned_at = issue.assigned_at = raised_at + timedelta(
                days=rng.randint(0, 5)
            )
            issue.due_date = issue.first_assigned_at.date() + timedelta(days=rng.randint(10, 40))
        if state in (State.RESOLVED, State.VERIFIED):
            issue.resolution = "已协调解决。"
            issue.resolved_at = issue.first_assigned_at + timedelta(
                days=rng.randint(2, 50), hours=3
            )
        if state == State.VERIFIED:
            issue.satisfaction = rng.choice(["satisfied", "satisfied", "basically_satisfied"])
            issue.verified_at = issue.resolved_at + timedelta(days=2)
        rows.append(issue)
    Issue.objects.bulk_create(rows, batch_size=1000)
    rollup.rebuild()  # bulk_create leaves the figures' rollup to its caller


def minutes_document(items: int = 30, decisions: int = 60) -> dict:
    people = [
        ("王芳", "市总工会劳动和经济工作部"),
        ("张敏", "软件产业链"),
        ("李强", "市人社局"),
        ("陈静", "人工智能产业链"),
        ("孙伟", "汽车制造产业链"),
        ("马军", "市住房保障局"),
        ("周丽", "机器人产业链"),
        ("吴昊", "市工信局"),
    ]
    return {
        "meeting": {
            "id": 1,
            "kind": "regular",
            "title": "2025年第6次产业链联络员会议",
            "number_label": "〔2025〕6号",
            "scheduled_at": "2025-11-24T09:30:00+08:00",
            "date_label": "2025年11月24日",
            "location": "市总工会三楼会议室",
        },
        "summary": "会议由市总工会劳动和经济工作部主持，通报了各产业链难点堵点问题办理情况，研究部署了下一步工作。",
        "items": [
            {
                "order": i,
                "section": "overdue",
                "title": f"第{i}项：逾期问题办理情况",
                "discussion": "市人社局介绍了高级测试工程师招聘补贴申请的办理进展，表示将于本月底前完成审核；"
                "联络员反映企业仍有顾虑，会议要求加快办理并及时反馈。",
                "issues": [
                    {
                        "number": f"2025-{i:04d}",
                        "title": "软件企业高级测试工程师招聘困难",
                        "state": "assigned",
                        "state_label": "办理中",
                        "department": "市人力资源和社会保障局",
                        "due_date": "2025-11-30",
                        "warning": "red",
                    }
                ],
            }
            for i in range(1, items + 1)
        ],
        "decisions": [
            {
                "number": i,
                "text": f"由市人社局牵头，会同市工信局研究落实软件企业人才补贴申请流程优化事项（第{i}条）。",
                "department": "市人力资源和社会保障局",
                "due_date": "2025-12-31",
                "issue_number": f"2025-{i:04d}",
            }
            for i in range(1, decisions + 1)
        ],
        "attendance": {
            "present": [{"name": n, "organisation": o} for n, o in people],
            "absent": [{"name": "赵磊", "organisation": "市工信局", "note": "因公出差"}],
            "observer": [{"name": "刘建国", "organisation": "市总工会"}],
        },
        "approved_at": "2025-11-25T10:00:00+08:00",
        "fingerprint": "0123456789ab",
    }


def plain_html(text_html: str) -> str:
    """The same words as plain paragraphs: the floor WeasyPrint cannot go under."""
    body = re.sub(r"<(style|head)[^>]*>.*?</\1>", "", text_html, flags=re.S)
    body = re.sub(r"<img[^>]*>", "", body)
    lines = [unescape(t).strip() for t in re.split(r"<[^>]+>", body)]
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>{paragraphs}</body></html>'


def timed(fn: Callable[[], bytes], runs: int) -> tuple[float, float, bytes]:
    """Median wall-clock and CPU seconds (CPU time is what a busy shared machine cannot skew)."""
    result = fn()  # warm-up: fonts, caches, imports
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--save", metavar="DIR", help="also write the rendered PDFs there")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="liaison-bench-") as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        from meetings.printed import minutes_context, render_minutes_pdf  # noqa: PLC0415 - needs django.setup()
        from printing.fetcher import BASE_URL, SafeURLFetcher  # noqa: PLC0415 - needs django.setup()
        from reports.annual import annual_report_context, render_annual_report_pdf  # noqa: PLC0415 - needs django.setup()

        def floor(html: str):
            return lambda: HTML(
                string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher()
            ).write_pdf()

        start = time.perf_counter()
        make_issues(args.issues)
        print(
            f"created {args.issues} issues in {time.perf_counter() - start:.1f} s (throwaway SQLite)"
        )

        doc = minutes_document()
        m_time, m_cpu, m_pdf = timed(lambda: render_minutes_pdf(doc), args.runs)
        m_html = render_to_string("print/minutes.html", minutes_context(doc, doc["fingerprint"]))
        m_floor, m_floor_cpu, _ = timed(floor(plain_html(m_html)), args.runs)

        r_time, r_cpu, r_pdf = timed(lambda: render_annual_report_pdf(YEAR), args.runs)
        context = annual_report_context(YEAR)
        context.pop("_on")
        r_html = render_to_string("print/annual_report.html", context)
        r_floor, r_floor_cpu, _ = timed(floor(plain_html(r_html)), args.runs)
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            (Path(args.save) / "minutes.pdf").write_bytes(m_pdf)
            (Path(args.save) / "annual.pdf").write_bytes(r_pdf)

    print(
        f"{'document':<40}{'render':>8}{'floor':>8}{'ratio':>7}{'cpu':>8}{'floor':>8}{'ratio':>7}  target"
    )
    rows = [
        (
            "minutes, 30 items + 60 decisions",
            m_time,
            m_floor,
            m_cpu,
            m_floor_cpu,
            "<= 2x floor",
            m_pdf,
        ),
        (
            f"annual report, {args.issues} issues",
            r_time,
            r_floor,
            r_cpu,
            r_floor_cpu,
            "< 3 s",
            r_pdf,
        ),
    ]
    for name, wall, wall_floor, cpu, cpu_floor, target, pdf in rows:
        print(
            f"{name:<40}{wall:>7.2f}s{wall_floor:>7.2f}s{wall / wall_floor:>6.2f}x"
            f"{cpu:>7.2f}s{cpu_floor:>7.2f}s{cpu / cpu_floor:>6.2f}x  {target}  ({len(pdf) // 1024} KiB)"
        )
    print(
        f"(wall-clock and CPU seconds, median of {args.runs} runs after a warm-up; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
