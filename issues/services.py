"""Business operations on issues: each under permission, in a transaction, with history.

Views and the API call these and turn the exceptions into a message or a status code:
`PermissionDenied` → 403, `TransitionConflict` → 409, `ValidationError` → 400.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, has_transition_perm

from issues import notices
from issues.attachments import store_attachment, validate_upload
from issues.extensions import lapse_pending
from issues.models import Issue, IssueUpdate, PendingUpload, Source, State
from issues.permissions import (
    is_co_department_staff,
    is_leader,
    is_secretariat,
    may_post_update,
    may_raise,
)
from issues.signals import announce
from issues.transitions import TRANSITIONS, Transition
from liaison.access import Conflict
from liaison.history import save_transition

__all__ = [
    "TRANSITIONS",
    "AlreadyFiled",
    "TransitionConflict",
    "available_transitions",
    "check_transition",
    "issue_for",
    "perform_transition",
    "post_update",
    "raise_issue",
]


class TransitionConflict(Conflict):
    """The issue is not in a state that allows this, or someone changed it a moment ago."""


def available_transitions(issue: Issue, user: Any) -> list[str]:
    """The transitions this person may take on this issue now (the buttons to show)."""
    methods = {t.name for t in issue.get_available_user_state_transitions(user)}
    return [name for name, t in TRANSITIONS.items() if t.method in methods]


class AlreadyFiled(Exception):
    """The same person filed with this submission key before: `issue` is what they filed."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.number)
        self.issue = issue


def raise_issue(user: Any, submission_key: str = "", **fields: Any) -> Issue:
    """File an issue: the chain's officer, or the secretariat for any chain (代录, with `source`).

    `submission_key` (the form's one-time key, the API's Idempotency-Key) makes filing happen
    once: the same key from the same person again raises `AlreadyFiled` with the first issue.
    """
    chain = fields["chain"]
    if not may_raise(user, chain):
        raise PermissionDenied(_("只有该产业链的在任联络员可以提出问题。"))
    fields["source"] = fields.get("source") or ""
    on_behalf = is_secretariat.test(user)
    with transaction.atomic():
        _refuse_refiling(user, submission_key)
        issue = Issue(raised_by=user, submission_key=submission_key, **fields)
        try:
            save_transition(issue, user, "raise", "", "")
        except IntegrityError:
            # Two submissions with one key at the same moment: the other one filed it.
            _refuse_refiling(user, submission_key)
            raise
        _announce(issue, "raise", user, "", "")
        if on_behalf:
            # The chain's officer hears that the secretariat filed for the chain.
            source = Source(issue.source).label if issue.source else _("秘书处")
            _announce(issue, "raise_for", user, "", str(source))
        return issue


def _refuse_refiling(user: Any, submission_key: str) -> None:
    if submission_key:
        earlier = Issue.objects.filter(raised_by=user, submission_key=submission_key).first()
        if earlier is not None:
            raise AlreadyFiled(earlier)


def check_transition(issue: Issue, name: str, user: Any) -> Transition:
    """Refuse before any input is read: 403 when the role may not, 409 when the state does not allow.

    A caller that shows a form or parses a request body asks this first, so that a leader
    posting an empty body hears "not for your role", not "field required".
    """
    spec = TRANSITIONS[name]
    # django-fsm does not check `permission=` when the method runs: this is where it is checked.
    if not spec.allows(user, issue):
        raise PermissionDenied(_("您的角色不能对该问题执行“%(action)s”。") % {"action": spec.label})
    if not spec.can_proceed(issue):
        raise TransitionConflict(_conflict_message(issue, spec))
    return spec


