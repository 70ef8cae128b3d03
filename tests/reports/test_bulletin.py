"""The period bulletin (通报): who may open it, its period, its file names, and that its PDF,
DOCX and xlsx say the same figures as the dashboard's definitions."""

import io
import shutil
from datetime import date, datetime, time
from urllib.parse import quote

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent, Event
from issues.counting import LEAGUE_COLUMNS, label, league, league_header
from issues.models import Issue, SupervisionNotice
from issues.stats import period_figures
from organisation.calendar import is_working_day
from reports.bulletin import (
    ESCALATED_HEADERS,
    SUPERVISED_HEADERS,
    BulletinPeriod,
    bulletin_context,
    bulletin_docx,
    bulletin_pdf,
    bulletin_xlsx,
)
from tests.printing.docx_helpers import docx_body_text, libreoffice_pdf, pdf_body_text
from tests.printing.helpers import flat_text, make_year_of_issues

pytestmark = pytest.mark.django_db

ON = date(2025, 10, 15)
Q3 = BulletinPeriod(date(2025, 7, 1), date(2025, 9, 30))


def _at(day: date):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def quarter(secretariat):
    make_year_of_issues(2025, 80, today=ON)
    held = Issue.objects.filter(
        department__isnull=False, raised_at__date__gte=Q3.start, raised_at__date__lte=Q3.end
    )
    for n, issue in enumerate(held[:3], start=1):
        SupervisionNotice.objects.create(
            issue=issue,
            kind=SupervisionNotice.Kind.SUPERVISE,
            year=2025,
            sequence=n,
            department=issue.department,
            text="请于答复期限前报告办理进展。",
            issued_at=_at(date(2025, 9, 10 + n)),
            reply_by=date(2025, 9, 20 + n),
            issued_by=secretariat,
        )
    return period_figures(Q3.start, Q3.end, on=ON)


