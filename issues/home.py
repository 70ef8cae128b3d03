"""What waits for each person on the home page (JOURNEYS.md): one short list per need.

Every list is one query of a bounded size, so the home page costs the same with a year
of data as with a week of it.
"""

from __future__ import annotations

from django.db.models import Case, OuterRef, Subquery, Sum, Value, When
from django.utils import timezone
from django.utils.html import format_html_join

from issues import deadlines
from issues.deadlines import overdue_q, unacknowledged_q
from issues.models import (
    ExtensionRequest,
    FigureMonth,
    Issue,
    IssueDepartment,
    State,
    SupervisionNotice,
    today,
    with_row_related,
)
from issues.notices import notice_rows
from issues.states import HANDLING_STATES, Role
from issues.views import version_of
from organisation.models import Department

LIST_SIZE = 20
# The department's inbox shows the 20 most urgent of each section, as the other homes do; its
# 「全部」 opens the whole section as a list. 50 rows × 3 sections were 118 KB of HTML and ~80 ms
# of one core per view at 1M issues, the costliest page of the load mix (issue 16).
INBOX_SIZE = LIST_SIZE


def work_for(user) -> dict:
    if not getattr(user, "is_authenticated", False):
        return {}
    if user.is_officer:
        return _officer(user)
    if user.is_department_staff:
        return _department(user)
    if user.is_secretariat:
        return _secretariat(user)
    if user.is_leader:
        return _leader(user)
    return {"role": ""}


def _shown_and_more(rows: list, size: int) -> tuple[list, bool]:
    """The first `size` of `rows` read with one more, and whether there are more: a badge
    then says 「20+」, not a total of 20."""
    return rows[:size], len(rows) > size


def _officer(user) -> dict:
    chains = Issue.objects.filter(chain_id__in=user.chain_ids)
    sections = {
        "to_verify": chains.filter(state=State.RESOLVED).order_by("resolved_at"),
        "returned": chains.filter(state=State.RAISED, return_count__gt=0).order_by("-raised_at"),
        "overdue": chains.overdue().order_by("due_date"),
    }
    work: dict = {"role": "officer", "may_raise": bool(user.chain_ids)}
    for name, section in sections.items():
        work[name], work[f"{name}_more"] = _shown_and_more(
            list(section[: LIST_SIZE + 1]), LIST_SIZE
        )
    work["recent"] = list(chains.order_by("-raised_at", "-pk")[:10])
    with_row_related(*(work[name] for name in (*sections, "recent")))
    return work


def _department(user) -> dict:
    """The department's inbox (JOURNEYS 2): 待签收 first, with the day to sign by; then what
    it leads (主办, 办理中) by due date, so the overdue come first; then what it co-handles
    (协办). Each list is one query of at most `INBOX_SIZE` (+1, to say there are more)."""
    on = today()
    department = user.department
    ours = Issue.objects.filter(department_id=user.department_id)
    late_to_sign = Case(When(unacknowledged_q(on), then=Value(0)), default=Value(1))
    to_accept = ours.filter(state=State.ASSIGNED)
    handling = ours.filter(state=State.ACCEPTED)
    co_handling = Issue.objects.filter(state__in=HANDLING_STATES).filter(
        pk__in=IssueDepartment.objects.filter(
            department_id=user.department_id, role=Role.CO, active=True
        ).values("issue_id")
    )
    sections = {
        "to_accept": _inbox_rows(to_accept, (late_to_sign, "due_date", "assigned_at", "pk"), on),
        "handling": _inbox_rows(handling, ("due_date", "assigned_at", "pk"), on),
        "co_handling": _inbox_rows(co_handling, ("due_date", "pk"), on),
    }
    with_row_related(*(rows for rows, _more in sections.values()))
    # 催办/督办 addressed to the department and not answered yet: on top until answered.
    notices = list(
        SupervisionNotice.objects.filter(
            department_id=user.department_id,
            answered_at__isnull=True,
            issue__department_id=user.department_id,
            issue__state__in=HANDLING_STATES,
        )
        .select_related("issue")
        .order_by("reply_by", "pk")[:LIST_SIZE]
    )
    return {
        "role": "department",
        "code": department.code if department else "",
        "notices": notice_rows(notices, on),
        **{name: rows for name, (rows, _more) in sections.items()},
        **{f"{name}_more": more for name, (_rows, more) in sections.items()},
        "awaiting": Issue.objects.filter(
            department_id=user.department_id, state=State.RESOLVED
        ).count(),
    }


