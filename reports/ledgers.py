"""The Excel ledgers (台账): issues with the list's filters, and a year's meeting decisions.

Each ledger is a generator of rows that reports/xlsx.py writes into the file as the response
sends it: the issues come from a server-side cursor in chunks, as plain values (no model
instance per row), their chain, union, category, measure and department names from small maps
read once (a few hundred rows), so a ledger of a million issues takes no more memory than one
of a hundred, and the queries are a fixed number whatever the size (the latest progress note
comes from a subquery, not one query per row).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connections, transaction
from django.db.models import OuterRef, Subquery
from django.http import QueryDict
from django.utils.translation import gettext as _

from issues import asof, deadlines
from issues.counting import beijing_date
from issues.filters import IssueFilter
from issues.models import Issue, IssueUpdate, Satisfaction, State, today
from liaison.database import WORKER, statement_timeout_ms
from liaison.formats import cn_date
from meetings.models import DecisionState
from organisation.models import Department, IndustryChain, IssueCategory, Measure
from reports import xlsx

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
    # The ledger reads columns (`values_list`) and names them from `_Names`: no related rows.
    base = Issue.objects.visible_to(user)
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


# What a ledger row reads: plain values, the names by id from `_Names`.
ISSUE_VALUES = (
    "number",
    "title",
    "description",
    "company",
    "chain_id",
    "category_id",
    "measure_id",
    "state",
    "department_id",
    "raised_on",
    "due_date",
    "resolved_on",
    "first_assigned_on",
    "resolution",
    "satisfaction",
    "latest_update",
)


class _Names:
    """The names a ledger row shows by id: the reference tables, read whole (a few hundred
    rows) instead of joined to every issue."""

    def __init__(self) -> None:
        self.chains = {
            pk: (union, name)
            for pk, union, name in IndustryChain.objects.values_list("pk", "union__name", "name")
        }
        self.categories = dict(IssueCategory.objects.values_list("pk", "name"))
        self.measures = {
            pk: f"{number}. {title}"
            for pk, number, title in Measure.objects.values_list("pk", "number", "title")
        }
        self.departments = dict(Department.objects.values_list("pk", "name"))


def issues_workbook(issues, *, heading: str = "") -> Iterator[bytes]:
    """The ledger of `issues` as xlsx bytes, made as they are read (reports/xlsx.py).

    Deadlines are those of the day the issues stand on: today, or the ledger's `as_of` day
    (an as-of queryset's)."""
    sheet = xlsx.Sheet(_("问题台账"), _translated(ISSUE_COLUMNS), _issue_rows(issues), heading)
    return xlsx.stream([sheet])


def _issue_rows(issues) -> Iterator[list]:
    on = getattr(issues, "as_of", None) or today()
    names = _Names()
    states = {value: str(name) for value, name in State.choices}
    satisfactions = {value: str(name) for value, name in Satisfaction.choices}
    yes, no = _("是"), _("否")
    # The Beijing dates from SQL: nothing to PostgreSQL, ~2 µs each to Python.
    rows = issues.annotate(
        raised_on=beijing_date("raised_at"),
        resolved_on=beijing_date("resolved_at"),
        first_assigned_on=beijing_date("first_assigned_at"),
    ).values_list(*ISSUE_VALUES)
    with _reading(rows):
        for (
            number,
            title,
            description,
            company,
            chain_id,
            category_id,
            measure_id,
            state,
            department_id,
            raised_on,
            due_date,
            resolved_on,
            first_assigned_on,
            resolution,
            satisfaction,
            latest_update,
        ) in rows.iterator(chunk_size=CHUNK_ROWS):
            overdue = deadlines.is_overdue(state, due_date, on)
            union, chain = names.chains[chain_id]
            yield [
                number,
                title,
                description,
                company,
                union,
                chain,
                names.categories[category_id],
                names.measures.get(measure_id, ""),
                states.get(state, state),
                names.departments.get(department_id, ""),
                raised_on,
                due_date,
                resolved_on,
                deadlines.days_to_resolve(first_assigned_on, resolved_on),
                yes if overdue else no,
                deadlines.days_overdue(state, due_date, on) or None,
                resolution,
                satisfactions.get(satisfaction, satisfaction),
                latest_update,
            ]


@contextmanager
def _reading(rows) -> Iterator[None]:
    """The transaction the ledger's rows are read in. On PostgreSQL the server-side cursor then
    sends rows as they are made; outside a transaction (autocommit) Django declares it WITH HOLD,
    and PostgreSQL makes the whole result before the first row (2.9 s at 100k issues, with a
    temporary file as large). It begins when the response sends the first rows, after the
    view and the middleware wrote what they write (the audit log, the session): a download
    given up rolls back only this read. Not on SQLite: its transactions take the write lock
    (`transaction_mode` IMMEDIATE), and it reads in chunks without one."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=rows.db):
        with connection.cursor() as cursor:
            # Each FETCH is a statement: the web's 5 s would cancel the first one of a ledger
            # as of a past day (its last history rows are all found before the first row:
            # 4.3 s at 100k), which WITH HOLD ran unbounded. A download is bounded like a
            # document the task worker renders. No JIT: compiling the plan held the first
            # rows 0.4 s at 100k for no gain in the rest.
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true), set_config('jit', 'off', true)",
                [str(statement_timeout_ms(WORKER))],
            )
        yield


def _translated(columns) -> list[tuple[str, float]]:
    return [(_(header), width) for header, width in columns]


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


def decisions_workbook(decisions, *, heading: str = "") -> Iterator[bytes]:
    """Every 议定事项 of a year: its meeting, department, due date and where it stands now."""
    sheet = xlsx.Sheet(
        _("议定事项台账"), _translated(DECISION_COLUMNS), _decision_rows(decisions), heading
    )
    return xlsx.stream([sheet])


def _decision_rows(decisions) -> Iterator[list]:
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
        yield [
            meeting.title,
            meeting.scheduled_at,
            decision.number,
            decision.text,
            decision.department.name if decision.department else "",
            decision.due_date,
            issue.number if issue else "",
            issue.title if issue else "",
            state,
            _("是") if late else _("否"),
            decision.report_text,
            decision.closed_at,
        ]