def test_the_default_period_is_the_last_full_quarter():
    assert BulletinPeriod.last_full_quarter(date(2026, 12, 1)) == BulletinPeriod(
        date(2026, 7, 1), date(2026, 9, 30)
    )
    assert BulletinPeriod.last_full_quarter(date(2026, 1, 1)) == BulletinPeriod(
        date(2025, 10, 1), date(2025, 12, 31)
    )
    assert Q3.label == "2025年第三季度" and Q3.number == "助链通〔2025〕3号"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-13-01", "to": "2025-12-31"}, "请输入有效的起止日期"),
        ({"from": "2025-10-01"}, "请同时给出起始日期和结束日期"),
        ({"from": "2025-10-01", "to": "2025-09-01"}, "起始日期不能晚于结束日期"),
        ({"from": "2015-01-01", "to": "2025-09-01"}, "时间段最长五年"),
    ],
)
@pytest.mark.parametrize("kind", ["pdf", "xlsx", "docx"])
def test_a_bad_period_is_400_with_the_reason_in_chinese(client, secretariat, query, message, kind):
    client.force_login(secretariat)
    response = client.get(f"/reports/bulletin.{kind}", query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretariat", 200),
        ("leader", 200),
        ("software_officer", 403),
        ("hrss_staff", 403),
        ("outsider", 403),
    ],
)
def test_secretariat_and_leaders_only(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    with time_machine.travel(_at(ON), tick=False):
        assert client.get("/reports/bulletin.xlsx").status_code == status


def test_signed_out_goes_to_sign_in(client):
    assert client.get("/reports/bulletin.pdf").status_code == 302


def test_chinese_file_names_and_the_audit_log(client, leader, quarter):
    client.force_login(leader)
    with time_machine.travel(_at(ON), tick=False):
        pdf = client.get("/reports/bulletin.pdf", {"download": "1"})
        xlsx = client.get("/reports/bulletin.xlsx")
        docx = client.get("/reports/bulletin.docx")
    name = quote("2025年第三季度通报")
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert pdf["Content-Disposition"].endswith(f"''{name}.pdf")
    assert xlsx["Content-Disposition"].endswith(f"''{name}.xlsx")
    assert docx["Content-Disposition"].endswith(f"''{name}.docx")
    events = AuditEvent.objects.filter(user=leader).values_list("event", "detail")
    assert (Event.DOWNLOAD, "2025年第三季度通报.pdf") in events
    assert (Event.EXPORT, "2025年第三季度通报.xlsx") in events
    assert (Event.DOWNLOAD, "2025年第三季度通报.docx") in events


def test_the_pdf_prints_the_league_table_the_supervised_and_the_escalated(quarter):
    flat = flat_text(bulletin_pdf(Q3, on=ON))
    assert "助链联动工作通报" in flat and "助链通〔2025〕3号" in flat
    assert "2025年第三季度助链联动工作通报" in flat
    rows = league(quarter["by_department"])
    assert rows
    for n, row in enumerate(rows, start=1):
        assert f"{n}{row['name']}{row['assigned']}" in flat, row["name"]
    assert "".join(label(k) for k in LEAGUE_COLUMNS) in flat
    for n in range(1, 4):
        assert f"督办〔2025〕{n}号" in flat
    assert f"督导事项共{len(quarter['escalated'])}件" in flat
    assert "2025年10月15日印发" in flat


def test_the_xlsx_has_the_figures_as_numbers(quarter):
    book = load_workbook(io.BytesIO(bulletin_xlsx(Q3, on=ON)))
    assert book.sheetnames == ["总体情况", "职能部门办理情况", "督办事项", "督导事项"]
    totals = {r[0]: r[1] for r in book["总体情况"].iter_rows(min_row=2, values_only=True)}
    for key in ("raised", "resolved", "verified", "on_time_rate", "explained", "supervised"):
        assert totals[label(key)] == quarter["totals"][key], key
    header, *rows = list(book["职能部门办理情况"].iter_rows(values_only=True))
    assert list(header[2:]) == [label(k) for k in LEAGUE_COLUMNS]
    expected = league(quarter["by_department"])
    assert [r[1] for r in rows] == [r["name"] for r in expected]
    for row, figures in zip(rows, expected, strict=True):
        assert list(row[2:]) == [figures[k] for k in LEAGUE_COLUMNS]
    assert len(list(book["督办事项"].iter_rows(min_row=2))) == 3
    assert len(list(book["督导事项"].iter_rows(min_row=2))) == len(quarter["escalated"])


def _without_headers(text: str) -> str:
    """A long table's header row repeats on each page of the PDF, once in the DOCX's text."""
    for header in (ESCALATED_HEADERS, SUPERVISED_HEADERS, league_header()):
        text = text.replace("".join(header), "")
    return text


def test_the_docx_says_what_the_pdf_says(quarter):
    pdf = pdf_body_text(bulletin_pdf(Q3, on=ON))
    docx = docx_body_text(bulletin_docx(Q3, on=ON))
    assert _without_headers(docx) == _without_headers(pdf)


@pytest.mark.libreoffice
def test_libreoffice_opens_the_docx_and_prints_it(quarter, tmp_path):
    if not shutil.which("libreoffice"):
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-writer)")
    printed = flat_text(libreoffice_pdf(bulletin_docx(Q3, on=ON), tmp_path))
    for text in (
        "助链联动工作通报",
        "助链通〔2025〕3号",
        "二、职能部门办理情况",
        "督办〔2025〕3号",
    ):
        assert text in printed
    for row in league(quarter["by_department"]):
        assert row["name"] in printed
    assert "2025年10月15日印发" in printed and "—1—" in printed


def test_the_reports_page_links_the_last_quarters(client, secretariat):
    client.force_login(secretariat)
    with time_machine.travel(_at(ON), tick=False):
        page = client.get("/reports/").content.decode()
    assert "/reports/bulletin.pdf?from=2025-07-01&amp;to=2025-09-30" in page
    assert "2025年第三季度通报" in page


@pytest.mark.parametrize("count", [20, 120])
def test_the_queries_do_not_grow_with_the_issues(
    db, secretariat, count, django_assert_max_num_queries
):
    make_year_of_issues(2025, count, seed=count, today=ON)
    is_working_day(ON)  # the working-day calendar is read once per process, not per document
    # 15 for the figures (issues.stats), one for the 督办 list
    with django_assert_max_num_queries(16):
        bulletin_context(Q3, on=ON)


def test_a_second_download_is_a_cache_read(client, leader, quarter, monkeypatch):
    import reports.bulletin  # noqa: PLC0415 - the module whose renderer is counted

    calls = []
    real = reports.bulletin.render_bulletin
    monkeypatch.setattr(
        reports.bulletin, "render_bulletin", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    client.force_login(leader)
    with time_machine.travel(_at(ON), tick=False):
        first = client.get("/reports/bulletin.pdf").content
        second = client.get("/reports/bulletin.pdf").content
    # Rendered once, then read from the document cache (its stamp moves when an issue
    # changes: tests/reports/test_annual_documents.py).
    assert first == second and len(calls) == 1
