"""As-of views (DESIGN "Reports"): the list, the API, the ledger and the dashboard rebuilt from
the history as every issue stood at the end of a past day, Beijing time."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from issues.asof import issues_as_of
from issues.models import Issue, today
from issues.services import perform_transition, post_update
from liaison.formats import BEIJING
from organisation.models import Department
from tests.issue_helpers import file_issue


def at(day: int, hour: int = 10, minute: int = 0):
    return time_machine.travel(datetime(2026, 11, day, hour, minute, tzinfo=BEIJING), tick=False)


def assign_on(issue, secretariat, department: str, due: int, co: tuple[str, ...] = ()):
    """交办 to `department`, due on `due` November 2026, with co-departments `co`."""
    return perform_transition(
        issue,
        "assign",
        secretariat,
        department=Department.objects.get(code=department),
        co_departments=[Department.objects.get(code=code) for code in co],
        due_date=date(2026, 11, due),
        note="",
    )


@pytest.fixture
def story(software_officer, ai_officer, secretariat, hrss_staff, housing_staff):
    """Monday 2 November 2026 onwards (no holiday in the span):

    2nd  A raised
    3rd  A assigned to hrss (co: housing), due the 5th; B raised
    4th  A accepted
    5th  00:10 B assigned to housing, due the 9th (never accepted)
    9th  A resolved (late: overdue on the 6th)
    10th C raised
    """
    with at(2):
        a = file_issue(software_officer, title="测试工程师招聘难")
    with at(3):
        a = assign_on(a, secretariat, "hrss", 5, co=("housing",))
        b = file_issue(ai_officer, chain="ai", title="算法人才落户")
    with at(4):
        a = perform_transition(a, "accept", hrss_staff)
    with at(5, 0, 10):
        b = assign_on(b, secretariat, "housing", 9)
    with at(9):
        a = perform_transition(a, "resolve", hrss_staff, resolution="已协调补贴")
    with at(10):
        c = file_issue(software_officer, title="焊工培训")
    return a, b, c


EXPECTED = {
    2: {"A": "raised"},
    3: {"A": "assigned", "B": "raised"},
    4: {"A": "accepted", "B": "raised"},
    5: {"A": "accepted", "B": "assigned"},
    6: {"A": "accepted", "B": "assigned"},
    9: {"A": "resolved", "B": "assigned"},
    10: {"A": "resolved", "B": "assigned", "C": "raised"},
}


def names(story):
    return {issue.pk: name for issue, name in zip(story, "ABC", strict=True)}


@pytest.mark.parametrize("day", sorted(EXPECTED))
def test_each_day_shows_the_states_of_its_end_and_nothing_raised_later(story, day):
    rebuilt = {names(story)[i.pk]: i.state for i in issues_as_of(date(2026, 11, day))}
    assert rebuilt == EXPECTED[day]


def test_a_change_after_midnight_belongs_to_the_next_day(story):
    b = story[1]
    assert issues_as_of(date(2026, 11, 4)).get(id=b.pk).state == "raised"
    assert issues_as_of(date(2026, 11, 5)).get(id=b.pk).state == "assigned"


def test_deadlines_count_from_that_day_not_today(story):
    a_on_6 = issues_as_of(date(2026, 11, 6)).get(id=story[0].pk)
    assert (a_on_6.is_overdue, a_on_6.days_overdue, a_on_6.warning) == (True, 1, "red")
    b_on_9 = issues_as_of(date(2026, 11, 9)).get(id=story[1].pk)
    # Due that very day: not overdue, but 超时未签收 since the 6th, so red.
    assert (b_on_9.is_overdue, b_on_9.is_unacknowledged, b_on_9.warning) == (False, True, "red")
    assert issues_as_of(date(2026, 11, 6)).overdue().count() == 1
    assert issues_as_of(date(2026, 11, 10)).overdue().count() == 1  # B, a day late
    assert Issue.objects.get(pk=story[1].pk).days_overdue > 1  # today it is much later


def test_co_departments_as_they_stood(software_officer, secretariat):
    hrss, housing = Department.objects.get(code="hrss"), Department.objects.get(code="housing")
    with at(2):
        issue = file_issue(software_officer)
    with at(3):
        issue = assign_on(issue, secretariat, "hrss", 10, co=("housing",))
    with at(4):  # housing released, miit asked to help
        miit = Department.objects.get(code="miit")
        perform_transition(issue, "reassign", secretariat, co_departments=[miit], reason="调整协办")

    def co(day):
        return [d.code for d in issues_as_of(date(2026, 11, day)).get().co_department_list()]

    assert (co(2), co(3), co(4)) == ([], ["housing"], ["miit"])
    for day, housing_count, miit_count in ((2, 0, 0), (3, 1, 0), (4, 0, 1)):
        then = issues_as_of(date(2026, 11, day))
        assert then.involving(housing).count() == housing_count
        assert then.involving(miit).count() == miit_count
        assert then.involving(hrss).count() == (day > 2)


def api_rows(api, user, **params):
    response = api.as_user(user).get("/api/v1/issues/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_api_list_as_of_with_filters_applied_to_that_day(api, story, secretariat):
    body = api_rows(api, secretariat, as_of="2026-11-04")
    assert {r["number"]: r["state"] for r in body["results"]} == {
        story[0].number: "accepted",
        story[1].number: "raised",
    }
    assert all(r["available_transitions"] == [] for r in body["results"])
    assert api_rows(api, secretariat, as_of="2026-11-04", state="raised")["count"] == 1
    on_6 = api_rows(api, secretariat, as_of="2026-11-06", overdue="true")["results"]
    assert [(r["number"], r["days_overdue"]) for r in on_6] == [(story[0].number, 1)]
    assert api_rows(api, secretariat, as_of="2026-11-06", department="hrss")["count"] == 1
    assert api_rows(api, secretariat, as_of="2026-11-03", involved="housing")["count"] == 1
    assert api_rows(api, secretariat, as_of="2026-11-02", involved="housing")["count"] == 0


def test_visibility_applies_as_now(api, story, housing_staff, hrss_staff, automotive_officer):
    # housing was co-department of A and leads B: it sees both, never C; hrss only A.
    assert api_rows(api, housing_staff, as_of="2026-11-10")["count"] == 2
    assert api_rows(api, hrss_staff, as_of="2026-11-10")["count"] == 1
    assert api_rows(api, automotive_officer, as_of="2026-11-10")["count"] == 0  # another union


@pytest.mark.parametrize(
    "value",
    ["2026-13-01", "yesterday", (today() + timedelta(days=1)).isoformat()],
)
def test_bad_or_future_dates_are_refused_everywhere(client, api, story, secretariat, value):
    response = api.as_user(secretariat).get("/api/v1/issues/", {"as_of": value})
    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]
    message = response.json()["as_of"][0]
    assert "日期" in message
    client.force_login(secretariat)
    page = client.get("/issues/", {"as_of": value, "q": "招聘"})
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html and 'value="招聘"' in html  # the error shown, the form kept
    assert 'data-testid="as-of-banner"' not in html
    ledger = client.get("/issues/export.xlsx", {"as_of": value})
    assert ledger.status_code == 400 and message in ledger.content.decode()
    board = client.get("/dashboard/", {"as_of": value})
    assert board.status_code == 400 and message in board.content.decode()


def ledger_numbers(client, **params):
    response = client.get("/issues/export.xlsx", params)
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    states = {row[0]: row[8] for row in rows[2:]}
    return rows[0][0], states


def test_list_api_ledger_and_dashboard_agree(client, api, story, secretariat):
    client.force_login(secretariat)
    for day in sorted(EXPECTED):
        as_of = f"2026-11-{day:02d}"
        expected = len(EXPECTED[day])
        page = client.get("/issues/", {"as_of": as_of})
        assert page.status_code == 200
        assert page.context["page"].paginator.count == expected
        assert "日终时的状态，根据历史记录重建" in page.content.decode()
        assert api_rows(api, secretariat, as_of=as_of)["count"] == expected
        heading, states = ledger_numbers(client, as_of=as_of)
        assert heading == f"难点堵点台账（截至2026年11月{day}日）"
        assert len(states) == expected
        board = client.get("/dashboard/", {"year": 2026, "as_of": as_of})
        assert board.status_code == 200
        totals = board.context["figures"]["totals"]
        assert totals["raised"] == expected
        assert "日终时的状态，根据历史记录重建" in board.content.decode()
        # Every link of the dashboard opens the list as of the same day.
        assert all(f"as_of={as_of}" in card["url"] for card in board.context["cards"])
    board = client.get("/dashboard/", {"year": 2026, "as_of": "2026-11-06"})
    assert board.context["figures"]["totals"]["overdue_now"] == 1
    assert board.context["figures"]["totals"]["open"] == 2


def test_the_as_of_list_is_read_only(client, story, software_officer):
    client.force_login(software_officer)
    now = client.get("/issues/").content.decode()
    then = client.get("/issues/", {"as_of": "2026-11-04"}).content.decode()
    # The 提出问题 button (the offline script names the form too, in the page head).
    assert 'href="/issues/new/"' in now and 'href="/issues/new/"' not in then
    assert "as_of=2026-11-04" in then  # the export link keeps the day


def test_query_count_is_flat(api, software_officer, ai_officer, secretariat, hrss_staff):
    def make(n):
        with at(2):
            issues = [file_issue(software_officer, title=f"问题{i}") for i in range(n)]
        with at(3):
            for issue in issues:  # each with a lead and a co-department then
                assign_on(issue, secretariat, "hrss", 5, co=("housing",))

    def queries():
        counts = []
        client = api.as_user(secretariat)
        for url, params in (
            ("/api/v1/issues/", {"as_of": "2026-11-04"}),
            ("/issues/", {"as_of": "2026-11-04"}),
            ("/issues/export.xlsx", {"as_of": "2026-11-04"}),
            ("/dashboard/", {"year": 2026, "as_of": "2026-11-04"}),
        ):
            if not url.startswith("/api/"):
                client = Client()
                client.force_login(secretariat)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, params).status_code == 200
            counts.append(len(captured))
        return counts

    make(3)
    queries()  # warms the per-process caches (the calendar)
    few = queries()
    make(12)
    assert queries() == few


def test_the_ledger_shows_the_latest_note_of_that_day(client, story, secretariat, hrss_staff):
    a = story[0]
    with at(4, 15):
        post_update(a, hrss_staff, "已召开协调会")
    with at(10):
        post_update(a, hrss_staff, "补贴已发放")
    client.force_login(secretariat)
    for day, note in ((4, "已召开协调会"), (10, "补贴已发放")):
        response = client.get("/issues/export.xlsx", {"as_of": f"2026-11-{day:02d}"})
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        (row,) = [r for r in rows[2:] if r[0] == a.number]
        assert row[-1] == note


def test_as_of_today_is_now(story):
    fields = ("state", "department_id", "due_date", "resolution", "accepted_at", "resolved_at")
    rebuilt = {i.pk: [getattr(i, f) for f in fields] for i in issues_as_of(today())}
    assert rebuilt == {i.pk: [getattr(i, f) for f in fields] for i in Issue.objects.all()}


def test_the_last_written_row_wins_over_a_back_dated_one(software_officer, secretariat, hrss_staff):
    # seed_demo-style back-dating: the 签收 row is written after the 交办 row, with an
    # earlier moment. The issue is accepted now; as of that day it must be too.
    with at(2):
        issue = file_issue(software_officer)
    with at(3, 15):
        issue = assign_on(issue, secretariat, "hrss", 10)
    with at(3, 9):
        perform_transition(issue, "accept", hrss_staff)
    assert issues_as_of(date(2026, 11, 3)).get().state == "accepted"
