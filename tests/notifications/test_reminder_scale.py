"""`send_reminders` at any scale: its queries do not grow with the issues, a second run the same
day writes nothing, and each person gets one digest a day listing their issues, with links."""

from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from issues.models import Issue, SupervisionNotice
from issues.services import perform_transition
from notifications import reminders
from notifications.models import Delivery, Notification, Reminder, Webhook
from organisation import calendar
from organisation.models import Department
from tests.issue_helpers import file_issue
from tests.notices.conftest import at, handled

pytestmark = pytest.mark.django_db

REMINDER_KINDS = ["overdue", "unacknowledged", "due_soon"]

ASSIGNED = date(2026, 9, 14)
LATE = date(2026, 9, 30)  # overdue from 10-01; the 催办 is due on 10-08 (after 国庆节)
RUN_DAY = date(2026, 10, 8)
SOON = date(2026, 10, 12)  # due within 3 working days of 10-08 (10-09, 10-10 调休, 10-12)
NOT_YET = date(2026, 10, 30)  # neither due soon nor overdue in these runs


def add_issues(officer, clerk, staff, count: int, *, tag: str, soon: date = SOON) -> None:
    """`count` overdue, `count` due-soon (both signed for by `staff`) and `count` never signed
    for (超时未签收, due later) issues of 市人社局."""
    for n in range(count):
        handled(officer, clerk, on=ASSIGNED, due=LATE, staff=staff, title=f"{tag}超期{n}")
        handled(officer, clerk, on=ASSIGNED, due=soon, staff=staff, title=f"{tag}将到期{n}")
        handled(officer, clerk, on=ASSIGNED, due=NOT_YET, title=f"{tag}未签收{n}")


def run(day: date = RUN_DAY, *, send: bool = False) -> str:
    """The command at 08:00 on `day`; with `send`, its e-mail tasks run once it commits."""
    out = StringIO()
    with at(day, hour=8), TestCase.captureOnCommitCallbacks(execute=send):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def queries_of_a_run(day: date = RUN_DAY) -> int:
    calendar.clear_cache()  # the calendar read once per run, as in a fresh process
    with CaptureQueriesContext(connection) as queries:
        run(day)
    return len(queries)


def written() -> dict:
    return {
        "notifications": Notification.objects.count(),
        "deliveries": Delivery.objects.count(),
        "reminders": Reminder.objects.count(),
        "notices": SupervisionNotice.objects.count(),
        "history": Issue.history.count(),
    }


@pytest.fixture
def hook(db):
    # Created as the admin would (the host is only checked when it is called).
    return Webhook.objects.create(
        name="群机器人", url="http://127.0.0.1:9/hook", format="json", events=["overdue", "notice"]
    )


def test_the_queries_do_not_grow_with_the_issues(
    software_officer, secretariat, hrss_staff, housing_staff, leader, hook
):
    # The same people and departments both times; ten times the issues (and notices) the
    # second. On 10-14 each overdue issue gets its 催办 and its 督办 (a late first run). Sizes
    # within one batch of SQLite's 999 parameters (its bulk inserts split beyond that;
    # PostgreSQL's do not: see scripts/bench_reminders.py for 100,000 issues).
    day, soon = date(2026, 10, 14), date(2026, 10, 16)
    add_issues(software_officer, secretariat, hrss_staff, 1, tag="少", soon=soon)
    first, again = queries_of_a_run(day), queries_of_a_run(day)
    assert SupervisionNotice.objects.count() == 2 and Reminder.objects.count() == 3

    Notification.objects.all().delete()
    Reminder.objects.all().delete()
    SupervisionNotice.objects.all().delete()
    # 10 overdue, 10 due soon, 10 not signed for.
    add_issues(software_officer, secretariat, hrss_staff, 9, tag="多", soon=soon)
    assert queries_of_a_run(day) == first
    assert SupervisionNotice.objects.count() == 20
    kinds = Reminder.objects.values_list("kind", flat=True)
    assert sorted(kinds) == ["due_soon"] * 10 + ["overdue"] * 10 + ["unacknowledged"] * 10
    # One digest for 李强 (hrss) and one summary for 王芳 (the secretariat), plus a notice each.
    (digest, summary) = Notification.objects.filter(kind__in=REMINDER_KINDS).order_by("pk")
    assert "已超期10项，超时未签收10项，3个工作日内到期10项" in digest.text == summary.text
    assert Notification.objects.filter(kind="notice").count() == 20
    assert queries_of_a_run(day) == again
    # Nothing to send: the calendar, the two notice look-ups, the three claims, the digest
    # preferences (send_digests), the look-up of expired kept uploads (issues.pending), and the
    # savepoints of the two transactions: nothing more.
    assert again <= 12


def test_a_second_run_the_same_day_sends_and_creates_nothing(
    software_officer, secretariat, hrss_staff, hook
):
    add_issues(software_officer, secretariat, hrss_staff, 3, tag="")
    assert "overdue: 3, due soon: 3, unacknowledged: 3" in run(send=True)
    before = written()
    assert before["notices"] == 3 and before["reminders"] == 9 and mail.outbox
    mail.outbox.clear()
    assert "overdue: 0, due soon: 0, unacknowledged: 0" in run(send=True)
    assert "notices: 0" in run(send=True)
    assert written() == before and mail.outbox == []


