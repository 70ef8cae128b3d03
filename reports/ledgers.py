"""The Excel ledgers (台账): issues with the list's filters, and a year's meeting decisions.

openpyxl in write-only mode writes rows as they come (to a temporary file of its own), the
issues are read from a server-side cursor in chunks, and the finished file is zipped into a
spooled temporary file (on disk beyond `SPOOL_BYTES`) that the view streams out: a ledger of
100,000 issues takes no more memory than one of a hundred. The queries are a fixed number
whatever the size (the latest progress note comes from a subquery, not one query per row).
"""

from __future__ import annotations

from datetime import date, datetime
from tempfile import SpooledTemporaryFile
from typing import IO

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from issues.filters import IssueFilter
from issues.models import Issue, IssueUpdate, State, today
from meetings.models import DecisionState
from reports.cells import SafeSheet

DATE_FORMAT = "yyyy-mm-dd"  # ISO in exports (JOURNEYS "How the pages should feel")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 2 * 1024 * 1024  # a ledger larger than this is zipped to disk, not to memory
CHUNK_ROWS = 2000  # rows fetched per round trip of the server-side cursor


ISSUE_COLUMNS = [
    # (header, width)
    ("编号", 11),
    ("标题", 36),
    ("产业工会", 22),
    ("产业链", 12),
    ("类别", 10),
    ("相关措施", 18),
    ("状态", 9),
    ("承办部门", 24),
    ("提出日期", 12),
    ("办理时限", 12),
    ("办结日期", 12),
    ("办理天数", 9),
    ("是否超期", 9),
    ("满意度", 9),
    ("最新进展", 50),
]


def ledger_issues(user, params):
    base = Issue.objects.visible_to(user).with_related()
    filterset = IssueFilter(params or None, queryset=base)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    latest = IssueUpdate.objects.filter(issue=OuterRef("pk")).order_by("-created_at", "-pk")
    return queryset.annotate(latest_update=Subquery(latest.values("text")[:1])).order_by(
        "-raised_at", "-pk"
    )


def _sheet(workbook: Workbook, title: str, columns) -> object:
    sheet = workbook.create_sheet(title)
    # Both must be set before the first row is written in write-only mode.
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    cells = []
    for header, _width in columns:
        cell = WriteOnlyCell(sheet, value=_(header))
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cells.append(cell)
    sheet.append(cells)
    return SafeSheet(sheet)  # every text cell from here on: never a formula (reports/cells.py)


def _date(sheet, value):
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def issues_workbook(issues) -> IO[bytes]:
    """The ledger of `issues` as an xlsx file, rewound (the caller streams and closes it)."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, _("问题台账"), ISSUE_COLUMNS)
    states = dict(State.choices)
    on = today()
    for issue in issues.iterator(chunk_size=CHUNK_ROWS):
        measure = f"{issue.measure.number}. {issue.measure.title}" if issue.measure else ""
        overdue = issue.is_overdue_on(on)
        sheet.append(
            [
                issue.number,
                issue.title,
                issue.chain.union.name,
                issue.chain.name,
                issue.category.name,
                measure,
                str(states.get(issue.state, issue.state)),
                issue.department.name if issue.department else "",
                _date(sheet, issue.raised_at),
                _date(sheet, issue.due_date),
                _date(sheet, issue.resolved_at),
                issue.days_to_resolve,
                _("是") if overdue else _("否"),
                issue.get_satisfaction_display() if issue.satisfaction else "",
                issue.latest_update or "",
            ]
        )
    return _save(workbook)


DECISION_COLUMNS = [
    ("会议", 34),
    ("会议日期", 12),
    ("序号", 6),
    ("议定事项", 60),
    ("责任部门", 24),
    ("完成时限", 12),
    ("相关问题", 11),
    ("问题标题", 30),
    ("当前状态", 10),
    ("是否逾期", 9),
    ("办结情况", 30),
    ("销号日期", 12),
]


def decisions_workbook(decisions) -> IO[bytes]:
    """Every 议定事项 of a year: its meeting, department, due date and where it stands now."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, _("议定事项台账"), DECISION_COLUMNS)
    states = dict(State.choices)
    on = today()
    for decision in decisions.iterator(chunk_size=CHUNK_ROWS):
        meeting, issue = decision.minutes.meeting, decision.issue
        if issue is not None:
            state = str(states.get(issue.state, issue.state))
            late = issue.is_overdue_on(on)
        elif decision.state != DecisionState.OPEN:
            # Tracked alone to 销号: reported by its department, or closed by the secretariat.
            state, late = decision.tracking_label, decision.is_overdue_on(on)
        else:
            # Still open: its own deadline says where it stands.
            state = _("已过时限") if decision.due_date and decision.due_date < on else _("未到时限")
            late = decision.is_overdue_on(on)
        sheet.append(
            [
                meeting.title,
                _date(sheet, meeting.scheduled_at),
                decision.number,
                decision.text,
                decision.department.name if decision.department else "",
                _date(sheet, decision.due_date),
                issue.number if issue else "",
                issue.title if issue else "",
                state,
                _("是") if late else _("否"),
                decision.report_text,
                _date(sheet, decision.closed_at),
            ]
        )
    return _save(workbook)


def _save(workbook: Workbook) -> IO[bytes]:
    spool = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    try:
        workbook.save(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool
