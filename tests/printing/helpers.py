"""Sample documents in the shapes of ``meetings.documents`` and PDF inspection helpers."""

from __future__ import annotations

import copy
import io
import random
import re
import subprocess
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf

from issues.models import Issue, State
from organisation.models import Department, IndustryChain, IssueCategory, Measure, User

BEIJING = ZoneInfo("Asia/Shanghai")
HOSTILE = "<link rel=attachment href=file:///etc/hostname><img src=http://127.0.0.1:9/x.png>"

HEAD = {
    "id": 7,
    "kind": "regular",
    "title": "2024年第3次产业链联络员会议",
    "number_label": "〔2024〕3号",
    "scheduled_at": "2024-11-24T09:30:00+08:00",
    "date_label": "2024年11月24日",
    "location": "市总工会三楼会议室",
}


def issue_row(
    n: int, *, title: str = "软件企业高级测试工程师招聘困难", warning: str | None = "red"
) -> dict:
    return {
        "number": f"2024-{n:04d}",
        "title": title,
        "state": "assigned",
        "state_label": "办理中",
        "department": "市人力资源和社会保障局",
        "due_date": "2024-11-30",
        "warning": warning,
    }


def minutes_doc(n_items: int = 3, n_decisions: int = 4, *, text: str = "") -> dict:
    return copy.deepcopy(
        {
            "meeting": HEAD,
            "summary": "会议由市总工会劳动和经济工作部主持，通报了各产业链难点堵点问题办理情况。"
            + text
            + "\n会议认为，助链联动机制运行以来，问题办理效率明显提高。",
            "items": [
                {
                    "order": i,
                    "section": "overdue",
                    "title": f"逾期问题办理情况（第{i}项）{text}",
                    "discussion": "市人社局介绍了高级测试工程师招聘补贴申请的办理进展，表示将于本月底前完成审核。"
                    + text,
                    "issues": [issue_row(i, title="软件企业高级测试工程师招聘困难" + text)],
                }
                for i in range(1, n_items + 1)
            ],
            "decisions": [
                {
                    "number": i,
                    "text": f"由市人社局牵头，会同市工信局优化软件企业人才补贴申请流程（第{i}条）。{text}",
                    "department": "市人力资源和社会保障局",
                    "due_date": "2024-12-31",
                    "issue_number": f"2024-{i:04d}",
                }
                for i in range(1, n_decisions + 1)
            ],
            "attendance": {
                "present": [
                    {"name": n, "organisation": o}
                    for n, o in [
                        ("王芳", "市总工会劳动和经济工作部"),
                        ("张敏", "软件产业链"),
                        ("李强", "市人社局"),
                        ("陈静", "人工智能产业链"),
                        ("孙伟", "汽车制造产业链"),
                        ("马军", "市住房保障局"),
                    ]
                ],
                "absent": [{"name": "赵磊", "organisation": "市工信局", "note": "因公出差"}],
                "observer": [{"name": "刘建国", "organisation": "市总工会"}],
            },
            "approved_at": "2024-11-25T10:00:00+08:00",
            "fingerprint": "8fc6df8532ef",
        }
    )


def agenda_doc(*, text: str = "") -> dict:
    return copy.deepcopy(
        {
            "meeting": HEAD,
            "items": [
                {
                    "order": 1,
                    "section": "follow_up",
                    "title": "上次会议议定事项落实情况",
                    "notes": "",
                    "issues": [],
                    "report": None,
                    "decisions": [
                        {
                            "id": 1,
                            "number": 1,
                            "text": "由市住房保障局落实人才公寓配租。" + text,
                            "department": "市住房保障和房地产管理局",
                            "due_date": "2024-10-31",
                            "issue": None,
                            "status": "due_passed",
                            "status_label": "已过完成时限",
                        }
                    ],
                },
                {
                    "order": 2,
                    "section": "new",
                    "title": "新提出的问题",
                    "notes": "请秘书处介绍问题情况。",
                    "issues": [
                        issue_row(11, title="人工智能企业算力补贴申报渠道不畅" + text, warning=None)
                    ],
                    "report": None,
                },
                {
                    "order": 3,
                    "section": "overdue",
                    "title": "逾期未办结的问题",
                    "notes": "",
                    "issues": [
                        issue_row(7, warning="red"),
                        issue_row(8, title="汽车零部件企业技工培训场地不足", warning="yellow"),
                    ],
                    "report": None,
                },
                {
                    "order": 4,
                    "section": "awaiting_verification",
                    "title": "待联络员核实的问题",
                    "notes": "",
                    "issues": [],
                    "report": None,
                },
            ],
        }
    )


