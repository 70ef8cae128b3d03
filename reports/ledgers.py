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
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from issues import asof, deadlines
from issues.filters import IssueFilter
from issues.models import Issue, IssueUpdate, Satisfaction, State, today
from liaison.formats import cn_date
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
    ("问题描述", 50),
    ("涉及企业", 20),
    ("产业工会", 22),
    ("产业链", 12),
    ("类别", 10),
    ("相关措施", 18),
    ("状态", 9),
    ("承办部门", 24),
    ("提出日期", 12),
    ("办理时限", 12),
    ("报结日期", 12),
    ("办理工作日", 10),
    ("是否超期", 9),
    ("超期天数（工作日）", 11),
    ("办理结果", 50),
    ("满意度", 9),
    ("最新进展", 50),
]


class LedgerError(ValueError):
    """The ledger cannot be made as asked (a bad `as_of`): the message says why."""


def ledger_issues(user, params):
    """The issues of the ledger: the list's filters (with `as_of`, as they stood that day),
    and for department staff no issue handed back (退回) unless `returned` is asked for."""
    base = Issue.objects.visible_to(user).with_related()
    params = params.copy() if params else QueryDict(mutable=True)
    if user.is_department_staff and "returned" not in params:
        # Back with the secretariat, no department: not the department's business any more.
        params["returned"] = "false"
    filterset = IssueFilter(params, queryset=base)
    if not filterset.is_valid() and "as_of" in filterset.errors:
        raise LedgerError(" ".join(filterset.errors["as_of"]))
    queryset = filterset.qs if filterset.is_valid() else base
    day = getattr(queryset, "as_of", None)
    notes = IssueUpdate.objects.filter(issue=OuterRef("id"))
    if day:
        notes = notes.filter(created_at__lt=asof.end_of(day))
    latest = notes.order_by("-created_at", "-pk").values("text")[:1]
    return queryset.annotate(latest_update=Subquery(latest)).order_by("-raised_at", "-id")


def _sheet(workbook: Workbook, title: str, columns, heading: str = "") -> SafeSheet:
    """A sheet with the column headers (and `heading`, a title row above them), frozen below
    the headers and filterable by each column (`_finish` sets the filter's range)."""
    sheet = workbook.create_sheet(title)
    # Both must be set before the first row is written in write-only mode.
    sheet.freeze_panes = "A3" if heading else "A2"
    for index, (_header, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(columns))
    if heading:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True, size=16)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.append([cell])
        sheet.merged_cells.add(f"A1:{last}1")  # written after the rows: any time before saving
    sheet.print_title_rows = "2:2" if heading else "1:1"  # headers on every printed page
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    cells = []
    for header, _width in columns:
        cell = WriteOnlyCell(sheet, value=_(header))
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    sheet.append(cells)
    safe = SafeSheet(sheet)  # every text cell from here on: never a formula (reports/cells.py)
    safe.header_row, safe.last_column = (2 if heading else 1), last
    return safe


def _finish(sheet: SafeSheet, rows: int) -> None:
    """The autofilter over the headers and the `rows` written below them."""
    sheet.auto_filter.ref = f"A{sheet.header_row}:{sheet.last_column}{sheet.header_row + rows}"


def _date(sheet, value):
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


# What a ledger row reads: plain values, not model instances (a tenth of the time per row).
ISSUE_VALUES = (
    "number",
    "title",
    "description",
    "company",
    "chain__union__name",
    "chain__name",
    "category__name",
    "measure__number",
    "measure__title",
    "state",
    "department__name",
    "raised_at",
    "due_date",
    "resolved_at",
    "first_assigned_at",
    "resolution",
    "satisfaction",
    "latest_update",
)


# The first columns, written as they are stored.
AS_STORED = ISSUE_VALUES[:7]


def issues_workbook(issues, *, heading: str = "") -> IO[bytes]:
    """The ledger of `issues` as an xlsx file, rewound (the caller streams and closes it).

    Deadlines are those of the day the issues stand on: today, or the ledger's `as_of` day
    (an as-of queryset's). Rows are read as values through a server-side cursor, in chunks."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, _("问题台账"), ISSUE_COLUMNS, heading)
    states = {value: str(name) for value, name in State.choices}
    satisfactions = {value: str(name) for value, name in Satisfaction.choices}
    yes, no = _("是"), _("否")
    on = getattr(issues, "as_of", None) or today()
    rows = 0
    for row in issues.values(*ISSUE_VALUES).iterator(chunk_size=CHUNK_ROWS):
        state, due_date, resolved_at = row["state"], row["due_date"], row["resolved_at"]
        late = deadlines.days_overdue(state, due_date, on)
        measure = row["measure__number"]
        sheet.append(
            [
                *(row[name] for name in AS_STORED),
                f"{measure}. {row['measure__title']}" if measure is not None else "",
                states.get(state, state),
                row["department__name"] or "",
                _date(sheet, row["raised_at"]),
                _date(sheet, due_date),
                _date(sheet, resolved_at),
                deadlines.days_to_resolve(row["first_assigned_at"], resolved_at),
                yes if deadlines.is_overdue(state, due_date, on) else no,
                late or None,
                row["resolution"],
                satisfactions.get(row["satisfaction"], row["satisfaction"]),
                row["latest_update"] or "",
            ]
        )
        rows += 1
    _finish(sheet, rows)
    return _save(workbook)


def issues_heading(as_of: date | None) -> str:
    """The title row: 难点堵点台账（截至2026年12月1日）."""
    return _("难点堵点台账（截至%(day)s）") % {"day": cn_date(as_of or today())}


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


def decisions_workbook(decisions, *, heading: str = "") -> IO[bytes]:
    """Every 议定事项 of a year: its meeting, department, due date and where it stands now."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, _("议定事项台账"), DECISION_COLUMNS, heading)
    states = dict(State.choices)
    on = today()
    rows = 0
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
        rows += 1
    _finish(sheet, rows)
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
