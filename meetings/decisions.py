"""Decisions tracked to 销号 (DESIGN "Meetings"): who sees which, and their transitions.

A decision of approved minutes with an issue follows the issue; one without has its own
small state machine (`meetings.transitions.DECISION_TRANSITIONS`). Each transition, like a
meeting's: visible (404) → permitted (403) → the state allows it (409) → the input (400) →
`transaction.atomic()` with the row locked → the model's transition → one history row (who,
which transition, from where, why) → `decision_changed` in the same transaction.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from issues.attachments import take_over, upload_name_and_type, validate_upload
from issues.models import PendingUpload
from liaison.access import Conflict
from liaison.history import save_transition
from liaison.storage import atomic_with_files
from meetings.models import (
    FOLLOWING_ISSUE,
    Decision,
    DecisionFile,
    DecisionState,
)
from meetings.signals import decision_changed
from meetings.transitions import DECISION_TRANSITIONS, DecisionTransitionSpec

TRACKING_STATES = (*DecisionState.values, FOLLOWING_ISSUE)


class DecisionConflict(Conflict):
    """Not possible in the decision's current state (or someone changed it a moment ago)."""


def visible_decisions(user):
    """Decisions of approved minutes: distributed documents, read by every role; none else."""
    if not rules.has_perm("meetings.read", user):
        return Decision.objects.none()
    return Decision.objects.filter(minutes__approved_at__isnull=False)


def decisions_list(user):
    """The list of `/decisions/` and `GET /api/v1/decisions/`: oldest meeting first."""
    return (
        visible_decisions(user)
        .select_related("minutes__meeting", "department", "issue")
        .prefetch_related("co_departments", "files")
        .order_by("minutes__meeting__scheduled_at", "minutes__meeting_id", "order", "pk")
    )


def filter_decisions(queryset, *, year=None, department=None, state=None, overdue=None):
    """The filters of the list: meeting year, lead department code, tracking state, overdue.

    Raises `ValidationError` naming the field for a value that means nothing."""
    if year not in (None, ""):
        try:
            queryset = queryset.filter(minutes__meeting__year=int(year))
        except (TypeError, ValueError):
            raise ValidationError({"year": [_("年度无效。")]}) from None
    if department:
        queryset = queryset.filter(department__code=department)
    if state:
        if state not in TRACKING_STATES:
            raise ValidationError({"state": [_("状态无效。")]})
        queryset = queryset.in_state(state)
    if overdue in (True, "true", "1", "on"):
        queryset = queryset.overdue_on(timezone.localdate())
    elif overdue in (False, "false", "0"):
        queryset = queryset.exclude(pk__in=queryset.overdue_on(timezone.localdate()).values("pk"))
    return queryset


def decision_for(user, pk) -> Decision:
    """The one access helper: a decision this person may see, or 404 (never 403)."""
    try:
        return decisions_list(user).get(pk=pk)
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404(_("议定事项不存在。")) from None


def decision_to_change(user, pk, name: str) -> Decision:
    """A visible decision (404) that this person may take transition `name` on (403)."""
    spec = DECISION_TRANSITIONS.get(name)
    if spec is None:
        raise Http404(_("没有这个操作。"))
    decision = decision_for(user, pk)
    if not rules.has_perm(spec.permission, user, decision):
        raise PermissionDenied(
            _("只有责任部门可以报告办结。")
            if name == "report"
            else _("只有秘书处可以销号或退回议定事项。")
        )
    return decision


def perform_decision_transition(
    decision: Decision, name: str, user, *, text: str = "", files=()
) -> Decision:
    """Run `name` (report, close, reopen) on `decision` for `user`; `text` is the report or
    the reason, `files` the report's attachments (report only)."""
    spec = DECISION_TRANSITIONS[name]
    if not rules.has_perm(spec.permission, user, decision):
        raise PermissionDenied(_("您无权执行此操作。"))
    _require_state_allows(decision, spec)
    text = (text or "").strip()
    if spec.field_required and not text:
        raise ValidationError({spec.field: [_("请填写%(field)s。") % {"field": spec.field_label}]})
    files = list(files) if spec.takes_files else []
    for upload in files:
        if isinstance(upload, PendingUpload):
            continue  # kept from a failed try: checked when it was kept (issues.pending)
        try:
            validate_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc
    try:
        # A file saved here is removed again if the transaction rolls back (liaison/storage.py).
        with atomic_with_files():
            locked = (
                Decision.objects.select_related("minutes", "issue")
                .select_for_update(of=("self",))
                .get(pk=decision.pk)
            )
            if locked.state != decision.state:
                raise DecisionConflict(_("该议定事项刚刚被他人更改，请刷新页面后再试。"))
            _require_state_allows(locked, spec)
            from_state = locked.state
            method = getattr(locked, spec.method)
            method(text=text, user=user) if name == "report" else method(user=user)
            save_transition(locked, user, name, from_state, text)
            for upload in files:
                _store(locked, upload, user)
            # In the transaction: what listeners write commits or rolls back with the change.
            decision_changed.send(
                sender=Decision, decision=locked, user=user, transition=name, reason=text
            )
    except ConcurrentTransition as exc:
        raise DecisionConflict(_("该议定事项刚刚被他人更改，请刷新页面后再试。")) from exc
    return decision_for(user, locked.pk) if rules.has_perm("meetings.read", user) else locked


def _require_state_allows(decision: Decision, spec: DecisionTransitionSpec) -> None:
    if can_proceed(getattr(decision, spec.method)):
        return
    if decision.issue is not None:
        raise DecisionConflict(
            _("该议定事项随相关问题 %(number)s 办理，问题办结即视为落实，无需单独%(action)s。")
            % {"number": decision.issue.number, "action": spec.label}
        )
    if decision.minutes.approved_at is None:
        raise DecisionConflict(
            _("纪要尚未审定，议定事项还不能%(action)s。") % {"action": spec.label}
        )
    raise DecisionConflict(
        _("议定事项当前状态为“%(state)s”，不能%(action)s。")
        % {"state": decision.get_state_display(), "action": spec.label}
    )


def _store(decision: Decision, upload, user) -> DecisionFile:
    if isinstance(upload, PendingUpload):  # kept from a failed try: its stored file is taken over
        record = DecisionFile(decision=decision, **take_over(upload, user))
        record.save()
        return record
    name, content_type = upload_name_and_type(upload)
    record = DecisionFile(
        decision=decision,
        original_name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=user,
    )
    record.file.save(name, upload, save=False)
    record.save()
    return record


def history_of(decision: Decision) -> list:
    """Its transitions, oldest first (the rows a save of the draft minutes wrote are not)."""
    return list(
        decision.history.exclude(transition="")
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
