"""Helpers for meeting tests: issues put into a given state on given dates, and meetings."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from issues.models import Issue, State
from meetings.models import Kind, Meeting, MeetingState
from organisation.models import Department, IndustryChain, IssueCategory, User

BEIJING = ZoneInfo("Asia/Shanghai")
FAKE_PDF = b"%PDF-1.7 fake minutes\n%%EOF"


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BEIJING)


def make_issue(
    title="招聘高级测试工程师困难",
    *,
    state=State.RAISED,
    raised_on=None,
    department="hrss",
    due_date=None,
    verified_on=None,
    returned=False,
    reopen_count=0,
    chain="software",
    officer=None,
) -> Issue:
    """An issue in `state` with the given dates, written directly (tests of the rules that
    read them, not of the state machine)."""
    raised_on = raised_on or timezone.localdate() - timedelta(days=60)
    if officer is None:
        officer = User.objects.get_or_create(
            username="raiser", defaults={"role": User.Role.OFFICER}
        )[0]
    fields = {
        "title": title,
        "description": title + "，请协调解决。",
        "chain": IndustryChain.objects.get(code=chain),
        "category": IssueCategory.objects.get(code="recruitment"),
        "raised_by": officer,
        "raised_at": at(raised_on),
    }
    issue = Issue(**fields)
    issue.save()
    changes = {"state": state}
    with_department = (State.ASSIGNED, State.ACCEPTED, State.RESOLVED, State.VERIFIED)
    if state in with_department or returned:
        changes["first_assigned_at"] = at(raised_on + timedelta(days=1))
    if state in with_department:
        changes["department"] = Department.objects.get(code=department)
        changes["due_date"] = due_date or raised_on + timedelta(days=30)
    if state == State.ACCEPTED:
        changes["accepted_at"] = at(raised_on + timedelta(days=2))
    if state in (State.RESOLVED, State.VERIFIED):
        changes["resolution"] = "已协调解决。"
        changes["outcome"] = "solved"
        changes["resolved_at"] = at(raised_on + timedelta(days=10))
    if state == State.VERIFIED:
        changes["satisfaction"] = "satisfied"
        changes["verified_at"] = at(verified_on or raised_on + timedelta(days=12))
    if returned:
        changes["return_count"] = 1
    changes["reopen_count"] = reopen_count
    Issue.objects.filter(pk=issue.pk).update(**changes)  # the rules read dates, not history
    return Issue.objects.get(pk=issue.pk)


def make_meeting(day: date, *, kind=Kind.REGULAR, state=MeetingState.PLANNED, **extra) -> Meeting:
    meeting = Meeting.objects.create(
        kind=kind, scheduled_at=at(day, 14), location="市总工会三楼会议室", **extra
    )
    if state != MeetingState.PLANNED:
        Meeting.objects.filter(pk=meeting.pk).update(state=state)
        meeting = Meeting.objects.get(pk=meeting.pk)
    return meeting


@pytest.fixture
def officer(software_officer):
    return software_officer


@pytest.fixture(autouse=True)
def _fast_pdf(request, monkeypatch, settings, tmp_path):
    """Most tests need a stored PDF, not a real rendering (one test renders for real)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if "real_pdf" in request.fixturenames:
        return
    monkeypatch.setattr("meetings.services.render_minutes_pdf", lambda document: FAKE_PDF)


@pytest.fixture
def real_pdf():
    """Ask for this to render minutes with the real printing module."""
