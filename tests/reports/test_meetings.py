"""Agenda published → the participants are told; the decisions ledger of a year."""

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from issues.models import today
from meetings.models import AgendaItem, Decision, Meeting, Minutes
from meetings.signals import agenda_published
from notifications.models import Notification
from organisation.models import Department
from tests.issue_helpers import assign, file_issue

BEIJING = ZoneInfo("Asia/Shanghai")


def meeting_with_agenda(issue):
    meeting = Meeting.objects.create(
        kind="regular",
        location="市总工会三楼会议室",
        scheduled_at=timezone.now() + dt.timedelta(days=7),
    )
    AgendaItem.objects.create(
        meeting=meeting,
        order=1,
        section="overdue",
        title="超期问题",
        issues=[
            {
                "id": issue.pk,
                "number": issue.number,
                "title": issue.title,
                "state": issue.state,
                "department": "市人社局",
                "due_date": None,
            }
        ],
    )
    return meeting


@pytest.mark.django_db(transaction=True)
def test_agenda_published_tells_the_participants(personas):
    issue = assign(file_issue(personas["software_officer"]), personas["secretariat"])
    Notification.objects.all().delete()
    mail.outbox.clear()
    meeting = meeting_with_agenda(issue)
    agenda_published.send(sender=Meeting, meeting=meeting)
    told = set(
        Notification.objects.filter(kind="agenda_published").values_list(
            "recipient__username", flat=True
        )
    )
    # Every officer, hrss (its issue is on the agenda), the secretariat and the leader;
    # not housing (nothing of theirs on it) and not the outsider.
    assert told == {"zhang", "chen", "sun", "li", "wang", "liu"}
    note = Notification.objects.get(kind="agenda_published", recipient__username="li")
    assert (
        note.meeting == meeting and meeting.title in note.text and "市总工会三楼会议室" in note.text
    )
    assert note.url == f"/meetings/{meeting.pk}/"
    assert len(mail.outbox) == 6


@pytest.mark.django_db(transaction=True)
def test_the_secretary_who_publishes_is_not_told(personas):
    services = pytest.importorskip("meetings.services")
    secretariat = personas["secretariat"]
    meeting = services.create_meeting(
        secretariat,
        kind="regular",
        location="会议室",
        scheduled_at=timezone.now() + dt.timedelta(days=3),
    )
    services.generate_agenda(meeting, secretariat)
    services.perform_meeting_transition(meeting, "publish_agenda", secretariat)
    told = set(
        Notification.objects.filter(kind="agenda_published").values_list(
            "recipient__username", flat=True
        )
    )
    assert "wang" not in told and {"zhang", "liu"} <= told


def test_decisions_ledger_of_a_year(client, software_officer, secretariat, leader):
    issue = assign(file_issue(software_officer), secretariat)
    held = Meeting.objects.create(
        kind="regular", scheduled_at=dt.datetime(2024, 5, 10, 9, tzinfo=BEIJING)
    )
    minutes = Minutes.objects.create(
        meeting=held,
        summary="会议研究了招聘难问题。",
        approved_at=timezone.now(),
        approved_by=secretariat,
    )
    hrss = Department.objects.get(code="hrss")
    Decision.objects.create(
        minutes=minutes,
        order=1,
        text="由市人社局牵头，11月30日前办结",
        department=hrss,
        due_date=dt.date(2024, 11, 30),
        issue=issue,
    )
    Decision.objects.create(
        minutes=minutes, order=2, text="秘书处汇总各链用工需求", due_date=dt.date(2024, 6, 1)
    )
    draft = Meeting.objects.create(
        kind="regular", scheduled_at=dt.datetime(2024, 9, 10, 9, tzinfo=BEIJING)
    )
    Decision.objects.create(
        minutes=Minutes.objects.create(meeting=draft), order=1, text="草稿中的事项"
    )
    other_year = Meeting.objects.create(
        kind="regular", scheduled_at=dt.datetime(2023, 5, 10, 9, tzinfo=BEIJING)
    )
    Decision.objects.create(
        minutes=Minutes.objects.create(meeting=other_year, approved_at=timezone.now()),
        order=1,
        text="上一年度事项",
    )

    client.force_login(leader)
    response = client.get("/meetings/decisions/2024.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("会议", "会议日期", "序号", "议定事项")
    assert sheet.freeze_panes == "A2"
    assert [r[3] for r in rows[1:]] == ["由市人社局牵头，11月30日前办结", "秘书处汇总各链用工需求"]
    first, second = rows[1], rows[2]
    assert first[0] == held.title and first[1].date() == dt.date(2024, 5, 10)
    assert (
        first[4] == "市人力资源和社会保障局" and first[6] == issue.number and first[8] == "待签收"
    )
    assert second[8] == ("已过时限" if dt.date(2024, 6, 1) < today() else "未到时限")
    assert client.get("/meetings/decisions/2024.xlsx").status_code == 200
    client.logout()
    assert client.get("/meetings/decisions/2024.xlsx").status_code == 302
