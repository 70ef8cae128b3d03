"""The figures' rollup (issue 14, `issues.rollup`): after any sequence of what people do to
issues - the transitions, 催办/督办, extensions, reopening, merging, on different days, chains
and departments - the figures read from the rollup equal the live aggregate over the issues,
for every period and scope, and `rebuild_figures` writes the same rows."""

import contextlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issues import rollup
from issues.extensions import decide, request_extension
from issues.home import work_for
from issues.models import FigureBucket, FigureMonth, Issue, State, today
from issues.notices import issue_notice
from issues.services import perform_transition
from issues.stats import period_figures
from liaison.access import Conflict
from organisation.models import CalendarDay, Department
from tests.issues_api.helpers import file_issue

pytestmark = pytest.mark.django_db

CHAINS = {"software": "software_officer", "ai": "ai_officer", "automotive": "automotive_officer"}
STAFF = {"hrss": "hrss_staff", "housing": "housing_staff"}
ACTIONS = (
    "assign",
    "reassign",
    "accept",
    "return",
    "resolve",
    "verify",
    "reopen",
    "withdraw",
    "merge",
    "urge",
    "supervise",
    "extend",
)
BEIJING = ZoneInfo("Asia/Shanghai")
REFUSED = (PermissionDenied, ValidationError, Conflict, Http404)
START = date(2025, 3, 3)
PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2025, 3, 1), date(2025, 3, 31)),
    (date(2025, 3, 10), date(2025, 4, 20)),
    (date(2025, 2, 20), date(2025, 4, 10)),  # a whole month and the days either side
]


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING)


def act(issue: Issue, action: str, personas, drawn: dict) -> None:
    """`action` on `issue` by the person DESIGN names for it (refusals are part of the game)."""
    secretariat = personas["secretariat"]
    officer = personas[CHAINS[issue.chain.code]]
    lead = issue.department.code if issue.department else "hrss"
    staff = personas[STAFF[lead]]
    department = Department.objects.get(code=drawn["department"])
    due = drawn["today"] + timedelta(days=drawn["days"])
    if action == "assign":
        perform_transition(issue, "assign", secretariat, department=department, due_date=due)
    elif action == "reassign":
        perform_transition(
            issue, "reassign", secretariat, department=department, due_date=due, reason="改派"
        )
    elif action == "accept":
        perform_transition(issue, "accept", staff)
    elif action == "return":
        perform_transition(issue, "return", staff, reason="不属于本部门职责")
    elif action == "resolve":
        perform_transition(issue, "resolve", staff, resolution="已协调", outcome=drawn["outcome"])
    elif action == "verify":
        perform_transition(issue, "verify", officer, satisfaction=drawn["satisfaction"], note="好")
    elif action == "reopen":
        perform_transition(issue, "reopen", officer, reason="企业反映仍未解决")
    elif action == "withdraw":
        perform_transition(issue, "withdraw", officer, reason="企业已自行解决")
    elif action == "merge":
        perform_transition(
            issue, "merge", secretariat, duplicate_of=drawn["original"], reason="重复"
        )
    elif action in ("urge", "supervise"):
        issue_notice(issue, secretariat, kind=action, text="请抓紧办理。", reply_by=due)
    elif action == "extend":
        extension = request_extension(issue, staff, due_date=due, reason="需协调多个部门")
        decide(issue, extension.pk, secretariat, "approve")


def assert_rollup_equals_live(on: date, personas) -> None:
    unions = personas["software_officer"].union_ids
    for start, end in PERIODS:
        for union_ids in (None, unions):
            rolled = period_figures(start, end, on=on, union_ids=union_ids)
            live = period_figures(start, end, on=on, union_ids=union_ids, live=True)
            assert rolled == live, (start, end, union_ids)
    assert_stored_equals_direct()


def assert_stored_equals_direct() -> None:
    """Both levels of the rollup hold what a direct count of the issues gives."""
    assert rollup.stored_rows() == rollup.direct_rows()
    assert rollup.stored_months() == rollup.direct_months()
    assert rollup.differences() == 0


step = st.fixed_dictionaries(
    {
        "issue": st.integers(0, 5),
        "action": st.sampled_from(ACTIONS),
        "department": st.sampled_from(sorted(STAFF)),
        "days": st.integers(1, 30),
        "outcome": st.sampled_from(["solved", "explained"]),
        "satisfaction": st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied"]),
        "later": st.integers(0, 9),
    }
)


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    chains=st.lists(st.sampled_from(sorted(CHAINS)), min_size=2, max_size=6),
    steps=st.lists(step, min_size=1, max_size=15),
)
def test_random_histories_leave_the_rollup_equal_to_a_direct_count(personas, chains, steps):
    day = START
    issues = []
    with time_machine.travel(moment(day), tick=False) as clock:
        original = file_issue(personas["software_officer"], title="原件").pk
        for n, chain in enumerate(chains):
            day += timedelta(days=n % 3)  # several raised a day, several days
            clock.move_to(moment(day))
            issues.append(file_issue(personas[CHAINS[chain]], chain, title=f"问题{n}").pk)
        for drawn in steps:
            day += timedelta(days=drawn["later"])
            clock.move_to(moment(day))
            issue = Issue.objects.select_related("chain", "department").get(
                pk=issues[drawn["issue"] % len(issues)]
            )
            with contextlib.suppress(*REFUSED):
                act(issue, drawn["action"], personas, drawn | {"today": day, "original": original})
        assert_rollup_equals_live(day, personas)
        assert_rollup_equals_live(day + timedelta(days=40), personas)  # overdue by then
    stored = rollup.stored_rows(), rollup.stored_months()
    call_command("rebuild_figures")
    assert (rollup.stored_rows(), rollup.stored_months()) == stored


