"""issues.stats: every figure equals a direct count of the issues, by its documented rule."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from issues.models import Issue, State
from issues.services import perform_transition
from issues.stats import annual_figures, period_figures
from organisation.calendar import is_working_day, working_days_between
from tests.issue_helpers import assign, file_issue
from tests.printing.helpers import at, make_year_of_issues

YEAR = 2025
ON = date(2026, 1, 15)


@pytest.fixture
def year_issues(db):
    make_year_of_issues(YEAR - 1, 5, seed=1)  # the year before: must not count
    issues = make_year_of_issues(YEAR, 120, seed=3)
    make_year_of_issues(YEAR + 1, 5, seed=2)  # the year after: must not count
    return issues


def direct(issues, on=ON):
    """The figures recomputed the slow way, from model instances and their properties."""
    resolved = [i for i in issues if i.state in (State.RESOLVED, State.VERIFIED)]
    verified = [i for i in issues if i.state == State.VERIFIED]
    on_time = [i for i in resolved if timezone.localdate(i.resolved_at) <= i.due_date]
    days = [i.days_to_resolve for i in resolved]
    return {
        "raised": len(issues),
        "resolved": len(resolved),
        "verified": len(verified),
        "resolved_on_time": len(on_time),
        "on_time_rate": round(len(on_time) / len(resolved), 4) if resolved else None,
        "mean_days_to_resolve": round(sum(days) / len(days), 1) if days else None,
        "satisfaction_rate": (
            round(sum(i.satisfaction == "satisfied" for i in verified) / len(verified), 4)
            if verified
            else None
        ),
        "overdue_now": sum(i.state == State.ASSIGNED and i.due_date < on for i in issues),
        "assigned": sum(
            i.state in (State.ASSIGNED, State.RESOLVED, State.VERIFIED) for i in issues
        ),
    }


def _subset(row, keys):
    return {k: row[k] for k in keys}


def test_totals_equal_a_direct_count(year_issues):
    figures = annual_figures(YEAR, on=ON)
    expected = direct(year_issues)
    assert _subset(figures["totals"], expected) == expected
    assert figures["year"] == YEAR
    assert figures["period"] == {"start": "2025-01-01", "end": "2025-12-31", "on": "2026-01-15"}


@pytest.mark.parametrize(
    "key, attr",
    [
        ("by_union", lambda i: i.chain.union_id),
        ("by_chain", lambda i: i.chain_id),
        ("by_department", lambda i: i.department_id),
        ("by_measure", lambda i: i.measure_id),
    ],
)
def test_grouped_rows_equal_a_direct_count(year_issues, key, attr):
    figures = annual_figures(YEAR, on=ON)
    for row in figures[key]:
        group = [i for i in year_issues if attr(i) == row["id"]]
        expected = direct(group)
        assert _subset(row, expected) == expected, row["name"]
    if key != "by_department":  # departments hold only assigned issues
        assert sum(r["raised"] for r in figures[key]) == len(year_issues)


def test_department_league_best_on_time_rate_first(year_issues):
    rows = [
        r for r in annual_figures(YEAR, on=ON)["by_department"] if r["on_time_rate"] is not None
    ]
    rates = [r["on_time_rate"] for r in rows]
    assert rates == sorted(rates, reverse=True)


def test_monthly_raised_and_resolved(year_issues):
    monthly = annual_figures(YEAR, on=ON)["monthly"]
    assert [m["month"] for m in monthly] == [f"2025-{n:02d}" for n in range(1, 13)]
    assert sum(m["raised"] for m in monthly) == len(year_issues)
    every = Issue.objects.exclude(resolved_at=None)
    for m in monthly:
        assert m["resolved"] == sum(
            timezone.localdate(i.resolved_at).strftime("%Y-%m") == m["month"] for i in every
        )


def test_escalated_and_open_problems_oldest_first(year_issues):
    figures = annual_figures(YEAR, on=ON)
    open_issues = [
        i
        for i in Issue.objects.filter(raised_at__lt=at(date(2026, 1, 1), 0))
        if i.state in (State.RAISED, State.ASSIGNED, State.RESOLVED)
    ]
    escalated = {
        i.number
        for i in open_issues
        if (i.state == State.ASSIGNED and (ON - i.due_date).days > 30) or i.reopen_count >= 2
    }
    assert {r["number"] for r in figures["escalated"]} == escalated
    assert {r["number"] for r in figures["open_problems"]} == {
        i.number for i in open_issues
    } - escalated
    for rows in (figures["escalated"], figures["open_problems"]):
        raised = [r["raised_on"] for r in rows]
        assert raised == sorted(raised)


def test_on_time_uses_the_beijing_date(software_officer, secretariat, hrss_staff):
    """Resolved at 23:30 Beijing on the due date: on time, although it is the same day in UTC
    only until 16:00 - the rule takes the Beijing date."""
    due = date(YEAR, 6, 30)
    with time_machine.travel(at(due - timedelta(days=10), 9), tick=False):
        issue = assign(file_issue(software_officer), secretariat, days=10)  # due on the 30th
    with time_machine.travel(at(due, 23) + timedelta(minutes=30), tick=False):
        perform_transition(
            perform_transition(issue, "accept", hrss_staff),
            "resolve",
            hrss_staff,
            resolution="已解决",
        )
    assert Issue.objects.get().due_date == due
    totals = annual_figures(YEAR, on=ON)["totals"]
    assert totals["resolved_on_time"] == 1
    assert totals["on_time_rate"] == 1.0
    # Working days from 交办 on Friday 20 June to 报结 on Monday 30 June.
    assert totals["mean_days_to_resolve"] == working_days_between(due - timedelta(days=10), due)


def test_period_bounds_are_beijing_dates_inclusive(software_officer):
    with time_machine.travel(at(date(YEAR, 3, 31), 23), tick=False):  # 15:00 UTC on the 31st
        file_issue(software_officer)
    assert period_figures(date(YEAR, 3, 1), date(YEAR, 3, 31))["totals"]["raised"] == 1
    assert period_figures(date(YEAR, 4, 1), date(YEAR, 4, 30))["totals"]["raised"] == 0


def test_empty_year_has_no_rates(db):
    figures = annual_figures(2030, on=ON)
    assert figures["totals"]["raised"] == 0
    assert figures["totals"]["on_time_rate"] is None
    assert figures["totals"]["mean_days_to_resolve"] is None
    assert len(figures["by_chain"]) == 9


def test_figures_are_json(year_issues):
    figures = annual_figures(YEAR, on=ON)
    assert json.loads(json.dumps(figures)) == figures


@pytest.mark.parametrize("count", [10, 200])
def test_query_count_flat_in_data_size(db, django_assert_max_num_queries, count):
    make_year_of_issues(YEAR, count, seed=count)
    is_working_day(ON)  # the working-day calendar is read once per process, not per request
    # aggregates: totals, by union, chain, department, measure and state, raised and resolved
    # by month; the first open issues escalated and not, one count of both; unions, chains
    # (+union), departments, measures
    with django_assert_max_num_queries(15):
        annual_figures(YEAR, on=ON)