def _inbox_rows(section, order, on) -> tuple[list[Issue], bool]:
    """At most `INBOX_SIZE` issues of `section` in `order`, each with what its row says: how
    long ago it was given (calendar days), the day to sign by, and working days overdue or
    left."""
    # Still one query: the first ids in that order are chosen by a subquery of ids alone (from
    # the section's partial index: an index-only walk), then only those rows are read and put
    # in order (what they show beside them is read for the three sections at once by the
    # caller). Sorting the rows of every issue of a section grew with the workload (issue 14).
    first = section.order_by(*order).values("pk")[: INBOX_SIZE + 1]
    rows = list(Issue.objects.filter(pk__in=Subquery(first)).order_by(*order))
    for issue in rows:
        since = issue.assigned_at or issue.raised_at
        issue.age_days = (on - timezone.localdate(since)).days if since else 0
        issue.late_days = deadlines.days_overdue(issue.state, issue.due_date, on)
        issue.left_days = deadlines.days_left(issue.state, issue.due_date, on)
        issue.version = version_of(issue)  # the one-tap 签收 acts on what the row showed
    return _shown_and_more(rows, INBOX_SIZE)


def _secretariat(user) -> dict:
    # A returned issue's row says why it came back: the reason of its last `return` history
    # row, read in the same query as the list (a subquery), not once per row.
    last_return = (
        Issue.history.filter(id=OuterRef("pk"), transition="return")
        .order_by("-history_date", "-history_id")
        .values("history_change_reason")[:1]
    )
    to_assign = list(
        Issue.objects.with_related()
        .filter(state=State.RAISED)
        .annotate(return_reason=Subquery(last_return))
        .order_by("-return_count", "raised_at")[: LIST_SIZE * 2]
    )
    return {
        "role": "secretariat",
        "returned": [i for i in to_assign if i.return_count],
        "new": [i for i in to_assign if not i.return_count],
        # The same options in every row's 承办部门 select: rendered once, not once per row.
        "department_options": format_html_join(
            "", '<option value="{}">{}</option>', Department.objects.values_list("pk", "name")
        ),
        "min_date": today().isoformat(),
        "counts": _counts(),
        # 延期申请 waiting for a decision, the oldest first.
        "extensions": list(
            ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
            .select_related("issue", "department")
            .order_by("requested_at", "pk")[:LIST_SIZE]
        ),
    }


def _leader(user) -> dict:
    return {"role": "leader", "counts": _counts()}


def _counts() -> dict:
    """Issues by state and overdue, in two small queries.

    By state: the rollup's months per state (`FigureMonth`, kept in the transaction of every
    change by `issues.rollup`): a few hundred rows, where counting the issues themselves read
    the whole (state, due_date) index (115 ms at 1,000,000 issues). Overdue: a range of that
    index (open states, due before today), which stays small."""
    by_state = dict(
        FigureMonth.objects.filter(grouped_by=FigureMonth.Grouping.STATE)
        .values_list("state")
        .annotate(n=Sum("raised"))
        .order_by()
    )
    row = {state: by_state.get(state, 0) for state in State.values}
    row["total"] = sum(row.values())
    row["overdue"] = Issue.objects.filter(overdue_q(today())).order_by().count()
    row["by_state"] = [(value, label, row[value]) for value, label in State.choices]
    return row
