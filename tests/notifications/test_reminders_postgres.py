"""Two `send_reminders` runs at once (cron and someone by hand, or two hosts): nothing doubled —
one claim per issue, kind and day, one digest per person, each notice once (PostgreSQL: concurrent
connections and real row locks; SQLite serialises writers on the whole file)."""

import threading
from datetime import date

from issues.models import SupervisionNotice
from notifications import reminders
from notifications.models import Delivery, Notification, Reminder
from tests.issues_api.racing import POSTGRES_ONLY
from tests.notices.conftest import at, handled
from tests.notices.test_numbering_postgres import in_threads

pytestmark = POSTGRES_ONLY


def test_two_runs_at_once_double_nothing(software_officer, secretariat, hrss_staff, monkeypatch):
    # None of them signed for (签收) either: each is also 超时未签收 on 10-08.
    for n in range(3):
        handled(software_officer, secretariat, on=date(2026, 9, 14), due=date(2026, 9, 30))
        handled(
            software_officer,
            secretariat,
            on=date(2026, 9, 14),
            due=date(2026, 10, 12),
            title=f"将到期{n}",
        )
    Notification.objects.all().delete()
    Delivery.objects.all().delete()

    # Both runs start together: each waits for the other before its first query.
    barrier = threading.Barrier(2)
    real = reminders.issue_automatic

    def together(on):
        barrier.wait(timeout=20)
        return real(on)

    monkeypatch.setattr(reminders, "issue_automatic", together)

    def run():
        with at(date(2026, 10, 8), hour=8):
            result = reminders.send_reminders()
        return (result.overdue, result.due_soon, result.unacknowledged, len(result.notices))

    results = in_threads([run, run])
    assert sorted(results) == [(0, 0, 0, 0), (3, 3, 6, 3)]
    assert Reminder.objects.filter(kind="unacknowledged").count() == 6
    assert Reminder.objects.count() == 12
    assert sorted(SupervisionNotice.objects.values_list("sequence", flat=True)) == [1, 2, 3]
    # 李强: one digest and the three 催办; 王芳: one summary.
    assert Notification.objects.filter(recipient=hrss_staff, kind="overdue").count() == 1
    assert Notification.objects.filter(recipient=hrss_staff, kind="notice").count() == 3
    assert Notification.objects.filter(recipient=secretariat).count() == 1
    # One e-mail of the digest and one of the notices for 李强, one summary for 王芳.
    assert Delivery.objects.filter(channel="email").count() == 3
