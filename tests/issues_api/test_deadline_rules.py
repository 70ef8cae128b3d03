"""Overdue, warning, days overdue and 督导事项 on a reference date: querysets and issues agree.

The issues are built through the real transitions on their own dates (time_machine), then
every rule is asked on several reference dates, both as a queryset and per issue.
"""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from issues import deadlines
from issues.models import Issue
from issues.services import perform_transition
from organisation.models import Department
from tests.issues_api.helpers import file_issue

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)  # the day the issues are assigned
# The reference date the expectations below are written for: a Monday of the 劳动节 holiday
# (2026-05-01 … 05-05), so that working days and calendar days part ways.
DAY = date(2026, 5, 4)


def _at(day: date):
    return time_machine.travel(timezone.make_aware(datetime.combine(day, time(10))), tick=False)


@pytest.fixture
def issues(personas):
    """Issues named by what they are on DAY."""
    officer, clerk, staff = (
        personas["software_officer"],
        personas["secretariat"],
        personas["hrss_staff"],
    )
    hrss = Department.objects.get(code="hrss")
    due = {  # name → due date, as days from DAY
        "due_in_4": 4,
        "due_in_3": 3,
        "due_today": 0,
        "late_1": -1,
        "late_30": -30,
        "late_31": -31,
        "late_45": -45,
        "late_60": -60,
    }
    made = {}
    with _at(START):
        made["raised"] = file_issue(officer)
        for name, days in due.items():
            made[name] = perform_transition(
                file_issue(officer),
                "assign",
                clerk,
                department=hrss,
                due_date=DAY + timedelta(days=days),
            )
            # Signed for at once: the 签收 window is tested apart (test_workorder.py).
            made[name] = perform_transition(made[name], "accept", staff)
        resolved = perform_transition(
            file_issue(officer), "assign", clerk, department=hrss, due_date=DAY - timedelta(40)
        )
        made["resolved_long_ago_due"] = perform_transition(
            perform_transition(resolved, "accept", staff), "resolve", staff, resolution="已办结"
        )
        twice = perform_transition(
            file_issue(officer), "assign", clerk, department=hrss, due_date=DAY + timedelta(20)
        )
        for _round in range(2):
            twice = perform_transition(
                perform_transition(twice, "accept", staff), "resolve", staff, resolution="已办结"
            )
            twice = perform_transition(twice, "reopen", officer, reason="仍未解决")
        # (Each reopen gives a fresh default time limit; this one is moved on, so that the
        # issue is escalated for its reopens only.)
        made["reopened_twice"] = perform_transition(
            twice, "reassign", clerk, due_date=DAY + timedelta(20)
        )
        verified = perform_transition(
            file_issue(officer), "assign", clerk, department=hrss, due_date=DAY - timedelta(40)
        )
        verified = perform_transition(
            perform_transition(verified, "accept", staff), "resolve", staff, resolution="已办结"
        )
        made["verified"] = perform_transition(verified, "verify", officer, satisfaction="satisfied")
        made["withdrawn"] = perform_transition(
            file_issue(officer), "withdraw", officer, reason="重复"
        )
    return {name: Issue.objects.get(pk=issue.pk) for name, issue in made.items()}


def _names(issues, queryset):
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, issue in issues.items() if issue.pk in pks}


def test_the_rules_on_the_reference_date(issues):
    qs = Issue.objects.all()
    assert _names(issues, qs.overdue(DAY)) == {
        "late_1",
        "late_30",
        "late_31",
        "late_45",
        "late_60",
    }
    # Within 3 working days of a holiday Monday: Wednesday to Friday (05-06 … 05-08).
    assert _names(issues, qs.warning("yellow", DAY)) == {"due_in_4", "due_in_3", "due_today"}
    assert _names(issues, qs.overdue(DAY, by_more_than=17)) == {
        "late_30",
        "late_31",
        "late_45",
        "late_60",
    }
    assert _names(issues, qs.overdue(DAY, by_more_than=30)) == {"late_60"}
    # 督导事项 counts calendar days ("overdue by more than 30 days").
    assert _names(issues, qs.escalated(DAY)) == {
        "late_31",
        "late_45",
        "late_60",
        "reopened_twice",
    }
    # Working days: 清明 (04-06) and 劳动节 (05-01 … 05-04) do not count.
    assert issues["late_31"].days_overdue_on(DAY) == 18
    assert issues["late_1"].days_overdue_on(DAY) == 0, "due on a holiday Sunday, today a holiday"
    assert issues["late_1"].is_overdue_on(DAY), "yet past its date"
    assert issues["due_today"].days_overdue_on(DAY) == 0
    assert issues["resolved_long_ago_due"].warning_on(DAY) is None
    reasons = {
        name: deadlines.escalation_reasons(i.state, i.due_date, i.reopen_count, DAY)
        for name, i in issues.items()
    }
    assert reasons["late_31"] == {"overdue"} and reasons["reopened_twice"] == {"reopened"}
    assert reasons["late_30"] == reasons["verified"] == frozenset()


