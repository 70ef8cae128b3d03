"""The issue ledger: the list's filters, the caller's visibility, real dates, flat queries."""

import datetime as dt
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from issues.filters import IssueFilter
from issues.models import Issue
from issues.services import perform_transition, post_update
from tests.issue_helpers import assign, file_issue

HEADERS = [
    "编号",
    "标题",
    "问题描述",
    "涉及企业",
    "产业工会",
    "产业链",
    "类别",
    "相关措施",
    "状态",
    "承办部门",
    "提出日期",
    "办理时限",
    "报结日期",
    "办理工作日",
    "是否超期",
    "超期天数（工作日）",
    "办理结果",
    "满意度",
    "最新进展",
]


@pytest.fixture
def ledger(software_officer, ai_officer, automotive_officer, secretariat, hrss_staff):
    a = assign(file_issue(software_officer, title="测试工程师招聘难"), secretariat, days=10)
    post_update(a, hrss_staff, "已召开协调会")
    post_update(a, hrss_staff, "补贴已进入复核")
    b = assign(
        file_issue(ai_officer, chain="ai", title="算法人才落户"), secretariat, department="housing"
    )
    m2 = b.department.staff.create(username="m2", role="department")
    perform_transition(perform_transition(b, "accept", m2), "resolve", m2, resolution="已办结")
    file_issue(automotive_officer, chain="automotive", title="焊工培训")
    return a


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("难点堵点台账（截至")  # the title row, above the headers
    return sheet, rows[1], rows[2:]


def test_headers_frozen_row_widths_and_real_dates(client, ledger, secretariat):
    client.force_login(secretariat)
    sheet, header, rows = sheet_rows(client.get("/issues/export.xlsx"))
    assert list(header) == HEADERS
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    col = {name: i for i, name in enumerate(HEADERS)}
    (row,) = [r for r in rows if r[0] == ledger.number]
    assert row[1] == "测试工程师招聘难" and row[col["产业工会"]] == "市电子信息科技工会"
    assert row[col["问题描述"]] == ledger.description and row[col["产业链"]] == "软件"
    assert row[col["状态"]] == "待签收" and row[col["承办部门"]] == "市人力资源和社会保障局"
    assert isinstance(row[col["提出日期"]], dt.datetime)
    assert row[col["办理时限"]].date() == ledger.due_date and row[col["报结日期"]] is None
    assert row[col["是否超期"]] == "否" and row[col["超期天数（工作日）"]] is None
    assert row[col["最新进展"]] == "补贴已进入复核"
    cell = sheet.cell(row=3, column=col["提出日期"] + 1)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    resolved = [r for r in rows if r[1] == "算法人才落户"][0]
    assert resolved[col["状态"]] == "待评价" and resolved[col["办理结果"]] == "已办结"
    assert isinstance(resolved[col["报结日期"]], dt.datetime) and resolved[col["办理工作日"]] == 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"chain": "software"},
        {"state": "raised"},
        {"department": "housing"},
        {"q": "招聘"},
        {"union": "auto-equipment"},
    ],
)
def test_rows_equal_the_filtered_list(client, ledger, secretariat, params):
    client.force_login(secretariat)
    _sheet, _header, rows = sheet_rows(client.get("/issues/export.xlsx", params))
    filterset = IssueFilter(QueryDict(urlencode(params)), queryset=Issue.objects.all())
    assert filterset.is_valid()
    expected = filterset.qs
    assert sorted(r[0] for r in rows) == sorted(expected.values_list("number", flat=True))


def test_visibility_of_the_caller(client, ledger, hrss_staff, automotive_officer, outsider):
    client.force_login(hrss_staff)
    assert [r[1] for r in sheet_rows(client.get("/issues/export.xlsx"))[2]] == ["测试工程师招聘难"]
    client.force_login(automotive_officer)
    assert [r[1] for r in sheet_rows(client.get("/issues/export.xlsx"))[2]] == ["焊工培训"]
    client.force_login(outsider)
    assert sheet_rows(client.get("/issues/export.xlsx"))[2] == []


def test_signed_out_is_sent_to_login(client):
    assert client.get("/issues/export.xlsx").status_code == 302


def test_query_count_is_flat(client, software_officer, secretariat, hrss_staff):
    client.force_login(secretariat)
    counts = []
    for n in (2, 25):
        for i in range(n):
            issue = assign(file_issue(software_officer, title=f"问题{i}"), secretariat)
            post_update(issue, hrss_staff, f"进展{i}")
        with CaptureQueriesContext(connection) as queries:
            rows = sheet_rows(client.get("/issues/export.xlsx"))[2]
        counts.append(len(queries))
    assert len(rows) == 27 and counts[0] == counts[1], counts


def test_the_ledger_is_streamed_with_its_name(client, ledger, secretariat):
    # Sent as it is written (reports/xlsx.py; tests/reports/test_xlsx.py): no length ahead.
    client.force_login(secretariat)
    response = client.get("/issues/export.xlsx")
    assert response.streaming and not response.has_header("Content-Length")
    assert response["Content-Disposition"].startswith('attachment; filename="ledger-')
    body = b"".join(response.streaming_content)
    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[1] == tuple(HEADERS) and len(rows) == 5


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's server-side cursor")
def test_the_rows_are_read_in_a_transaction_that_a_download_given_up_ends(
    client, ledger, secretariat, monkeypatch
):
    # Outside a transaction PostgreSQL would make the whole result before the first row (a
    # cursor WITH HOLD); inside one it sends rows as they are made. Closed halfway (the
    # person cancels the download), the response ends that transaction at once.
    monkeypatch.setattr("reports.xlsx.ROWS_PER_WRITE", 1)  # a chunk sent after each row
    monkeypatch.setattr("reports.xlsx.FLUSH_BYTES", 1)
    client.force_login(secretariat)
    before = len(connection.atomic_blocks)
    response = client.get("/issues/export.xlsx")
    assert len(connection.atomic_blocks) == before  # not begun by the view: after it
    chunks = iter(response.streaming_content)
    next(chunks)  # the package's first parts
    next(chunks)  # the sheet has begun: its rows are being read
    assert len(connection.atomic_blocks) == before + 1
    with connection.cursor() as cursor:
        # Each FETCH bounded like a document's render (10 minutes), not the web's 5 s: the
        # first FETCH of a ledger as of a past day waits for all its history rows.
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "10min"
    response.close()
    assert len(connection.atomic_blocks) == before
