"""`send_reminders` issues the automatic 催办 and 督办 by the working-day calendar, once per
overdue spell, across the 2026 National Day holiday (国庆节 10-01 … 10-07, 10-10 worked)."""

from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from issues import notices
from issues.models import Issue, SupervisionNotice
from issues.services import perform_transition
from notifications import notify
from organisation import calendar
from tests.notices.conftest import at, handled

pytestmark = pytest.mark.django_db

DUE = date(2026, 9, 30)  # a Wednesday, the eve of 国庆节
URGE_DAY = date(2026, 10, 8)  # the first working day after it
SUPERVISE_DAY = date(2026, 10, 14)  # 10-09, 10-10 (调休), 10-12, 10-13, 10-14: five more


def run(day: date) -> str:
    out = StringIO()
    with at(day, hour=8):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def numbers(issue: Issue | None = None) -> list[str]:
    rows = SupervisionNotice.objects.order_by("issued_at", "pk")
    if issue is not None:
        rows = rows.filter(issue=issue)
    return [n.number for n in rows]


def overdue_issue(officer, clerk, due: date = DUE, title: str = "高级测试工程师招聘难") -> Issue:
    return handled(officer, clerk, on=date(2026, 9, 14), due=due, title=title)


def test_urge_on_the_first_working_day_after_the_due_date(software_officer, secretariat):
    issue = overdue_issue(software_officer, secretariat)
    for holiday in (date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 7)):
        run(holiday)
        assert numbers() == [], holiday  # overdue, but no working day has passed yet
    assert "notices: 1" in run(URGE_DAY)
    notice = SupervisionNotice.objects.get()
    assert (notice.kind, notice.automatic, notice.overdue_since) == ("urge", True, DUE)
    assert notice.issued_by is None and notice.department.code == "hrss"
    assert notice.reply_by == date(2026, 10, 12)  # 10-09, 10-10 (调休), 10-12
    assert "已超期1个工作日" in notice.text
    row = issue.history.order_by("-history_date", "-history_id").first()
    assert (row.transition, row.history_user) == ("notice", None)
    assert notice.number in row.history_change_reason


def test_twice_the_same_day_issues_nothing_new(software_officer, secretariat):
    overdue_issue(software_officer, secretariat)
    run(URGE_DAY)
    assert "notices: 0" in run(URGE_DAY)
    run(date(2026, 10, 9))  # the next day: still the same spell, no second 催办
    assert numbers() == ["催办〔2026〕1号"]


def test_supervise_when_still_overdue_five_working_days_later(software_officer, secretariat):
    issue = overdue_issue(software_officer, secretariat)
    run(URGE_DAY)
    run(date(2026, 10, 13))  # four working days after the 催办 day
    assert numbers() == ["催办〔2026〕1号"]
    run(SUPERVISE_DAY)
    run(SUPERVISE_DAY)
    run(date(2026, 10, 20))
    assert numbers(issue) == ["催办〔2026〕1号", "督办〔2026〕1号"]
    supervise = SupervisionNotice.objects.get(kind="supervise")
    assert supervise.overdue_since == DUE and "已超期" not in supervise.text
    assert "经催办仍超期6个工作日" in supervise.text


@override_settings(LIAISON_SUPERVISE_AFTER=2)
def test_supervise_after_follows_the_setting(software_officer, secretariat):
    overdue_issue(software_officer, secretariat)
    run(URGE_DAY)
    run(date(2026, 10, 10))  # 10-09, 10-10: two working days after the 催办 day
    assert numbers() == ["催办〔2026〕1号", "督办〔2026〕1号"]


def test_a_late_first_run_issues_both(software_officer, secretariat):
    overdue_issue(software_officer, secretariat)
    run(SUPERVISE_DAY)
    assert sorted(numbers()) == ["催办〔2026〕1号", "督办〔2026〕1号"]


def test_a_new_due_date_is_a_new_spell(software_officer, secretariat, hrss_staff):
    issue = overdue_issue(software_officer, secretariat)
    run(URGE_DAY)
    with at(URGE_DAY, hour=15):
        perform_transition(
            issue, "reassign", secretariat, due_date=date(2026, 10, 16), reason="延期"
        )
    run(date(2026, 10, 16))  # due today: not overdue
    assert numbers() == ["催办〔2026〕1号"]
    run(date(2026, 10, 19))  # the first working day after the new due date
    assert numbers() == ["催办〔2026〕1号", "催办〔2026〕2号"]
    assert SupervisionNotice.objects.last().overdue_since == date(2026, 10, 16)


def test_a_notice_by_hand_in_the_spell_stands_for_the_automatic_one(software_officer, secretariat):
    issue = overdue_issue(software_officer, secretariat)
    with at(URGE_DAY, hour=7):
        notices.issue_notice(
            issue, secretariat, kind="urge", text="请抓紧。", reply_by=date(2026, 10, 12)
        )
    run(URGE_DAY)
    assert numbers() == ["催办〔2026〕1号"]
    assert not SupervisionNotice.objects.filter(automatic=True).exists()


def test_resolved_issues_get_none(software_officer, secretariat, hrss_staff):
    issue = overdue_issue(software_officer, secretariat)
    with at(date(2026, 9, 29)):
        accepted = perform_transition(issue, "accept", hrss_staff)
        perform_transition(accepted, "resolve", hrss_staff, resolution="已解决")
    run(SUPERVISE_DAY)
    assert numbers() == []


def test_numbers_follow_on_from_notices_by_hand(software_officer, secretariat):
    first = overdue_issue(software_officer, secretariat)
    with at(date(2026, 9, 20)):
        notices.issue_notice(
            first, secretariat, kind="urge", text="请抓紧。", reply_by=date(2026, 9, 24)
        )
    overdue_issue(software_officer, secretariat, title="第二个问题")
    overdue_issue(software_officer, secretariat, title="第三个问题")
    run(URGE_DAY)
    assert sorted(numbers()) == [f"催办〔2026〕{n}号" for n in (1, 2, 3, 4)]


def count_queries(day: date) -> int:
    """The queries of issuing the notices themselves. Their notifications are written in the
    same transaction (one in-app row and delivery per notice, `notifications.receivers`), so
    they are muted here: what must not grow with the issues is finding and numbering them."""
    calendar.clear_cache()  # the calendar read once per count, as in a fresh process
    with at(day, hour=8), notify.muted(), CaptureQueriesContext(connection) as queries:
        notices.issue_automatic()
    return len(queries)


def test_the_query_count_does_not_grow_with_the_issues(software_officer, secretariat):
    for n in range(2):
        overdue_issue(software_officer, secretariat, title=f"问题{n}")
    few = count_queries(SUPERVISE_DAY)
    assert SupervisionNotice.objects.count() == 4
    for n in range(8):
        overdue_issue(software_officer, secretariat, due=date(2026, 9, 29), title=f"更多{n}")
    many = count_queries(SUPERVISE_DAY)
    assert SupervisionNotice.objects.count() == 4 + 16
    assert many == few
    assert count_queries(SUPERVISE_DAY) <= 3  # nothing to issue: the calendar, two look-ups


def test_issued_in_the_same_transaction_as_the_reminders(software_officer, secretariat):
    """A failure later in send_reminders leaves no notice behind (all or nothing)."""
    overdue_issue(software_officer, secretariat)
    with (
        at(URGE_DAY, hour=8),
        pytest.raises(RuntimeError),
        mock.patch("notifications.reminders._to_secretariat", side_effect=RuntimeError),
    ):
        call_command("send_reminders", stdout=StringIO())
    assert numbers() == []
    assert Issue.objects.get().history.filter(transition="notice").count() == 0
