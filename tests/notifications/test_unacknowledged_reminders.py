"""`send_reminders` warns of 超时未签收: an issue assigned and not signed for (签收) within
`LIAISON_ACCEPT_DAYS` working days of its assignment (`issues.deadlines`). The lead
department's staff, who can sign, and the secretariat, who chases it, hear of it once a day,
in the day's digest; nobody else does, and nothing is said of an issue signed for."""

from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings

from issues.services import perform_transition
from notifications import reminders
from notifications.digest import set_daily_digest
from notifications.models import Notification, Reminder
from organisation.models import Department
from tests.issue_helpers import file_issue
from tests.notices.conftest import at, handled

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 9, 14)  # 签收 by Tuesday 09-15: late from Wednesday 09-16
LATER = date(2026, 10, 30)  # a due date that is neither near nor past in these runs
KINDS = ["overdue", "unacknowledged", "due_soon"]


def run(day: date) -> str:
    """The command at 08:00 on `day`; its e-mail tasks run when it commits, as in production."""
    out = StringIO()
    with at(day, hour=8), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def warnings_of(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind__in=KINDS).order_by("pk"))


def mailed() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def test_the_lead_department_and_the_secretariat_are_told(
    software_officer, secretariat, hrss_staff, housing_staff, leader
):
    # 市住房局 co-handles (协办): it cannot sign, so it is not told; nor are the chain's officer
    # and the leaders, who see the issue in red on their lists.
    with at(MONDAY):
        issue = perform_transition(
            file_issue(software_officer, title="高级测试工程师招聘难"),
            "assign",
            secretariat,
            department=Department.objects.get(code="hrss"),
            co_departments=[Department.objects.get(code="housing")],
            due_date=LATER,
        )
    Notification.objects.all().delete()
    mail.outbox.clear()

    assert "unacknowledged: 1" in run(date(2026, 9, 16))
    (digest,) = warnings_of(hrss_staff)
    assert digest.kind == "unacknowledged" and digest.get_kind_display() == "超时未签收"
    assert (
        digest.text == "2026年9月16日办理时限提醒：已超期0项，超时未签收1项，3个工作日内到期0项。"
    )
    assert digest.items == [
        {
            "text": f"问题 {issue.number}「高级测试工程师招聘难」超时未签收（2026年9月14日交办，"
            "签收时限2026年9月15日，承办部门：市人力资源和社会保障局）。",
            "url": f"/issues/{issue.pk}/",
        }
    ]
    # One issue: the digest opens it, where 李强 signs.
    assert digest.url == f"/issues/{issue.pk}/" and digest.issue_id == issue.pk
    (summary,) = warnings_of(secretariat)
    assert summary.text == digest.text and summary.items == digest.items
    assert summary.url == "/issues/?unacknowledged=true"
    for nobody in (housing_staff, software_officer, leader):
        assert warnings_of(nobody) == []
    assert mailed() == ["li@example.gov.cn", "wang@example.gov.cn"]
    (letter,) = [m for m in mail.outbox if m.to == ["li@example.gov.cn"]]
    assert issue.number in letter.body and "超时未签收" in letter.body
    assert Reminder.objects.get().recipients == 1  # 李强: the staff of the lead department


def test_after_a_reassign_the_new_lead_is_told_after_its_own_window(
    software_officer, secretariat, hrss_staff, housing_staff
):
    issue = handled(software_officer, secretariat, on=MONDAY, due=LATER)
    with at(date(2026, 9, 16)):
        perform_transition(
            issue,
            "reassign",
            secretariat,
            department=Department.objects.get(code="housing"),
            reason="属住房保障事项",
        )
    Notification.objects.all().delete()

    # 马军 may sign until Thursday 09-17: nobody is warned that day, neither is 李强 after.
    assert "unacknowledged: 0" in run(date(2026, 9, 17))
    assert "unacknowledged: 1" in run(date(2026, 9, 18))
    (digest,) = warnings_of(housing_staff)
    assert "签收时限2026年9月17日，承办部门：市住房保障和房地产管理局" in digest.items[0]["text"]
    assert warnings_of(hrss_staff) == []


