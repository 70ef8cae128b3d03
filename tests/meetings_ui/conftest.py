"""Meetings web UI: a meeting of the secretariat, an issue to decide on, signed-in clients."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from issues.services import raise_issue
from meetings import services
from organisation.models import IndustryChain, IssueCategory


def at(days: int, hour: int = 14, minute: int = 30) -> datetime:
    """A Beijing time `days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    beijing = timezone.get_current_timezone()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=beijing)


@pytest.fixture
def meeting(secretariat):
    return services.create_meeting(
        secretariat, kind="regular", scheduled_at=at(7), location="市总工会三楼会议室"
    )


@pytest.fixture
def raised_issue(software_officer):
    return raise_issue(
        software_officer,
        chain=IndustryChain.objects.get(code="software"),
        category=IssueCategory.objects.get(code="talent"),
        title="高级测试工程师招聘难，人才补贴申报卡在审核环节",
        description="企业反映人才补贴申报材料提交后两个月无回复。",
    )


@pytest.fixture
def signed_in(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def advance(meeting, user, *, to: str):
    """Take a meeting through its lifecycle up to `to` (agenda_published or held)."""
    services.generate_agenda(meeting, user)
    services.perform_meeting_transition(meeting, "publish_agenda", user)
    meeting.refresh_from_db()
    if to == "held":
        # A meeting is held on its date, never before: mark it held that day.
        with time_machine.travel(meeting.scheduled_at, tick=True):
            services.perform_meeting_transition(meeting, "hold", user)
        meeting.refresh_from_db()
    return meeting


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Approved minutes are stored as files: keep the tests' files out of the project folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
