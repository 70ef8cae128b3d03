"""Supervision notices (催办单, 督办单): who issues them, how they are numbered, when
`send_reminders` issues them by itself, and how one is answered (DESIGN
"The bottleneck state machine", supervision notices).

* The secretariat issues one by hand on an assigned or accepted issue: a kind, a text and a
  reply-by date not in the past.
* `issue_automatic` (called by `send_reminders`) issues a 催办 on the first working day after
  the due date and a 督办 when the issue is still overdue `LIAISON_SUPERVISE_AFTER` working
  days later; never two of one kind for one overdue spell (the missed due date,
  `overdue_since`: a moved due date starts a new spell), and none where the secretariat has
  already issued one of that kind by hand during the spell.
* The lead department answers a notice by a progress note that names it
  (`issues.services.post_update`, `check_answer` here).

Numbers run per year and kind without gaps or duplicates: the next number is the year's
highest plus one, and the insert (one row, or a whole batch of automatic ones) runs in a
savepoint; when someone took a number meanwhile, the unique constraint refuses it and the
numbers are drawn again. No row is ever skipped after its number was drawn (the batch does
not use `ignore_conflicts`, which would leave a hole where it dropped a row), so the
numbering stays gapless.

Each notice writes one history row on its issue (transition `notice`, reason = the number,
reply-by date and text); a batch (one by hand, or every automatic notice of a run) is
announced once, in its transaction (`issues.signals.notices_issued`): notifications tells
each lead department and, for a 督办, copies the department's responsible leader by e-mail,
in a fixed number of queries whatever the size of the batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import rollup
from issues.deadlines import overdue_q, today
from issues.models import Issue, SupervisionNotice, figure_family
from issues.permissions import is_secretariat, is_staff_of_current_department
from issues.signals import announce_notices
from issues.states import HANDLING_STATES, State
from liaison.access import Conflict
from liaison.formats import cn_date
from organisation.calendar import add_working_days, working_days_between

Kind = SupervisionNotice.Kind
REPLY_DAYS = 3  # the reply-by date offered (and set on automatic notices): working days
ATTEMPTS = 5  # draws of a number before giving up (each lost only to a concurrent insert)


def supervise_after() -> int:
    return settings.LIAISON_SUPERVISE_AFTER


def default_reply_by(on: date | None = None) -> date:
    return add_working_days(on or today(), REPLY_DAYS)


def default_text(issue: Issue, kind: str, on: date | None = None) -> str:
    """The text the form offers and automatic notices carry, in the words of an official notice."""
    on = on or today()
    values = {
        "number": issue.number,
        "title": issue.title,
        "due": cn_date(issue.due_date),
        "days": working_days_between(issue.due_date, on) if issue.due_date else 0,
    }
    if kind == Kind.SUPERVISE:
        if issue.due_date and issue.due_date < on:
            return (
                _(
                    "你单位承办的问题 %(number)s「%(title)s」办理时限为%(due)s，经催办仍超期"
                    "%(days)d个工作日未办结。现列为督办事项，请主要负责同志亲自过问，"
                    "于答复期限前将办理进展和下一步措施书面报送联席会议秘书处。"
                )
                % values
            )
        return (
            _(
                "你单位承办的问题 %(number)s「%(title)s」（办理时限%(due)s）现列为督办事项，"
                "请主要负责同志亲自过问，于答复期限前将办理进展和下一步措施书面报送联席会议秘书处。"
            )
            % values
        )
    if issue.due_date and issue.due_date < on:
        return (
            _(
                "你单位承办的问题 %(number)s「%(title)s」办理时限为%(due)s，现已超期"
                "%(days)d个工作日。请抓紧办理，并于答复期限前将办理进展报送联席会议秘书处。"
            )
            % values
        )
    return (
        _(
            "你单位承办的问题 %(number)s「%(title)s」办理时限为%(due)s。请加快办理进度，"
            "并于答复期限前将办理进展报送联席会议秘书处。"
        )
        % values
    )


def history_reason(notice: SupervisionNotice) -> str:
    """What the issue's history (and the notification) says of a notice."""
    return _("%(number)s（答复期限：%(reply_by)s）：%(text)s") % {
        "number": notice.number,
        "reply_by": cn_date(notice.reply_by),
        "text": notice.text,
    }