def test_today_is_the_default_reference_date(issues):
    with _at(DAY):
        assert issues["late_1"].is_overdue and issues["late_1"].days_overdue == 0
        assert issues["late_30"].days_overdue == 18
        assert issues["due_in_3"].warning == "yellow"
        assert issues["late_31"].is_escalated_on()
        assert set(Issue.objects.overdue()) == set(Issue.objects.overdue(DAY))
        assert set(Issue.objects.escalated()) == set(Issue.objects.escalated(DAY))


@pytest.mark.parametrize("shift", [-46, -31, -5, -1, 0, 1, 2, 30, 31, 60])
def test_queryset_and_issue_agree_on_any_reference_date(issues, shift):
    on = DAY + timedelta(days=shift)
    qs = Issue.objects.all()
    every = set(issues)
    assert _names(issues, qs.overdue(on)) == {n for n in every if issues[n].is_overdue_on(on)}
    for days in (0, 3, 30):
        assert _names(issues, qs.overdue(on, by_more_than=days)) == {
            n for n in every if issues[n].days_overdue_on(on) > days
        }
    for level in ("red", "yellow"):
        assert _names(issues, qs.warning(level, on)) == {
            n for n in every if issues[n].warning_on(on) == level
        }
    assert _names(issues, qs.escalated(on)) == {n for n in every if issues[n].is_escalated_on(on)}


def test_the_escalated_read_reason_by_reason_are_those_of_the_rule(issues):
    """`issues.escalated` (the annual agenda's sections at scale) counts and lists exactly what
    `escalated_q` selects: an issue with several reasons once, the others as every other open
    issue, the most urgent (or the oldest) first, and exclusions applied before counting."""
    from issues.escalated import ESCALATED_ORDER, Escalated, NotEscalated  # noqa: PLC0415
    from issues.models import SupervisionNotice  # noqa: PLC0415

    # late_60: overdue and supervised in vain and reopened (three reasons); due_in_4: supervised
    # only; due_in_3: a notice answered, or past nothing yet, does not count.
    Issue.objects.filter(pk=issues["late_60"].pk).update(reopen_count=2)
    for n, (name, reply_by, answered) in enumerate(
        [
            ("late_60", DAY - timedelta(days=1), None),
            ("due_in_4", DAY - timedelta(days=1), None),
            ("due_in_3", DAY - timedelta(days=1), timezone.now()),
            ("late_1", DAY, None),
        ],
        start=1,
    ):
        SupervisionNotice.objects.create(
            issue=issues[name],
            kind=SupervisionNotice.Kind.SUPERVISE,
            year=2026,
            sequence=n,
            department=issues[name].department,
            text="请答复。",
            reply_by=reply_by,
            answered_at=answered,
        )
    everything = Issue.objects.all()
    by_rule = everything.escalated(DAY).order_by(*ESCALATED_ORDER)
    assert _names(issues, by_rule) == {
        "late_31",
        "late_45",
        "late_60",
        "reopened_twice",
        "due_in_4",
    }
    escalated = Escalated(everything, DAY)
    assert escalated.count() == 5
    assert escalated.head(3) == list(by_rule[:3])
    assert escalated.head(10) == list(by_rule)
    others = everything.open().exclude(deadlines.escalated_q(DAY)).order_by("raised_at", "pk")
    not_escalated = NotEscalated(everything.order_by("raised_at", "pk"), DAY)
    assert not_escalated.count() == others.count() == 6  # raised, resolved and 4 handled
    assert not_escalated.head(4) == list(others[:4])
    # Exclusions (the agenda's issues listed already, taken off by hand) come off the counts.
    skip = [issues["late_60"].pk, issues["raised"].pk]
    assert escalated.exclude(pk__in=skip).count() == 4
    assert not_escalated.exclude(pk__in=skip).count() == 5
    assert escalated.filter(pk__in=skip).head(5) == [issues["late_60"]]