def test_a_calendar_change_moves_the_working_day_figures(personas):
    """A holiday added on a day an issue was handled changes its working days."""
    secretariat, staff = personas["secretariat"], personas["hrss_staff"]
    with time_machine.travel(moment(date(2025, 3, 3)), tick=False) as clock:  # a Monday
        issue = file_issue(personas["software_officer"])
        issue = perform_transition(
            issue,
            "assign",
            secretariat,
            department=Department.objects.get(code="hrss"),
            due_date=date(2025, 3, 20),
        )
        issue = perform_transition(issue, "accept", staff)
        clock.move_to(moment(date(2025, 3, 7)))  # Friday: four working days
        perform_transition(issue, "resolve", staff, resolution="已协调", outcome="solved")
    figures = period_figures(date(2025, 3, 1), date(2025, 3, 31), on=date(2025, 4, 1))
    assert figures["totals"]["mean_days_to_resolve"] == 4.0
    CalendarDay.objects.create(date=date(2025, 3, 5), kind=CalendarDay.Kind.HOLIDAY, name="假日")
    figures = period_figures(date(2025, 3, 1), date(2025, 3, 31), on=date(2025, 4, 1))
    assert figures["totals"]["mean_days_to_resolve"] == 3.0
    assert_stored_equals_direct()


def test_rebuild_figures_restores_a_lost_rollup(personas, capsys):
    with time_machine.travel(moment(date(2025, 3, 3)), tick=False):
        file_issue(personas["software_officer"])
        file_issue(personas["ai_officer"], "ai")
    expected = rollup.stored_rows()
    assert len(expected) == 2
    FigureBucket.objects.all().delete()
    with pytest.raises(Exception, match="differ"):
        call_command("rebuild_figures", "--check")
    call_command("rebuild_figures", "--year", "2025")
    assert rollup.stored_rows() == expected
    call_command("rebuild_figures", "--check")
    assert "equals" in capsys.readouterr().out


def test_rebuild_figures_checks_and_restores_the_months(personas):
    """The months (`FigureMonth`) are checked and rebuilt with the buckets: a lost or wrong
    month row fails `--check`, and a rebuild of its year writes it again."""
    with time_machine.travel(moment(date(2025, 3, 3)), tick=False):
        file_issue(personas["software_officer"])
        file_issue(personas["ai_officer"], "ai")
    with time_machine.travel(moment(date(2025, 4, 9)), tick=False):
        file_issue(personas["software_officer"])
    expected = rollup.stored_months()
    # Two months of the software chain, one of the ai chain; three groupings each.
    assert len(expected) == 9
    assert rollup.direct_months() == expected
    FigureMonth.objects.filter(grouped_by="state", month=date(2025, 4, 1)).update(raised=5)
    with pytest.raises(Exception, match="differ"):
        call_command("rebuild_figures", "--check")
    FigureMonth.objects.filter(month=date(2025, 3, 1)).delete()
    call_command("rebuild_figures", "--year", "2025")
    assert rollup.stored_months() == expected
    call_command("rebuild_figures", "--check")


def test_the_home_counts_follow_the_transitions(personas):
    """The secretariat's counts by state (read from the months) move with each transition,
    whatever month the issue was raised in."""
    secretariat = personas["secretariat"]
    with time_machine.travel(moment(date(2025, 1, 30)), tick=False):
        old = file_issue(personas["software_officer"])
    with time_machine.travel(moment(date(2025, 3, 3)), tick=False):
        file_issue(personas["ai_officer"], "ai")
        perform_transition(
            old,
            "assign",
            secretariat,
            department=Department.objects.get(code="hrss"),
            due_date=date(2025, 3, 10),
        )
    with time_machine.travel(moment(date(2025, 3, 20)), tick=False):
        counts = work_for(secretariat)["counts"]
    assert (counts[State.RAISED], counts[State.ASSIGNED], counts["total"]) == (1, 1, 2)
    assert counts["overdue"] == 1
    assert {v: n for v, _label, n in counts["by_state"]}[State.ASSIGNED] == 1


def test_the_states_counted_are_the_issues_states(personas):
    with time_machine.travel(moment(date(2025, 3, 3)), tick=False):
        issue = file_issue(personas["software_officer"])
        perform_transition(issue, "withdraw", personas["software_officer"], reason="已解决")
    (bucket,) = FigureBucket.objects.all()
    assert (bucket.state, bucket.raised, bucket.open) == (State.WITHDRAWN, 1, 0)
    month = FigureMonth.objects.get(grouped_by="state")
    assert (month.month, month.state, month.raised, month.open) == (
        date(2025, 3, 1),
        State.WITHDRAWN,
        1,
        0,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_transitions_refresh_binds_only_the_day_and_chain(personas):
    """The family statement carries the calendar's ~1,000 constants written in (psycopg would
    otherwise re-read 33 KB and quote them all on every transition): three parameters are
    bound, and the random histories above check that its rows are still right."""
    issue = file_issue(personas["software_officer"])
    bound = []

    def watch(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "issues_figurebucket"'):
            bound.append(len(params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        perform_transition(
            issue,
            "assign",
            personas["secretariat"],
            department=Department.objects.get(code="hrss"),
            due_date=today() + timedelta(days=20),
        )
    assert bound and set(bound) == {3}