# --- by hand ---------------------------------------------------------------------------------


def check_may_issue(user: Any) -> None:
    if not is_secretariat.test(user):
        raise PermissionDenied(_("只有秘书处可以发出催办、督办通知。"))


def issue_notice(issue: Issue, user: Any, *, kind: str, text: str, reply_by: date | None):
    """The secretariat issues a 催办 or 督办 on `issue` (assigned or accepted): 403 for anyone
    else, 409 in another state, 400 for a bad kind, an empty text or a past reply-by date."""
    check_may_issue(user)
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("请选择催办或督办。")]
    if not (text or "").strip():
        errors["text"] = [_("请填写通知内容。")]
    if reply_by is None:
        errors["reply_by"] = [_("请填写答复期限。")]
    elif reply_by < today():
        errors["reply_by"] = [_("答复期限不能早于今天。")]
    with transaction.atomic():
        # The issue locked: a transition at the same moment waits, and then sees the notice.
        locked = (
            Issue.objects.select_for_update(of=("self",))
            .select_related("department")
            .get(pk=issue.pk)
        )
        if locked.state not in HANDLING_STATES:
            raise Conflict(
                _("该问题当前状态为“%(state)s”，只有办理中的问题可以催办、督办。")
                % {"state": State(locked.state).label}
            )
        if errors:
            raise ValidationError(errors)
        assert reply_by is not None  # refused above otherwise
        notice = SupervisionNotice(
            issue=locked,
            kind=kind,
            department=locked.department,
            text=text.strip(),
            reply_by=reply_by,
            issued_by=user,
        )
        _insert_numbered([notice])
        _record([notice], user)
    return notice


# --- by the calendar ---------------------------------------------------------------------------


def issue_automatic(on: date | None = None) -> list[SupervisionNotice]:
    """The automatic 催办 and 督办 due on `on` (today), issued; a second run issues nothing.

    A fixed number of queries whatever the number of issues: one per kind to find the
    issues, one for the numbers, one insert, one for the history rows.
    """
    on = on or today()
    # 催办 from the first working day after the due date: `days_overdue` ≥ 1; 督办 when still
    # overdue `supervise_after()` working days after that day: `days_overdue` > that.
    due = {Kind.URGE: overdue_q(on, by_more_than=0)}
    due[Kind.SUPERVISE] = overdue_q(on, by_more_than=supervise_after())
    for _attempt in range(ATTEMPTS):
        notices = [
            SupervisionNotice(
                issue=issue,
                kind=kind,
                department_id=issue.department_id,
                text=default_text(issue, kind, on),
                reply_by=default_reply_by(on),
                automatic=True,
                overdue_since=issue.due_date,
            )
            for kind, condition in due.items()
            for issue in _needing(kind, condition)
        ]
        if not notices:
            return []
        try:
            with transaction.atomic():
                _insert_numbered(notices, attempts=1)
                _record(notices, None)
            return notices
        except IntegrityError:
            # A parallel run issued some of these (or took their numbers): look again.
            continue
    raise IntegrityError("could not issue the automatic notices")


def _needing(kind: str, condition: Q):
    """Issues in `condition` without a notice of `kind` for their current overdue spell: no
    automatic one for this due date, none issued by hand since the due date."""
    this_spell = SupervisionNotice.objects.filter(issue=OuterRef("pk"), kind=kind).filter(
        Q(automatic=True, overdue_since=OuterRef("due_date"))
        | Q(automatic=False, issued_at__date__gt=OuterRef("due_date"))
    )
    return (
        Issue.objects.filter(condition)
        .filter(~Exists(this_spell))
        .select_related("department")
        .order_by("due_date", "pk")
    )


# --- numbering and history ------------------------------------------------------------------


