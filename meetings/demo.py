"""Demo meetings for `seed_demo`: a year of regular meetings (about every two months) with
attendance, minutes and decisions on the demo issues, approved through the services; the
annual joint meeting; and the next regular meeting, planned with its agenda generated.

Past meetings are run through the real services with the clock set to their dates, so the
decisions act on the issues as they would have on the day (an assignment's due date may not
be in the past *on the day of approval*) and every history row carries its day.
Idempotent: does nothing when any meeting exists.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from issues.models import Issue, State
from meetings import services
from meetings.decisions import perform_decision_transition
from meetings.models import AttendanceStatus, Decision, Kind, Meeting
from organisation.calendar import is_working_day
from organisation.models import Department

LOCATIONS = [
    "市总工会三楼第一会议室",
    "市人力资源和社会保障局五楼会议室",
    "郑州软件园会议中心二号厅",
    "市总工会三楼第二会议室",
    "郑州航空港区管委会会议室",
    "市工业和信息化局八楼会议室",
]
ABSENCE_REASONS = ["因公出差", "参加企业专题调研", "参加省总工会培训", "参加市政府专题会议"]
OBSERVERS = [
    ("杨帆", "河南某软件科技有限公司人力资源部"),
    ("何静", "郑州某汽车零部件有限公司工会"),
    ("宋涛", "郑州某智能装备有限公司"),
    ("韩梅", "市总工会法律服务中心"),
]
# Which department a decision gives an issue to, by its category.
DEPARTMENT_FOR_CATEGORY = {
    "recruitment": "hrss",
    "training": "hrss",
    "talent": "sti",
    "housing": "housing",
    "labour-relations": "hrss",
    "rights": "hrss",
    "supply-chain": "miit",
    "finance": "finance",
    "other": "ndrc",
}
# The printed minutes open with the date and place themselves; the summary is the substance.
SUMMARY = (
    "会议由市总工会劳动和经济工作部主持，"
    "听取了各产业链联络员关于本链难点堵点问题的汇报，市直有关职能部门对交办问题的办理情况作了说明。"
    "会议逐项研究了议程所列问题，对{count}项事项作出安排，要求各责任单位按时限办结并向秘书处反馈。"
)
DISCUSSION = {
    "follow_up": "秘书处通报了上次会议议定事项的落实情况，大部分事项已按时办结，个别事项仍在推进。",
    "new": "各联络员介绍了新提出问题的背景和企业诉求，与会部门初步提出了办理意见。",
    "returned": "秘书处说明了退回原因，会议重新明确了责任部门。",
    "overdue": "相关部门说明了超期原因，会议要求压实责任、明确新的办结时限。",
    "awaiting_verification": "请相关联络员尽快回访企业，核实办理效果。",
    "verified_since_last": "会议对已办结问题的办理效果表示肯定，请各部门总结经验做法。",
}


@contextmanager
def clock_at(moment: datetime):
    """Run the services as if it were `moment` (Django's clock; the demo only)."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def seed(accounts, rng, stdout) -> None:
    if Meeting.objects.exists():
        stdout.write("meetings: demo meetings already present, nothing to do")
        return
    clerk = accounts.secretariat
    today = timezone.localdate()
    past = [_weekday(today - timedelta(days=60 * k)) for k in range(6, 0, -1)]
    held = [
        _past_regular(day, LOCATIONS[n % len(LOCATIONS)], accounts, rng, clerk)
        for n, day in enumerate(past)
    ]
    _report_and_close(held, accounts, clerk)

    annual_day = date(today.year, 12, 18)
    if annual_day <= today:
        _past_annual(annual_day, accounts, rng, clerk)
    else:
        annual = services.create_meeting(
            clerk, kind=Kind.ANNUAL, scheduled_at=_at(annual_day, 9), location="市总工会一楼报告厅"
        )
        services.generate_agenda(annual, clerk)

    next_day = _weekday(today + timedelta(days=14))
    upcoming = services.create_meeting(
        clerk, kind=Kind.REGULAR, scheduled_at=_at(next_day, 14, 30), location=LOCATIONS[0]
    )
    services.generate_agenda(upcoming, clerk)
    stdout.write(
        f"meetings: {Meeting.objects.count()} meetings (6 held regular, the annual joint "
        f"meeting, the next regular meeting planned)"
    )


def _past_regular(day: date, location: str, accounts, rng, clerk) -> Meeting:
    with clock_at(_at(day - timedelta(days=10), 10)):
        meeting = services.create_meeting(
            clerk, kind=Kind.REGULAR, scheduled_at=_at(day, 14, 30), location=location
        )
    return _run(meeting, day, accounts, rng, clerk)


def _past_annual(day: date, accounts, rng, clerk) -> Meeting:
    with clock_at(_at(day - timedelta(days=20), 10)):
        meeting = services.create_meeting(
            clerk, kind=Kind.ANNUAL, scheduled_at=_at(day, 9), location="市总工会一楼报告厅"
        )
    return _run(meeting, day, accounts, rng, clerk)


def _run(meeting: Meeting, day: date, accounts, rng, clerk) -> Meeting:
    with clock_at(_at(day - timedelta(days=6), 9)):
        services.generate_agenda(meeting, clerk)
    with clock_at(_at(day - timedelta(days=5), 16)):
        meeting = services.perform_meeting_transition(meeting, "publish_agenda", clerk)
    with clock_at(_at(day, 17)):
        services.set_attendance(meeting, clerk, _attendance(accounts, rng))
        meeting = services.perform_meeting_transition(meeting, "hold", clerk)
        decisions = _decisions(meeting, day, rng)
        services.save_minutes(
            meeting,
            clerk,
            summary=SUMMARY.format(count=len(decisions)),
            items=[
                {"agenda_item": item.pk, "discussion": _discussion(item)}
                for item in meeting.agenda_items.all()
            ],
            decisions=decisions,
        )
    with clock_at(_at(day + timedelta(days=2), 10)):
        meeting = services.approve_minutes(meeting, clerk)
    return meeting


def _report_and_close(held: list[Meeting], accounts, clerk) -> None:
    """销号 of the decisions without an issue (DESIGN "Meetings"): the older meetings' ones
    reported by the department and closed by the secretariat; the one before last reported
    and waiting; the latest one's still open (the follow-up section shows all three)."""
    for n, meeting in enumerate(held):
        reported_on = meeting.scheduled_at + timedelta(days=20)
        for decision in Decision.objects.filter(
            minutes__meeting=meeting, issue__isnull=True, department__isnull=False
        ):
            if n == len(held) - 1 or reported_on >= timezone.now():
                continue
            staff = accounts.staff[decision.department.code]
            with clock_at(reported_on):
                decision = perform_decision_transition(
                    decision, "report", staff, text="已汇总各产业链用工需求和政策诉求，形成专报。"
                )
            if n < len(held) - 2:
                with clock_at(reported_on + timedelta(days=2)):
                    perform_decision_transition(decision, "close", clerk, text="已核实，同意销号。")


def _discussion(item) -> str:
    if item.section == "report":
        return "会议听取了秘书处关于年度难点堵点问题办理情况的通报，各职能部门办结率、满意度情况已印发。"
    if item.section in ("escalated", "open_problems"):
        return "会议逐项研究了存在问题，明确了督导责任部门和办结时限，秘书处将跟踪督办。"
    return DISCUSSION.get(item.section, "与会人员进行了讨论。")


def _attendance(accounts, rng) -> list[dict]:
    rows = [
        {"user": accounts.leader, "organisation": "市总工会"},
        {"user": accounts.secretariat, "organisation": "市总工会劳动和经济工作部"},
    ]
    officers = list(accounts.officers.values())
    absent = set(rng.sample(range(len(officers)), k=rng.randint(0, 2)))
    for n, officer in enumerate(officers):
        if n in absent:
            rows.append(
                {
                    "user": officer,
                    "status": AttendanceStatus.ABSENT,
                    "note": rng.choice(ABSENCE_REASONS),
                }
            )
        else:
            rows.append({"user": officer})
    for staff in accounts.staff.values():
        rows.append({"user": staff})
    for name, organisation in rng.sample(OBSERVERS, k=2):
        rows.append(
            {"name": name, "organisation": organisation, "status": AttendanceStatus.OBSERVER}
        )
    return rows


def _decisions(meeting: Meeting, day: date, rng) -> list[dict]:
    """Two to four decisions on issues of the agenda, and one without an issue."""
    listed = [
        entry["id"]
        for item in meeting.agenda_items.all()
        for entry in item.issues
        if entry["state"] in (State.RAISED, State.ASSIGNED)
    ]
    issues = list(
        Issue.objects.filter(pk__in=listed).select_related("category", "department", "chain")
    )
    rng.shuffle(issues)
    due = day + timedelta(days=30)
    rows = []
    for issue in issues[: rng.randint(2, 4)]:
        department = issue.department or Department.objects.get(
            code=DEPARTMENT_FOR_CATEGORY.get(issue.category.code, "ndrc")
        )
        short = department.short_name or department.name
        deadline = max(due, issue.due_date) if issue.due_date else due
        text = (
            f"“{issue.title}”由{short}牵头，会同{issue.chain.name}产业链联络员研究解决，"
            f"{deadline.month}月{deadline.day}日前办结并向秘书处反馈。"
        )
        rows.append({"text": text, "department": department, "due_date": deadline, "issue": issue})
    rows.append(
        {
            "text": "市人社局牵头汇总各产业链企业用工需求和政策诉求，下次会议通报。",
            "department": Department.objects.get(code="hrss"),
            "due_date": due,
        }
    )
    return rows


def _weekday(day: date) -> date:
    """Move a day off work (a weekend, 国庆, 春节) to the next working day: meetings are held
    on working days (organisation.calendar)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))
