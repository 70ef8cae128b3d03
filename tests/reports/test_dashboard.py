"""The dashboard: figures equal direct counts, each figure links to its issues, flat queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.models import Issue, State
from issues.services import perform_transition
from organisation import reference_cache
from organisation.calendar import is_working_day
from organisation.models import Department
from reports.figures import shown
from tests.issue_helpers import assign, file_issue

BEIJING = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int):
    return time_machine.travel(dt.datetime(2024, month, day, 10, 0, tzinfo=BEIJING), tick=False)


def build(officers, secretariat, hrss_staff, housing_staff, n: int = 1):
    """n rounds of: raised, assigned (hrss, later overdue), resolved on time (hrss), resolved late
    and verified (housing), withdrawn — across three chains of two unions."""
    software, ai, automotive = officers
    for i in range(n):
        with at(3, 1):
            file_issue(software, title=f"新问题{i}")
            overdue = assign(file_issue(ai, chain="ai", title=f"超期{i}"), secretariat, days=9)
            on_time = assign(file_issue(software, title=f"按期{i}"), secretariat, days=9)
            late = assign(
                file_issue(automotive, chain="automotive", title=f"逾期办结{i}"),
                secretariat,
                department="housing",
                days=3,
            )
            withdrawn = file_issue(software, title=f"撤回{i}")
            perform_transition(withdrawn, "withdraw", software, reason="企业已自行解决")
        with at(3, 5):
            perform_transition(
                perform_transition(on_time, "accept", hrss_staff),
                "resolve",
                hrss_staff,
                resolution="已办结",
            )
        with at(3, 20):
            late = perform_transition(
                perform_transition(late, "accept", housing_staff),
                "resolve",
                housing_staff,
                resolution="已协调解决",
            )
            perform_transition(late, "verify", automotive, satisfaction="basically_satisfied")
    return overdue


@pytest.fixture
def world(software_officer, ai_officer, automotive_officer, secretariat, hrss_staff, housing_staff):
    build(
        (software_officer, ai_officer, automotive_officer), secretariat, hrss_staff, housing_staff
    )


def dashboard(client, user, **params):
    client.force_login(user)
    with at(4, 1):
        response = client.get("/dashboard/", params)
    assert response.status_code == 200
    return response


def test_leader_sees_every_figure_equal_to_a_direct_count(client, world, leader):
    response = dashboard(client, leader, year=2024)
    figures = response.context["figures"]
    issues_2024 = Issue.objects.filter(year=2024)
    assert figures["totals"]["raised"] == issues_2024.count() == 5
    for row in figures["by_state"]:
        assert row["count"] == issues_2024.filter(state=row["state"]).count()
    assert figures["totals"]["overdue_now"] == 1
    assert (
        figures["totals"]["resolved"]
        == issues_2024.filter(state__in=["resolved", "verified"]).count()
        == 2
    )
    chains = {row["code"]: row for row in figures["by_chain"]}
    assert chains["software"]["raised"] == issues_2024.filter(chain__code="software").count() == 3
    unions = {row["code"]: row for row in figures["by_union"]}
    assert unions["electronics-it"]["raised"] == 4 and unions["auto-equipment"]["raised"] == 1

    league = {row["code"]: row for row in response.context["league"]}
    hrss, housing = league["hrss"], league["housing"]
    assert hrss["assigned"] == Issue.objects.filter(department__code="hrss").count() == 2
    assert (hrss["resolved_on_time"], shown("on_time_rate", hrss), hrss["overdue_now"]) == (
        1,
        "100.0%",
        1,
    )
    # Working days: 交办 Friday 1 March, 报结 Tuesday 5 March (2), and Wednesday 20 March (13).
    assert hrss["mean_days_to_resolve"] == 2
    assert (housing["resolved_on_time"], shown("on_time_rate", housing)) == (0, "0.0%")
    assert housing["mean_days_to_resolve"] == 13 and shown("satisfaction_rate", housing) == "0.0%"

    months = {row["month"]: row for row in figures["monthly"]}
    assert months["2024-03"] == {**months["2024-03"], "raised": 5, "resolved": 2}
    assert len(figures["monthly"]) == 12


def test_figures_link_to_the_filtered_list(client, world, leader):
    page = dashboard(client, leader, year=2024).content.decode()
    assert 'href="/issues/?year=2024&amp;state=assigned"' in page
    assert 'href="/issues/?year=2024&amp;department=hrss&amp;resolved_on_time=true"' in page
    assert 'href="/issues/?year=2024&amp;chain=software"' in page
    assert 'href="/issues/?year=2024&amp;union=electronics-it"' in page
    assert 'href="/issues/export.xlsx?year=2024"' in page
    # The charts are inline SVG with their bars linked, and no script anywhere in them.
    assert page.count('<svg role="img"') == 4
    assert '<script type="text/javascript">window.pygal' not in page
    assert 'xlink:href="/issues/?year=2024&amp;state=raised"' in page


def test_officer_sees_only_their_union(client, world, software_officer):
    figures = dashboard(client, software_officer, year=2024).context["figures"]
    assert (
        figures["totals"]["raised"]
        == Issue.objects.filter(chain__union__code="electronics-it").count()
        == 4
    )
    assert {row["code"] for row in figures["by_chain"]} == {"software", "ai"}
    assert {row["code"] for row in figures["by_union"]} == {"electronics-it"}


def test_department_sees_only_what_it_was_given(client, world, housing_staff):
    response = dashboard(client, housing_staff, year=2024)
    figures = response.context["figures"]
    assert figures["totals"]["raised"] == 1 and figures["totals"]["verified"] == 1
    assert [row["code"] for row in response.context["league"]] == ["housing"]


def test_another_year_and_a_custom_period(client, world, secretariat):
    assert dashboard(client, secretariat, year=2023).context["figures"]["totals"]["raised"] == 0
    response = dashboard(client, secretariat, **{"from": "2024-02-15", "to": "2024-03-31"})
    assert response.context["figures"]["totals"]["raised"] == 5
    assert (
        'href="/issues/?raised_from=2024-02-15&amp;raised_to=2024-03-31&amp;chain=ai"'
        in response.content.decode()
    )
    bad = dashboard(client, secretariat, **{"from": "2024-05-01", "to": "2024-03-01"})
    assert "请输入有效的起止日期" in bad.content.decode()


def test_signed_out_goes_to_login(client):
    assert client.get("/dashboard/").status_code == 302


def test_query_count_is_flat_in_the_number_of_issues(
    client,
    software_officer,
    ai_officer,
    automotive_officer,
    secretariat,
    hrss_staff,
    housing_staff,
    leader,
    django_assert_max_num_queries,
):
    officers = (software_officer, ai_officer, automotive_officer)
    counts = []
    for rounds in (1, 8):
        build(officers, secretariat, hrss_staff, housing_staff, n=rounds)
        is_working_day(dt.date(2024, 4, 1))  # the working-day calendar: read once per process
        reference_cache.current()  # and the reference rows (read again only when they change)
        client.force_login(leader)
        with at(4, 1), CaptureQueriesContext(connection) as queries:
            client.get("/dashboard/", {"year": 2024})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    client.force_login(software_officer)
    with at(4, 1), django_assert_max_num_queries(24):  # + one aggregate per grouping
        assert client.get("/dashboard/", {"year": 2024}).status_code == 200
    assert Department.objects.get(code="hrss").issues.filter(state=State.ASSIGNED).exists()