def test_nothing_is_said_of_an_issue_signed_for(software_officer, secretariat, hrss_staff):
    on_time = handled(software_officer, secretariat, on=MONDAY, due=LATER, title="按时签收")
    late = handled(software_officer, secretariat, on=MONDAY, due=LATER, title="晚签收")
    with at(date(2026, 9, 15)):
        perform_transition(on_time, "accept", hrss_staff)
    with at(date(2026, 9, 17)):  # after its window: signed late, but signed
        perform_transition(late, "accept", hrss_staff)
    Notification.objects.all().delete()
    mail.outbox.clear()

    assert "unacknowledged: 0" in run(date(2026, 9, 18))
    assert Notification.objects.count() == 0 and mail.outbox == []
    assert not Reminder.objects.exists()


def test_not_before_the_window_ends_in_working_days(software_officer, secretariat, hrss_staff):
    # Assigned on the last working day before 国庆节 (10-01 … 10-07): one working day to sign
    # is Thursday 10-08, so the holiday's days (cron runs on them too) warn of nothing.
    handled(software_officer, secretariat, on=date(2026, 9, 30), due=LATER)
    Notification.objects.all().delete()
    for day in (date(2026, 10, 1), date(2026, 10, 7), date(2026, 10, 8)):
        assert "unacknowledged: 0" in run(day), day
    assert warnings_of(hrss_staff) == []
    assert "unacknowledged: 1" in run(date(2026, 10, 9))
    (digest,) = warnings_of(hrss_staff)
    assert "签收时限2026年10月8日" in digest.items[0]["text"]


@override_settings(LIAISON_ACCEPT_DAYS=2)
def test_the_window_is_liaison_accept_days_working_days(software_officer, secretariat, hrss_staff):
    handled(software_officer, secretariat, on=date(2026, 9, 30), due=LATER)
    Notification.objects.all().delete()
    assert "unacknowledged: 0" in run(date(2026, 10, 9))  # two working days: 10-08, 10-09
    assert "unacknowledged: 1" in run(date(2026, 10, 10))  # 调休: a Saturday that is worked
    assert "签收时限2026年10月9日" in warnings_of(hrss_staff)[0].items[0]["text"]


def test_once_a_day_and_again_the_next_day(software_officer, secretariat, hrss_staff):
    handled(software_officer, secretariat, on=MONDAY, due=LATER)
    Notification.objects.all().delete()
    mail.outbox.clear()

    assert "unacknowledged: 1" in run(date(2026, 9, 16))
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 1
    mail.outbox.clear()
    # Cron ran twice, or someone ran it by hand: nothing new.
    assert "unacknowledged: 0" in run(date(2026, 9, 16))
    assert Notification.objects.count() == 2 and mail.outbox == []
    assert Reminder.objects.count() == 1

    # Still not signed the next day: told again, once.
    assert "unacknowledged: 1" in run(date(2026, 9, 17))
    assert len(warnings_of(hrss_staff)) == 2 and len(mail.outbox) == 2
    assert sorted(Reminder.objects.values_list("on", flat=True)) == [
        date(2026, 9, 16),
        date(2026, 9, 17),
    ]