def perform_transition(
    issue: Issue, name: str, user: Any, *, reason_override: str | None = None, **inputs: Any
) -> Issue:
    """Run transition `name` on `issue` for `user`; returns the saved, fresh issue.

    `issue` is the version the person saw: if the row changed since (its state or its change
    stamp `updated_at`), the answer is a conflict, never a silent overwrite. Callers pass a
    freshly read issue (views: `issue_for`; meetings: `Issue.objects.get`).
    `reason_override` lets a meeting decision name the meeting in the history reason.
    """
    spec = check_transition(issue, name, user)
    # Files (a reply letter with a resolution) are checked before anything is written.
    files = list(inputs.pop("files", None) or [])
    errors = []
    for upload in files:
        if isinstance(upload, PendingUpload):
            continue  # kept from a failed try: checked when it was kept (issues.pending)
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})
    try:
        with transaction.atomic():
            # Lock the row: a second person acting at once waits, then sees the new state.
            locked = Issue.objects.select_for_update().get(pk=issue.pk)
            if issue.state != locked.state or not spec.can_proceed(locked):
                raise TransitionConflict(_conflict_message(locked, spec))
            method = getattr(locked, spec.method)
            if issue.updated_at != locked.updated_at or not has_transition_perm(method, user):
                # Changed since the person looked (a reassign keeps the state, so the stamp tells),
                # or allowed on that version and no longer now: either way someone else acted.
                raise TransitionConflict(_("该问题刚刚被他人更改，请刷新页面后再试。"))
            from_state = locked.state
            method(**inputs)
            reason = (
                reason_override
                if reason_override is not None
                else inputs.get(spec.reason_field or "", "")
            )
            save_transition(locked, user, name, from_state, reason or "")
            locked.record_involvements()
            # A pending 延期申请 lapses when the issue leaves `accepted`, in this transaction.
            lapse_pending(locked, user, from_state, spec.label)
            for upload in files:
                store_attachment(locked, upload, user, reply=True)
            _announce(locked, name, user, from_state, reason or "")
    except ConcurrentTransition as exc:
        # Raised by save() when the state changed under us (caught outside atomic()).
        raise TransitionConflict(_("该问题刚刚被他人更改，请刷新页面后再试。")) from exc
    return locked


def _announce(issue: Issue, name: str, user: Any, from_state: str, reason: str) -> None:
    """Tell listeners (notifications) inside the change's transaction (`issues.signals`)."""
    announce(issue, name, user, from_state, reason)


def _conflict_message(issue: Issue, spec: Transition) -> str:
    return _(
        "该问题当前状态为“%(state)s”，不能执行“%(action)s”（可能刚被他人更改，请刷新后再试）。"
    ) % {
        "state": State(issue.state).label,
        "action": spec.label,
    }


def update_kind(user: Any, issue: Issue) -> str:
    """A note's kind follows its author's role: 批示 by a leader, 协办意见 by a co-department."""
    if is_leader.test(user):
        return IssueUpdate.Kind.INSTRUCTION
    if is_co_department_staff.test(user, issue):
        return IssueUpdate.Kind.CO_DEPARTMENT
    return IssueUpdate.Kind.PROGRESS


def post_update(issue: Issue, user: Any, text: str, notice: Any = None) -> IssueUpdate:
    """A note; with `notice` (an id), the lead department's answer to that 催办/督办 notice."""
    if not may_post_update(user, issue):
        raise PermissionDenied(_("只有承办部门、协办部门、秘书处和领导可以填写意见。"))
    if not (text or "").strip():
        raise ValidationError({"text": [_("请填写进展内容。")]})
    kind = update_kind(user, issue)
    with transaction.atomic():
        answered = notices.check_answer(issue, user, notice) if notice else None
        update = IssueUpdate.objects.create(
            issue=issue,
            author=user,
            text=text.strip(),
            kind=kind,
            department_id=user.department_id if kind == IssueUpdate.Kind.CO_DEPARTMENT else None,
            notice=answered,
        )
        if answered is not None:
            answered.answered_at = update.created_at
            answered.save(update_fields=["answered_at"])
        # The lead hears of a co-department's note; the lead and the secretariat of a 批示.
        if kind == IssueUpdate.Kind.CO_DEPARTMENT:
            _announce(issue, "co_department_note", user, issue.state, update.text)
        elif kind == IssueUpdate.Kind.INSTRUCTION:
            _announce(issue, "instruction", user, issue.state, update.text)
        return update


def issue_for(user: Any, pk: Any) -> Issue:
    """The one access helper: the issue if this person may see it, else 404 (never 403)."""
    try:
        return (
            Issue.objects.visible_to(user)
            .with_related()
            .with_extension_count()
            .with_notice_count()
            .get(pk=pk)
        )
    except (Issue.DoesNotExist, ValueError, TypeError):
        # The same words for "unknown" and "not yours": an outsider learns nothing.
        raise Http404(_("问题不存在。")) from None