# --- PDF inspection --------------------------------------------------------------------


def _tool(name: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(
            [name, *args, f.name, *(["-"] if name == "pdftotext" else [])],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text as drawn (``-raw``: table cells in reading order), or as laid out on the page."""
    return _tool("pdftotext", pdf, "-layout" if layout else "-raw")


def flat_text(pdf: bytes) -> str:
    """The text without any whitespace: line breaks fall anywhere in Chinese text."""
    return re.sub(r"\s+", "", pdf_text(pdf))


def pdf_fonts(pdf: bytes) -> list[dict]:
    lines = _tool("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name ... emb sub uni objnum gen: the three yes/no columns are 5th..3rd from the end
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return fonts


def pdf_info(pdf: bytes) -> dict[str, str]:
    out = {}
    for line in _tool("pdfinfo", pdf).splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


def open_pdf(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def page_text(pdf: bytes) -> list[str]:
    return pdf_text(pdf, layout=True).split("\f")


def to_png(pdf: bytes, out_dir: Path, *, dpi: int = 60) -> list[Path]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", f.name, str(out_dir / "page")], check=True
        )
    return sorted(out_dir.glob("page*.png"))


# --- a year of issues, written directly (tests of the figures, not of the state machine) ------


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BEIJING)


def make_year_of_issues(
    year: int, count: int, *, seed: int = 7, today: date | None = None
) -> list[Issue]:
    """`count` issues raised across `year` in every state, with varied dates, departments,
    measures and satisfaction; dates are written directly as history would have left them."""
    rng = random.Random(seed)
    officer = User.objects.get_or_create(
        username="printing-raiser", defaults={"role": User.Role.OFFICER, "name": "张敏"}
    )[0]
    chains = list(IndustryChain.objects.all())
    departments = list(Department.objects.all())
    measures = list(Measure.objects.all()) + [None]
    category = IssueCategory.objects.first()
    last_day = min(date(year, 12, 31), (today or date(year, 12, 31)) - timedelta(days=1))
    span = (last_day - date(year, 1, 1)).days
    issues = []
    for n in range(count):
        raised_on = date(year, 1, 1) + timedelta(days=rng.randint(0, max(span, 0)))
        issue = Issue(
            title=f"测试问题{n}",
            description="描述",
            chain=rng.choice(chains),
            category=category,
            measure=rng.choice(measures),
            raised_by=officer,
            raised_at=at(raised_on, rng.randint(8, 18)),
        )
        issue.save()
        state = rng.choice(
            [
                State.RAISED,
                State.ASSIGNED,
                State.ASSIGNED,
                State.RESOLVED,
                State.VERIFIED,
                State.VERIFIED,
                State.WITHDRAWN,
            ]
        )
        changes: dict = {"state": state, "reopen_count": rng.choice([0, 0, 0, 1, 2])}
        if state in (State.ASSIGNED, State.RESOLVED, State.VERIFIED):
            assigned_on = raised_on + timedelta(days=rng.randint(0, 5))
            changes |= {
                "department": rng.choice(departments),
                "first_assigned_at": at(assigned_on, 9),
                "due_date": assigned_on + timedelta(days=rng.randint(5, 40)),
            }
        if state in (State.RESOLVED, State.VERIFIED):
            # resolved at late evening Beijing time: the date must be taken in Beijing, not UTC
            changes |= {
                "resolution": "已解决",
                "outcome": "solved",
                "resolved_at": at(assigned_on + timedelta(days=rng.randint(1, 60)), 23),
            }
        if state == State.VERIFIED:
            changes |= {
                "satisfaction": rng.choice(["satisfied", "satisfied", "basically_satisfied"]),
                "verified_at": changes["resolved_at"] + timedelta(days=2),
            }
        if state == State.WITHDRAWN:
            changes["closed_at"] = at(raised_on, 20)
        Issue.objects.filter(pk=issue.pk).update(**changes)
        issues.append(issue)
    return list(Issue.objects.filter(pk__in=[i.pk for i in issues]))


def bbox_lines(pdf: bytes) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, the lines of text as (xMin, yMin, xMax, yMax, text) in points from the top
    left corner of the page (``pdftotext -bbox-layout``)."""
    pages = []
    for page in _tool("pdftotext", pdf, "-bbox-layout").split("<page ")[1:]:
        lines = []
        for m in re.finditer(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
            page,
            re.S,
        ):
            text = "".join(re.findall(r">([^<]+)</word>", m.group(5)))
            lines.append((*map(float, m.groups()[:4]), text))
        pages.append(lines)
    return pages
