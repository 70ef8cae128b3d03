"""Extension requests (延期申请): DESIGN "The bottleneck state machine", the rules in one place.

Staff of the lead department ask, on an accepted issue, for a later due date with a reason;
one pending request at a time, at most `settings.LIAISON_MAX_EXTENSIONS` approved per issue.
The secretariat approves (the due date moves: one issue history row `extend`) or rejects
with a note (one issue history row `extension_rejected`). A pending request lapses when the
issue leaves `accepted` (`lapse_pending`, called by `issues.services.perform_transition` in
the transaction of that transition).

Like `issues.services`: `PermissionDenied` → 403, `ExtensionConflict` → 409,
`ValidationError` → 400; the caller has fetched the issue through `issue_for` (404).
Each check runs before any input is read (role, then state, then fields), and again on
the locked row: two secretaries deciding at once, one wins, the other hears 409.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from issues.models import ExtensionRequest, Issue, State, today
from issues.permissions import is_secretariat, is_staff_of_current_department
from issues.signals import announce
from liaison.access import Conflict
from liaison.history import save_transition, save_with_history
from organisation.calendar import working_days_between

__all__ = [
    "DECISIONS",
    "ExtensionConflict",
    "check_decision",
    "check_request",
    "decide",
    "lapse_pending",
    "may_decide",
    "may_request",
    "request_extension",
]

Pending = ExtensionRequest.State.PENDING
# The two decisions: the public names of /extensions/{eid}/{approve|reject}/.
DECISIONS = ("approve", "reject")


class ExtensionConflict(Conflict):
    """Not possible in the issue's or the request's current state (409)."""


def max_extensions() -> int:
    return settings.LIAISON_MAX_EXTENSIONS


def approved_count(issue: Issue) -> int:
    """The approved requests: `extension_count` when the issue was read with it, else counted."""
    annotated = getattr(issue, "extension_count", None)
    if annotated is not None:
        return annotated
    return issue.extensions.filter(state=ExtensionRequest.State.APPROVED).count()


# --- asking ----------------------------------------------------------------------------


def may_request(user: Any, issue: Issue, requests: list[ExtensionRequest] | None = None) -> bool:
    """Is the 申请延期 form offered: lead staff, accepted, none pending, under the cap.

    `requests`: all of the issue's requests when the caller has read them (the issue page).
    """
    try:
        check_request(issue, user, requests)
    except (PermissionDenied, ExtensionConflict):
        return False
    return True


def check_request(issue: Issue, user: Any, requests: list[ExtensionRequest] | None = None) -> None:
    """403 unless staff of the lead department; 409 unless the issue may get a request now."""
    if not is_staff_of_current_department.test(user, issue):
        raise PermissionDenied(_("只有主办部门可以申请延期。"))
    if issue.state != State.ACCEPTED:
        raise ExtensionConflict(
            _("问题当前状态为“%(state)s”，只有办理中的问题可以申请延期。")
            % {"state": State(issue.state).label}
        )
    if requests is None:
        pending = issue.extensions.filter(state=Pending).first()
        approved = approved_count(issue)
    else:
        pending = next((r for r in requests if r.state == Pending), None)
        approved = sum(r.state == ExtensionRequest.State.APPROVED for r in requests)
    if pending is not None:
        raise ExtensionConflict(
            _("该问题已有一份待审批的延期申请（申请延至%(date)s），请等秘书处审批后再申请。")
            % {"date": date_format(pending.due_date)}
        )
    _check_cap(approved)


def _check_cap(approved: int) -> None:
    if approved >= max_extensions():
        raise ExtensionConflict(
            _("该问题已延期 %(n)s 次，达到上限，不能再申请延期。") % {"n": approved}
        )


def _checked_new_date(due_date: date | None, current: date | None) -> date:
    """Later than the current due date, and not in the past."""
    if due_date is None:
        raise ValidationError({"due_date": [_("请填写申请延至的日期。")]})
    if due_date < today():
        raise ValidationError({"due_date": [_("申请延至的日期不能早于今天。")]})
    if current is not None and due_date <= current:
        raise ValidationError(
            {
                "due_date": [
                    _("申请延至的日期须晚于现在的办理时限（%(date)s）。")
                    % {"date": date_format(current)}
                ]
            }
        )
    return due_date


def request_extension(
    issue: Issue, user: Any, *, due_date: date | None, reason: str
) -> ExtensionRequest:
    """File a 延期申请 for `issue`; the secretariat is told once it is committed."""
    check_request(issue, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请说明延期理由。")]})
    with transaction.atomic():
        # The issue's row is the lock every extension operation takes: asking, deciding and
        # the transitions that make a request lapse run one after the other per issue.
        locked = _lock(issue)
        check_request(locked, user)
        current, department_id = locked.due_date, locked.department_id
        # accepted ⇒ a department and a due date (a database constraint): for the type checker
        assert current is not None and department_id is not None
        new_date = _checked_new_date(due_date, current)
        try:
            with transaction.atomic():
                extension = ExtensionRequest(
                    issue=locked,
                    due_date=new_date,
                    previous_due_date=current,
                    reason=reason,
                    requested_by=user,
                    department_id=department_id,
                )
                save_with_history(extension, user, reason)
        except IntegrityError as exc:  # one pending per issue, by the database
            raise ExtensionConflict(_("该问题已有一份待审批的延期申请。")) from exc
        announce(locked, "extension_requested", user, locked.state, _change_text(extension))
    return extension


# --- deciding --------------------------------------------------------------------------


def may_decide(user: Any) -> bool:
    return bool(is_secretariat.test(user))


def check_decision(issue: Issue, extension_id: Any, user: Any) -> ExtensionRequest:
    """403 unless the secretariat, 404 for a request not of this issue, 409 unless pending."""
    if not may_decide(user):
        raise PermissionDenied(_("只有秘书处可以审批延期申请。"))
    try:
        extension = issue.extensions.get(pk=extension_id)
    except (ExtensionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404(_("延期申请不存在。")) from None
    _check_pending(extension)
    return extension


def _check_pending(extension: ExtensionRequest) -> None:
    if extension.state != Pending:
        raise ExtensionConflict(
            _("该延期申请已“%(state)s”，不能再审批（可能刚被他人处理，请刷新后再试）。")
            % {"state": ExtensionRequest.State(extension.state).label}
        )


def decide(
    issue: Issue, extension_id: Any, user: Any, decision: str, *, note: str = ""
) -> ExtensionRequest:
    """Approve (the due date moves) or reject (a note required) a pending request.

    One issue history row either way (`extend` or `extension_rejected`), and the lead
    department is told once it is committed.
    """
    if decision not in DECISIONS:
        raise Http404
    check_decision(issue, extension_id, user)
    note = (note or "").strip()
    if decision == "reject" and not note:
        raise ValidationError({"note": [_("不同意延期须说明理由。")]})
    with transaction.atomic():
        locked_issue = _lock(issue)
        extension = ExtensionRequest.objects.select_for_update().get(pk=extension_id)
        # Someone else decided a moment ago (or the issue left `accepted` and it lapsed).
        _check_pending(extension)
        if locked_issue.state != State.ACCEPTED:  # a lapse always goes with leaving accepted
            raise ExtensionConflict(_("问题已不在办理中，延期申请已失效。"))
        extension.decided_by, extension.decided_at, extension.note = user, timezone.now(), note
        if decision == "approve":
            _check_cap(approved_count(locked_issue))
            if extension.due_date < today():
                raise ExtensionConflict(
                    _("申请延至的日期（%(date)s）已过，请不同意并请主办部门重新申请。")
                    % {"date": date_format(extension.due_date)}
                )
            extension.state = ExtensionRequest.State.APPROVED
            locked_issue.due_date = extension.due_date
            event, history = "extension_approved", "extend"
        else:
            extension.state = ExtensionRequest.State.REJECTED
            event, history = "extension_rejected", "extension_rejected"
        save_with_history(extension, user, note)
        reason = _change_text(extension)
        save_transition(locked_issue, user, history, State.ACCEPTED, reason)
        announce(locked_issue, event, user, State.ACCEPTED, note)
    return extension


# --- lapsing ---------------------------------------------------------------------------


def lapse_pending(issue: Issue, user: Any, from_state: str, action: Any) -> None:
    """The pending request lapses (已失效) when a transition takes the issue out of `accepted`.

    Called inside the transition's transaction, on its locked row: nothing lapses for a
    transition that rolls back, and no request is decided after the issue has left.
    """
    if from_state != State.ACCEPTED or issue.state == State.ACCEPTED:
        return
    for extension in ExtensionRequest.objects.select_for_update().filter(
        issue=issue, state=Pending
    ):
        extension.state = ExtensionRequest.State.LAPSED
        with translation.override(settings.LANGUAGE_CODE):
            why = _("问题已%(action)s，延期申请失效。") % {"action": action}
        save_with_history(extension, user, why)


# --- helpers ---------------------------------------------------------------------------


def _lock(issue: Issue) -> Issue:
    """The issue's row, locked until the transaction ends (its counts read afresh)."""
    return Issue.objects.select_for_update().get(pk=issue.pk)


def _change_text(extension: ExtensionRequest) -> str:
    """What a request asks for and, once decided, what was said: the history reason and the
    notification text. Written in the site's language (it is stored, and read by everyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        days = working_days_between(extension.previous_due_date, extension.due_date)
        text = _("办理时限由%(old)s延至%(new)s（延长 %(days)s 个工作日），理由：%(reason)s") % {
            "old": date_format(extension.previous_due_date),
            "new": date_format(extension.due_date),
            "days": days,
            "reason": extension.reason,
        }
        if extension.note:
            text += _("；审批意见：%(note)s") % {"note": extension.note}
        return text
