"""The annual report of a year of 80 issues: /reports/annual/<year>.pdf, numbers equal to a
direct count, the reports page.

The year's issues and its report are built once for the module (`tests.shared_data`): every
test here reads them and none changes them, and each still runs in its own savepoint. Tests
that need another database (an empty one, a different year) are in test_annual_report_access.py.
"""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues.counting import league_header
from issues.models import Issue, State
from organisation.models import User
from reports.annual import render_annual_report_pdf
from tests.printing.helpers import flat_text, make_year_of_issues, open_pdf, pdf_fonts, pdf_info
from tests.shared_data import rows_for_the_module

YEAR = 2025


def build_year() -> dict:
    issues = make_year_of_issues(YEAR, 80, seed=11)
    Issue.objects.filter(pk=issues[0].pk).update(
        title="<img src=http://127.0.0.1:9/x.png>人才公寓配租慢"
    )
    reader = User.objects.create_user("annual-reader", role=User.Role.LEADER, name="读者")
    client = Client()
    client.force_login(reader)
    response = client.get(reverse("reports:annual", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return {
        "issues": list(Issue.objects.filter(pk__in=[i.pk for i in issues])),
        "report": response.content,
    }


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker, build_year) as built:
        yield built


@pytest.fixture
def year_issues(db, year):
    return year["issues"]


@pytest.fixture
def report(db, year):
    """The leader's PDF of the year, as the server sent it."""
    return year["report"]


def test_totals_in_the_text_equal_a_direct_count(report):
    flat = flat_text(report)
    issues = Issue.objects.filter(year=YEAR)
    raised = issues.count()
    resolved = issues.filter(state__in=[State.RESOLVED, State.VERIFIED]).count()
    verified = issues.filter(state=State.VERIFIED).count()
    match = re.search(
        r"共提出难点堵点问题(\d+)件，已报结(\d+)件，其中已答复\d+件，经联络员评价已办结(\d+)件",
        flat,
    )
    assert match, flat[:400]
    assert tuple(map(int, match.groups())) == (raised, resolved, verified)
    satisfied = issues.filter(state=State.VERIFIED, satisfaction="satisfied").count()
    assert f"满意率{satisfied / verified * 100:.1f}%" in flat


def test_chain_rows_equal_a_direct_count(report):
    flat = flat_text(report)
    for chain_name, raised in [("软件", None), ("人工智能", None), ("汽车制造", None)]:
        raised = Issue.objects.filter(year=YEAR, chain__name=chain_name).count()
        verified = Issue.objects.filter(
            year=YEAR, chain__name=chain_name, state=State.VERIFIED
        ).count()
        resolved = Issue.objects.filter(
            year=YEAR, chain__name=chain_name, state__in=[State.RESOLVED, State.VERIFIED]
        ).count()
        assert f"{chain_name}{raised}{resolved}{verified}" in flat, chain_name


def test_sections_league_table_and_lists(report):
    flat = flat_text(report)
    for heading in (
        "一、总体情况",
        "二、分产业工会情况",
        "三、分产业链情况",
        "四、职能部门办理情况通报",
        "五、分措施情况",
        "六、督导事项",
        "七、待解决问题",
    ):
        assert heading in flat
    assert "".join(league_header()) in flat
    # the escalated list counts what the rule says
    n = re.search(r"提请联席会议督导推动", flat)
    assert n


def test_at_least_three_svg_charts_drawn_as_vectors(report):
    with open_pdf(report) as p:
        forms = [
            x
            for page in p.pages
            for x in page.Resources.get("/XObject", {}).values()
            if str(x.get("/Subtype")) == "/Form"
        ]
        images = [
            x
            for page in p.pages
            for x in page.Resources.get("/XObject", {}).values()
            if str(x.get("/Subtype")) == "/Image"
        ]
    assert len(forms) >= 3  # SVG becomes vector form XObjects, never bitmaps
    assert images == []
    flat = flat_text(report)
    for caption in ("图1", "图2", "图3", "图4"):
        assert caption in flat
    assert re.search(r"工会\d+件（\d+\.\d%）", flat)  # the pie's legend, with shares
    assert "汽车制造装备制造" in flat  # the bar chart's axis labels are text in the PDF, not pixels


def test_fonts_embedded_a4(report):
    assert all(f["emb"] == "yes" for f in pdf_fonts(report))
    assert "(A4)" in pdf_info(report)["Page size"]


def test_hostile_title_is_text(report):
    assert "<imgsrc=http://127.0.0.1:9/x.png>人才公寓配租慢" in flat_text(report)


def test_reports_page_lists_years_with_download_buttons(
    client, leader, year_issues, django_assert_max_num_queries
):
    client.force_login(leader)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("reports:index"))
    html = response.content.decode()
    assert "2025年度助链联动工作报告" in html
    assert "提出问题 80 件" in html
    assert f'href="/reports/annual/{YEAR}.pdf?download=1"' in html
    assert f"{timezone.localdate().year}年度助链联动工作报告" in html


def test_same_data_same_report(db, year_issues):
    on = date(2026, 1, 15)
    assert render_annual_report_pdf(YEAR, on=on) == render_annual_report_pdf(YEAR, on=on)
