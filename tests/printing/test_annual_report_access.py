"""The annual report: who may read it, the reports page, and reports of particular data
(an empty year, a long open list, the query budget)."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from issues.models import Issue, State
from organisation.calendar import is_working_day
from reports.annual import OPEN_PROBLEMS_SHOWN
from tests.printing.helpers import flat_text, make_year_of_issues

YEAR = 2025


def test_long_open_list_is_cut_with_a_pointer_to_the_ledger(db, client, secretariat):
    make_year_of_issues(YEAR, OPEN_PROBLEMS_SHOWN + 30, seed=5)
    Issue.objects.update(
        state=State.RAISED,
        department=None,
        due_date=None,
        resolution="",
        satisfaction="",
        resolved_at=None,
        reopen_count=0,
    )
    client.force_login(secretariat)
    flat = flat_text(client.get(reverse("reports:annual", args=[YEAR])).content)
    assert f"其余未办结问题共{OPEN_PROBLEMS_SHOWN + 30}件" in flat
    assert "另有30件未列出，详见问题台账" in flat


@pytest.mark.parametrize(
    "persona, status",
    [
        ("leader", 200),
        ("secretariat", 200),
        ("software_officer", 403),
        ("hrss_staff", 403),
        ("outsider", 403),
    ],
)
def test_who_may_read_the_reports(db, client, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("reports:index")).status_code == status
    assert client.get(reverse("reports:annual", args=[YEAR])).status_code == status


def test_signed_out_goes_to_sign_in(db, client):
    response = client.get(reverse("reports:annual", args=[YEAR]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_years_are_404(client, leader):
    client.force_login(leader)
    assert client.get("/reports/annual/1999.pdf").status_code == 404
    assert client.get(f"/reports/annual/{timezone.localdate().year + 2}.pdf").status_code == 404


def test_post_is_not_allowed(client, leader):
    client.force_login(leader)
    assert client.post(reverse("reports:annual", args=[YEAR])).status_code == 405


def test_download_button_sends_an_attachment(client, leader):
    client.force_login(leader)
    response = client.get(reverse("reports:annual", args=[YEAR]) + "?download=1")
    assert response["Content-Disposition"] == (
        f'attachment; filename="annual-report-{YEAR}.pdf"; '
        f"filename*=UTF-8''{quote(f'{YEAR}年度工作报告.pdf')}"
    )


@pytest.mark.parametrize(
    "persona, shown",
    [("leader", True), ("secretariat", True), ("software_officer", False), ("hrss_staff", False)],
)
def test_reports_in_the_menu_for_those_who_may_read_them(db, client, personas, persona, shown):
    client.force_login(personas[persona])
    html = client.get("/").content.decode()
    assert ('href="/reports/"' in html) is shown


@pytest.mark.parametrize("count", [10, 150])
def test_annual_pdf_query_count_is_flat(db, client, leader, django_assert_max_num_queries, count):
    make_year_of_issues(YEAR, count, seed=count)
    is_working_day(timezone.localdate())  # the working-day calendar: read once per process
    client.force_login(leader)
    # session, user, then the figures (15, issues.stats: one aggregate per grouping, the
    # first rows of the two open lists and one count of both, the reference rows); and the
    # security audit row of the download (DESIGN "Security": every document download is
    # recorded)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("reports:annual", args=[YEAR])).status_code == 200
