"""The issue ledger as a clerk files it (issue 15): a title row, the columns a 台账 carries,
frozen headers, an autofilter, no returned issues in a department's ledger, and Chinese file
names for every download."""

from datetime import date, datetime, timedelta
from io import BytesIO
from urllib.parse import quote

import pytest
import time_machine
from openpyxl import load_workbook

from issues.models import today
from issues.services import perform_transition
from liaison.downloads import content_disposition
from liaison.formats import BEIJING, cn_date
from organisation.calendar import working_days_between
from organisation.models import Department
from tests.issue_helpers import assign, file_issue


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    return load_workbook(BytesIO(response.content)).active


def test_title_row_frozen_headers_autofilter_and_new_columns(client, software_officer, secretariat):
    hrss = Department.objects.get(code="hrss")
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=BEIJING), tick=False):
        late = file_issue(software_officer, title="焊工短缺", company="郑州宇通客车")
        late = perform_transition(
            late, "assign", secretariat, department=hrss, due_date=date(2026, 11, 4), note=""
        )
    file_issue(software_officer, title="培训补贴")
    client.force_login(secretariat)
    sheet = workbook(client.get("/issues/export.xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[1])
    assert rows[0][0] == f"难点堵点台账（截至{cn_date(today())}）"
    assert [str(r) for r in sheet.merged_cells.ranges] == [
        f"A1:{sheet.cell(2, len(headers)).column_letter}1"
    ]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{sheet.cell(2, len(headers)).column_letter}4"
    for column in ("问题描述", "涉及企业", "办理结果", "超期天数（工作日）"):
        assert column in headers
    (row,) = [r for r in rows[2:] if r[0] == late.number]
    values = dict(zip(headers, row, strict=True))
    assert values["涉及企业"] == "郑州宇通客车"
    assert values["问题描述"] == late.description
    assert values["是否超期"] == "是"
    assert values["超期天数（工作日）"] == working_days_between(date(2026, 11, 4), today())


@pytest.fixture
def returned(software_officer, secretariat, hrss_staff):
    """One issue hrss handed back (退回, now with the secretariat), one it still handles."""
    back = assign(file_issue(software_officer, title="不属本部门"), secretariat)
    perform_transition(back, "return", hrss_staff, reason="非本部门职责")
    kept = assign(file_issue(software_officer, title="招聘难"), secretariat)
    return back, kept


def titles(client, user, **params):
    client.force_login(user)
    rows = list(workbook(client.get("/issues/export.xlsx", params)).iter_rows(values_only=True))
    return sorted(r[1] for r in rows[2:])


def test_a_department_ledger_leaves_out_what_it_returned(client, returned, hrss_staff):
    assert titles(client, hrss_staff) == ["招聘难"]
    assert titles(client, hrss_staff, returned="true") == ["不属本部门"]  # asked for
    assert titles(client, hrss_staff, returned="false") == ["招聘难"]


def test_the_secretariat_ledger_keeps_returned_issues(client, returned, secretariat):
    assert titles(client, secretariat) == ["不属本部门", "招聘难"]


# --- file names -------------------------------------------------------------------------------


def test_the_one_helper_gives_the_chinese_name_and_an_ascii_fallback():
    header = content_disposition("台账-2026年12月1日.xlsx", fallback="ledger-2026-12-01.xlsx")
    assert header == (
        'attachment; filename="ledger-2026-12-01.xlsx"; '
        f"filename*=UTF-8''{quote('台账-2026年12月1日.xlsx')}"
    )
    assert (
        content_disposition("meetings.ics", attachment=False) == 'inline; filename="meetings.ics"'
    )
    # Without a fallback the ASCII part of the name is kept, never a quote or a slash.
    assert content_disposition('企业"申报"/材料 v2.pdf').startswith(
        'attachment; filename="v2.pdf";'
    )
    assert content_disposition("申报材料.pdf").startswith('attachment; filename="download.pdf";')


def name_of(response) -> str:
    disposition = response["Content-Disposition"]
    assert 'filename="' in disposition  # the ASCII fallback
    return disposition.split("filename*=UTF-8''", 1)[1]


def test_every_download_has_its_chinese_name(client, secretariat, leader):
    client.force_login(secretariat)
    day = today()
    ledger = client.get("/issues/export.xlsx")
    assert name_of(ledger) == quote(f"台账-{day.year}年{day.month}月{day.day}日.xlsx")
    past = day - timedelta(days=3)
    as_of = client.get("/issues/export.xlsx", {"as_of": past.isoformat()})
    assert name_of(as_of) == quote(f"台账-{cn_date(past)}.xlsx")
    decisions = client.get(f"/meetings/decisions/{day.year}.xlsx")
    assert name_of(decisions) == quote(f"{day.year}年议定事项台账.xlsx")
    assert workbook(decisions).auto_filter.ref == "A1:L1"  # headers only: no decision yet
    client.force_login(leader)
    pdf = client.get(f"/reports/annual/{day.year}.pdf")
    assert pdf["Content-Disposition"].startswith("inline; ")
    assert name_of(pdf) == quote(f"{day.year}年度工作报告.pdf")
    docx = client.get(f"/reports/annual/{day.year}.docx")
    assert name_of(docx) == quote(f"{day.year}年度工作报告.docx")