def test_the_digest_lists_each_kind_in_turn(software_officer, secretariat, hrss_staff):
    """Overdue first, then not signed for, then due soon; an issue overdue that was never
    signed for is in both, as the lists `overdue=true` and `unacknowledged=true` both hold it."""
    never = handled(
        software_officer, secretariat, on=MONDAY, due=date(2026, 9, 30), title="从未签收"
    )
    overdue = handled(
        software_officer,
        secretariat,
        on=MONDAY,
        due=date(2026, 9, 30),
        staff=hrss_staff,
        title="超期",
    )
    soon = handled(
        software_officer,
        secretariat,
        on=MONDAY,
        due=date(2026, 10, 12),
        staff=hrss_staff,
        title="将到期",
    )
    waiting = handled(
        software_officer, secretariat, on=date(2026, 9, 22), due=LATER, title="待签收"
    )
    Notification.objects.all().delete()

    run(date(2026, 10, 8))
    (digest,) = warnings_of(hrss_staff)
    assert digest.kind == "overdue"
    assert "已超期2项，超时未签收2项，3个工作日内到期1项" in digest.text
    assert [item["url"] for item in digest.items] == [
        f"/issues/{i.pk}/" for i in (never, overdue, never, waiting, soon)
    ]
    texts = [item["text"] for item in digest.items]
    assert "已超期1个工作日" in texts[0] and "已超期1个工作日" in texts[1]
    assert "超时未签收（2026年9月14日交办" in texts[2]
    assert "超时未签收（2026年9月22日交办，签收时限2026年9月23日" in texts[3]
    assert "将于3个工作日后到期" in texts[4]
    (summary,) = warnings_of(secretariat)
    assert summary.items == digest.items


def test_a_long_digest_of_unsigned_issues_links_to_their_list(
    software_officer, secretariat, hrss_staff
):
    for n in range(3):
        handled(software_officer, secretariat, on=MONDAY, due=LATER, title=f"待签收{n}")
    Notification.objects.all().delete()
    with mock.patch.object(reminders, "LISTED", 2):
        run(date(2026, 9, 16))
    (digest,) = warnings_of(hrss_staff)
    assert digest.kind == "unacknowledged" and len(digest.items) == 3
    assert digest.items[-1] == {
        "text": "另有超时未签收1项，查看全部",
        "url": "/issues/?department=hrss&unacknowledged=true",
    }
    assert digest.url == "/issues/?department=hrss&unacknowledged=true"


def test_the_notification_list_and_the_api_show_it(
    client, api, software_officer, secretariat, hrss_staff
):
    issue = handled(software_officer, secretariat, on=MONDAY, due=LATER)
    run(date(2026, 9, 16))
    (digest,) = warnings_of(hrss_staff)
    client.force_login(hrss_staff)
    page = client.get("/notifications/").content.decode()
    assert "超时未签收" in page and f'href="/issues/{issue.pk}/"' in page
    results = api.as_user(hrss_staff).get("/api/v1/notifications/").json()["results"]
    (mine,) = [r for r in results if r["kind"] == "unacknowledged"]
    assert mine["items"] == digest.items and mine["issue"] == issue.pk
    # The list it links to holds the issue.
    listed = client.get("/issues/?department=hrss&unacknowledged=true").content.decode()
    assert issue.number in listed


@override_settings(LIAISON_REMINDER_DIGEST=False)
def test_per_issue_mode_tells_each_unsigned_issue_apart(software_officer, secretariat, hrss_staff):
    first = handled(software_officer, secretariat, on=MONDAY, due=LATER, title="甲")
    second = handled(software_officer, secretariat, on=MONDAY, due=LATER, title="乙")
    Notification.objects.all().delete()
    mail.outbox.clear()
    run(date(2026, 9, 16))
    mine = Notification.objects.filter(recipient=hrss_staff).order_by("issue_id")
    assert [(n.kind, n.issue_id, n.items) for n in mine] == [
        ("unacknowledged", first.pk, []),
        ("unacknowledged", second.pk, []),
    ]
    assert "「甲」超时未签收" in mine[0].text
    # Still one e-mail a day for the person, listing both.
    assert [m.to for m in mail.outbox].count(["li@example.gov.cn"]) == 1


def test_not_in_the_daily_digest_mail(software_officer, secretariat, hrss_staff):
    """Who chose 每日汇总邮件 had the warning in the reminder mail: the digest leaves it out."""
    with at(date(2026, 9, 13)):
        set_daily_digest(hrss_staff, True)
    handled(software_officer, secretariat, on=MONDAY, due=LATER)
    Notification.objects.filter(recipient=hrss_staff).delete()
    mail.outbox.clear()
    run(date(2026, 9, 16))
    mine = [m for m in mail.outbox if m.to == ["li@example.gov.cn"]]
    assert [m.subject for m in mine] == ["【助链联动】办理时限提醒：1项问题"]