def test_each_person_gets_one_digest_a_day_listing_their_issues(
    client, api, software_officer, secretariat, hrss_staff, housing_staff, leader
):
    add_issues(software_officer, secretariat, hrss_staff, 2, tag="")
    with at(ASSIGNED):
        housing = perform_transition(
            perform_transition(
                file_issue(software_officer, title="公寓排队"),
                "assign",
                secretariat,
                department=Department.objects.get(code="housing"),
                due_date=LATE,
            ),
            "accept",
            housing_staff,
        )
    run(send=True)
    (digest,) = Notification.objects.filter(recipient=hrss_staff, kind__in=REMINDER_KINDS)
    hrss = Issue.objects.filter(department_id=hrss_staff.department_id)
    overdue, soon = hrss.filter(due_date=LATE), hrss.filter(due_date=SOON)
    unsigned = hrss.filter(state="assigned")
    assert (
        digest.kind == "overdue" and "已超期2项，超时未签收2项，3个工作日内到期2项" in digest.text
    )
    # Overdue, then not signed for, then due soon; in each the earliest due first.
    assert [item["url"] for item in digest.items] == [
        f"/issues/{i.pk}/" for group in (overdue, unsigned, soon) for i in group.order_by("pk")
    ]
    assert (
        "已超期1个工作日" in digest.items[0]["text"]
        and "将于3个工作日后到期" in digest.items[5]["text"]
    )
    assert "超时未签收（2026年9月14日交办，签收时限2026年9月15日" in digest.items[2]["text"]
    (other,) = Notification.objects.filter(recipient=housing_staff, kind="overdue")
    assert [item["url"] for item in other.items] == [f"/issues/{housing.pk}/"]
    assert other.url == f"/issues/{housing.pk}/" and other.issue_id == housing.pk
    (summary,) = Notification.objects.filter(recipient=secretariat, kind="overdue")
    assert (
        "已超期3项，超时未签收2项，3个工作日内到期2项" in summary.text and len(summary.items) == 7
    )
    assert not Notification.objects.filter(recipient__in=[leader, software_officer]).exists()

    # Readable in the notification list: the summary, and each issue as a link.
    client.force_login(hrss_staff)
    page = client.get("/notifications/").content.decode()
    assert digest.text in page
    for issue in hrss:
        assert f'href="/issues/{issue.pk}/"' in page and issue.title in page

    # And in the API: the same lines, each with its link.
    results = api.as_user(hrss_staff).get("/api/v1/notifications/").json()["results"]
    (mine,) = [r for r in results if r["kind"] == "overdue"]
    assert mine["items"] == digest.items and mine["issue"] is None

    # One e-mail each, listing the same issues.
    (letter,) = [m for m in mail.outbox if m.to == ["li@example.gov.cn"] and "6项" in m.subject]
    assert all(issue.number in letter.body for issue in hrss)


def test_a_long_digest_lists_the_most_overdue_and_links_to_the_rest(
    software_officer, secretariat, hrss_staff
):
    add_issues(software_officer, secretariat, hrss_staff, 3, tag="")
    with mock.patch.object(reminders, "LISTED", 2):
        run()
    digest = Notification.objects.get(recipient=hrss_staff, kind="overdue")
    assert all("已超期" in item["text"] for item in digest.items[:2])
    # The rest of each kind a tap away: the unsigned ones too, though none could be listed.
    assert digest.items[2:] == [
        {"text": "另有已超期1项，查看全部", "url": "/issues/?department=hrss&overdue=true"},
        {
            "text": "另有超时未签收3项，查看全部",
            "url": "/issues/?department=hrss&unacknowledged=true",
        },
        {"text": "另有即将到期3项，查看全部", "url": "/issues/?department=hrss&warning=yellow"},
    ]
    assert digest.url == "/issues/?department=hrss&overdue=true"
    summary = Notification.objects.get(recipient=secretariat, kind="overdue")
    assert [item["url"] for item in summary.items[2:]] == [
        "/issues/?overdue=true",
        "/issues/?unacknowledged=true",
        "/issues/?warning=yellow",
    ]


def test_a_batch_of_notices_tells_each_person_once(software_officer, secretariat, hrss_staff, hook):
    """A late first run issues a 催办 and a 督办 for each of three issues: each notice is in
    李强's notifications, and one e-mail lists them all; the department's leader gets one
    copy of its three 督办, and the webhook one call."""
    for n in range(3):
        handled(software_officer, secretariat, on=ASSIGNED, due=LATE, title=f"超期{n}")
    Delivery.objects.all().delete()
    mail.outbox.clear()
    out = run(date(2026, 10, 14), send=True)  # five working days after the 催办 day
    assert "notices: 6" in out
    notes = Notification.objects.filter(recipient=hrss_staff, kind="notice")
    assert sorted(n.text.split("：")[1][:2] for n in notes) == ["催办"] * 3 + ["督办"] * 3
    (letter,) = [m for m in mail.outbox if m.to == ["li@example.gov.cn"] and "6份" in m.subject]
    assert all(notice.number in letter.body for notice in SupervisionNotice.objects.all())
    leader = Department.objects.get(code="hrss").leader_email
    (copy,) = [m for m in mail.outbox if m.to == [leader]]
    assert "督办通知3份" in copy.subject and copy.body.count("督办〔2026〕") == 3
    (call,) = Delivery.objects.filter(channel="webhook", event="notice")
    assert "催办、督办通知6份" in call.payload["text"] and len(call.payload["issues"]) == 3