def _insert_numbered(notices: Sequence[SupervisionNotice], attempts: int = ATTEMPTS) -> None:
    """Number `notices` (in their order) after the highest of their year and kind, and insert
    them all; a number taken meanwhile makes the whole batch draw again (never a gap)."""
    year = timezone.localtime(timezone.now()).year
    for notice in notices:
        notice.year = year
        if notice.issued_at is None:
            notice.issued_at = timezone.now()
    for attempt in range(attempts):
        highest = dict(
            SupervisionNotice.objects.filter(year=year, kind__in={n.kind for n in notices})
            .values("kind")
            .annotate(m=Max("sequence"))
            .values_list("kind", "m")
        )
        counters: dict[str, int] = defaultdict(int, highest)
        for notice in notices:
            counters[notice.kind] += 1
            notice.sequence = counters[notice.kind]
        try:
            with transaction.atomic():
                if len(notices) == 1:
                    notices[0].save()  # its own history row too (simple-history's signal)
                else:
                    created = SupervisionNotice.objects.bulk_create(notices)
                    SupervisionNotice.history.bulk_history_create(created, update=False)
                    # No post_save for a bulk insert: the issues' figures (urged, supervised).
                    rollup.refresh(figure_family(n.issue) for n in created)
            return
        except IntegrityError:
            for notice in notices:
                notice.pk = None
                notice._state.adding = True
            if attempt == attempts - 1:
                raise


def _record(notices: Sequence[SupervisionNotice], user: Any) -> None:
    """One history row per notice on its issue (transition `notice`), and the announcement
    once the transaction commits. The issue row itself is not saved: a notice changes no field
    of it, so a page opened before the notice may still act on the issue."""
    HistoricalIssue = Issue.history.model
    moment = timezone.now()
    rows = []
    for notice in notices:
        issue = notice.issue
        # The issue as it stands (its state is protected: set once, by the constructor).
        values = {f.attname: getattr(issue, f.attname) for f in HistoricalIssue.tracked_fields}
        rows.append(
            HistoricalIssue(
                **values,
                history_date=moment,
                history_type="~",
                history_user=user,
                history_change_reason=history_reason(notice),
                transition="notice",
                from_state=issue.state,
            )
        )
    HistoricalIssue.objects.bulk_create(rows)
    # Listeners write their rows in this transaction, for the whole batch at once.
    announce_notices(notices, user)


# --- shown -----------------------------------------------------------------------------------


def notice_rows(notices, on: date | None = None) -> list[dict]:
    """Notices as the pages list them: each with its status on `on` (today) - the
    department's home page and the issue page read the same rows."""
    on = on or today()
    return [{"notice": n, "status": n.status_on(on)} for n in notices]


# --- answering --------------------------------------------------------------------------------


def answerable(issue: Issue, user: Any, rows: list[SupervisionNotice] | None = None):
    """The notices the person may answer by a note on `issue`: unanswered ones to its lead
    department, for that department's staff while it leads. A queryset, or, given the
    issue's notices already read (`rows`), the list of them."""
    lead = is_staff_of_current_department.test(user, issue)
    if rows is not None:
        return [
            n
            for n in rows
            if lead and n.answered_at is None and n.department_id == issue.department_id
        ]
    if not lead:
        return SupervisionNotice.objects.none()
    return issue.notices.unanswered().filter(department_id=issue.department_id)


def check_answer(issue: Issue, user: Any, notice_id: Any) -> SupervisionNotice:
    """The notice a note answers, locked, or a 400 on the `notice` field."""
    notice = (
        answerable(issue, user).select_for_update().filter(pk=notice_id).first()
        if str(notice_id).isdigit()
        else None
    )
    if notice is None:
        if not is_staff_of_current_department.test(user, issue):
            message = _("只有承办部门可以答复催办、督办通知。")
        elif issue.notices.filter(pk=notice_id, answered_at__isnull=False).exists():
            message = _("该通知已经答复。")
        else:
            message = _("该问题没有这份待答复的通知。")
        raise ValidationError({"notice": [message]})
    return notice


def notice_for(user: Any, pk: Any) -> SupervisionNotice:
    """A notice if this person sees its issue, else 404 (never 403)."""
    try:
        return (
            SupervisionNotice.objects.visible_to(user)
            .select_related("issue__chain__union", "issue__department", "department", "issued_by")
            .get(pk=pk)
        )
    except (SupervisionNotice.DoesNotExist, ValueError, TypeError):
        raise Http404(_("通知不存在。")) from None
