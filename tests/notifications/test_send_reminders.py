"""`send_reminders`: due within 3 days and overdue, once a day, again the next day.

The issues here are signed for (签收) when assigned: 超时未签收 is test_unacknowledged_reminders."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings

from issues.services import perform_transition
from notifications.models import Notification, Reminder
from tests.issue_helpers import accept, assign, file_issue

BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 8):
    return dt.datetime(2024, 11, day, hour, 0, tzinfo=BEIJING)


def run() -> str:
    out = StringIO()
    # The command's transaction commits as in production: its e-mail tasks run then (the test
    # task backend runs a task when its transaction commits, never inside it).
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def listed(note: Notification) -> str:
    """What a digest lists, one issue a line (as the notification list shows it)."""
    return "\n".join(item["text"] for item in note.items)


def handled(officer, secretariat, staff, *, title: str, department: str = "hrss", days: int):
    """An issue assigned today, due in `days` days, and signed for by `staff` at once."""
    issue = assign(file_issue(officer, title=title), secretariat, department=department, days=days)
    return accept(issue, staff)


@pytest.fixture
def issues(software_officer, secretariat, hrss_staff, housing_staff, leader):
    with time_machine.travel(at(1), tick=False):
        soon = handled(
            software_officer, secretariat, hrss_staff, title="技能培训补贴发放慢", days=12
        )
        late = handled(  # due 6th
            software_officer,
            secretariat,
            housing_staff,
            title="人才公寓申请排队",
            department="housing",
            days=5,
        )
        later = handled(software_officer, secretariat, hrss_staff, title="研发用房租金", days=30)
        done = handled(software_officer, secretariat, hrss_staff, title="已办结的问题", days=2)
        perform_transition(done, "resolve", hrss_staff, resolution="已办结")
    Notification.objects.all().delete()
    mail.outbox.clear()
    return {"soon": soon, "late": late, "later": later}


def test_reminders_go_out_once_a_day_and_again_the_next_day(
    issues, hrss_staff, housing_staff, secretariat
):
    with time_machine.travel(at(10), tick=False):
        out = run()
        assert "overdue: 1, due soon: 1" in out
        # hrss: the issue due on the 13th; housing: the one overdue since the 6th. Each in
        # the day's digest, which lists the issue (one issue: the digest links to it).
        hrss = Notification.objects.get(recipient=hrss_staff)
        assert (
            hrss.kind == "due_soon"
            and "3个工作日后到期" in listed(hrss)
            and hrss.issue_id == issues["soon"].pk
        )
        # housing also gets the automatic 催办 of its overdue issue (issues.notices), apart.
        housing = Notification.objects.get(recipient=housing_staff, kind="overdue")
        assert "已超期2个工作日" in listed(housing)
        assert Notification.objects.filter(recipient=housing_staff, kind="notice").count() == 1
        summary = Notification.objects.get(recipient=secretariat)
        assert "已超期1项，超时未签收0项，3个工作日内到期1项" in summary.text
        assert sorted(m.to[0] for m in mail.outbox) == [
            "li@example.gov.cn",
            "ma@example.gov.cn",
            "ma@example.gov.cn",  # the 催办 notice
            "wang@example.gov.cn",
        ]
        assert Reminder.objects.count() == 2

        # Twice the same day (cron ran twice, or someone ran it by hand): nothing new.
        mail.outbox.clear()
        assert "overdue: 0, due soon: 0" in run()
        assert Notification.objects.count() == 4 and mail.outbox == []

    with time_machine.travel(at(11, 9), tick=False):
        run()
        assert Notification.objects.filter(recipient=hrss_staff).count() == 2
        latest = Notification.objects.filter(recipient=housing_staff, kind="overdue").first()
        assert "已超期3个工作日" in listed(latest)
        assert len(mail.outbox) == 3
        assert Reminder.objects.count() == 4


def test_leaders_and_officers_get_no_reminders(issues, leader, software_officer):
    with time_machine.travel(at(10), tick=False):
        run()
    assert not Notification.objects.filter(recipient__in=[leader, software_officer]).exists()


def test_due_today_is_due_soon_and_yesterday_is_overdue(issues, hrss_staff):
    with time_machine.travel(at(13), tick=False):
        run()
        assert "今天到期" in listed(Notification.objects.get(recipient=hrss_staff))
    with time_machine.travel(at(14), tick=False):
        run()
        assert "已超期1个工作日" in listed(
            Notification.objects.get(recipient=hrss_staff, kind="overdue")
        )


def test_the_digest_mail_lists_every_issue_of_the_department(
    issues, software_officer, secretariat, hrss_staff
):
    with time_machine.travel(at(1), tick=False):
        handled(software_officer, secretariat, hrss_staff, title="社保转移接续", days=10)
    mail.outbox.clear()
    with time_machine.travel(at(10), tick=False):
        run()
    (digest,) = [m for m in mail.outbox if m.to == ["li@example.gov.cn"]]
    assert "2项" in digest.subject
    assert "技能培训补贴发放慢" in digest.body and "社保转移接续" in digest.body


def test_nothing_due_sends_nothing(db, secretariat):
    assert "overdue: 0, due soon: 0" in run()
    assert Notification.objects.count() == 0 and mail.outbox == []


@override_settings(LIAISON_REMINDER_DIGEST=False)
def test_per_issue_mode_tells_each_issue_apart(issues, software_officer, secretariat, hrss_staff):
    with time_machine.travel(at(1), tick=False):
        second = handled(software_officer, secretariat, hrss_staff, title="社保转移接续", days=10)
    Notification.objects.all().delete()
    mail.outbox.clear()
    with time_machine.travel(at(10), tick=False):
        run()
        mine = Notification.objects.filter(recipient=hrss_staff).order_by("issue_id")
        assert [(n.kind, n.issue_id, n.items) for n in mine] == [
            ("due_soon", issues["soon"].pk, []),
            ("due_soon", second.pk, []),
        ]
        assert "3个工作日后到期" in mine[0].text and "社保转移接续" in mine[1].text
        # Still one e-mail a day for the person, listing both.
        assert [m.to for m in mail.outbox].count(["li@example.gov.cn"]) == 1
        mail.outbox.clear()
        run()
        assert Notification.objects.filter(recipient=hrss_staff).count() == 2
        assert mail.outbox == []
