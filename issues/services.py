"""Business operations on issues: each under permission, in a transaction, with history.

Views and the API call these and turn the exceptions into a message or a status code:
`PermissionDenied` → 403, `TransitionConflict` → 409, `ValidationError` → 400.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from issues.models import Issue, IssueDepartment, State
from issues.permissions import may_raise, may_take
from liaison.access import Conflict
from liaison.history import save_transition


class TransitionConflict(Conflict):
    """The issue is not in a state that allows this, or someone changed it a moment ago."""


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    method: str
    label: str  # lazy translation: str(label) in the request's language
    reason_field: str | None  # the input whose text becomes the history reason


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in [
        # Labels are lazy: they are read in the language of each request, not at import.
        TransitionSpec("assign", "assign", gettext_lazy("交办"), "note"),
        TransitionSpec("reassign", "reassign", gettext_lazy("改派"), "reason"),
        TransitionSpec("return", "return_to_secretariat", gettext_lazy("退回"), "reason"),
        TransitionSpec("resolve", "resolve", gettext_lazy("办结"), "resolution"),
        TransitionSpec("verify", "verify", gettext_lazy("核实"), "note"),
        TransitionSpec("reopen", "reopen", gettext_lazy("重新办理"), "reason"),
        TransitionSpec("withdraw", "withdraw", gettext_lazy("撤回"), "reason"),
    ]
}


def available_transitions(issue: Issue, user) -> list[str]:
    """The transitions this person may take on this issue now (the buttons to show)."""
    return [
        name
        for name, spec in TRANSITIONS.items()
        if may_take(user, issue, name) and can_proceed(getattr(issue, spec.method))
    ]


def raise_issue(user, **fields) -> Issue:
    chain = fields["chain"]
    if not may_raise(user, chain):
        raise PermissionDenied(_("只有该产业链的在任联络员可以提出问题。"))
    with transaction.atomic():
        issue = Issue(raised_by=user, **fields)
        save_transition(issue, user, "raise", "", "")
        _announce(issue, "raise", user, "", "")
        return issue


def check_transition(issue: Issue, name: str, user) -> TransitionSpec:
    """Refuse before any input is read: 403 when the role may not, 409 when the state does not allow.

    A caller that shows a form or parses a request body asks this first, so that a leader
    posting an empty body hears "not for your role", not "field required".
    """
    spec = TRANSITIONS[name]
    if not may_take(user, issue, name):
        raise PermissionDenied(_("您的角色不能对该问题执行“%(action)s”。") % {"action": spec.label})
    if not can_proceed(getattr(issue, spec.method)):
        raise TransitionConflict(_conflict_message(issue, spec))
    return spec


def perform_transition(
    issue: Issue, name: str, user, *, reason_override: str | None = None, **inputs
) -> Issue:
    """Run transition `name` on `issue` for `user`; returns the saved, fresh issue.

    `issue` is the version the person saw: if the row changed since (its state or its change
    stamp `updated_at`), the answer is a conflict, never a silent overwrite. Callers pass a
    freshly read issue (views: `issue_for`; meetings: `Issue.objects.get`).
    `reason_override` lets a meeting decision name the meeting in the history reason.
    """
    spec = check_transition(issue, name, user)
    try:
        with transaction.atomic():
            # Lock the row: a second person acting at once waits, then sees the new state.
            locked = Issue.objects.select_for_update().get(pk=issue.pk)
            if issue.state != locked.state or not can_proceed(getattr(locked, spec.method)):
                raise TransitionConflict(_conflict_message(locked, spec))
            if issue.updated_at != locked.updated_at or not may_take(user, locked, name):
                # Changed since the person looked (a reassign keeps the state, so the stamp tells),
                # or allowed on that version and no longer now: either way someone else acted.
                raise TransitionConflict(_("该问题刚刚被他人更改，请刷新页面后再试。"))
            from_state = locked.state
            getattr(locked, spec.method)(**inputs)
            reason = (
                reason_override
                if reason_override is not None
                else inputs.get(spec.reason_field or "", "")
            )
            save_transition(locked, user, name, from_state, reason or "")
            if locked.department_id:
                IssueDepartment.objects.get_or_create(
                    issue=locked, department_id=locked.department_id
                )
            _announce(locked, name, user, from_state, reason or "")
    except ConcurrentTransition as exc:
        # Raised by save() when the state changed under us (caught outside atomic()).
        raise TransitionConflict(_("该问题刚刚被他人更改，请刷新页面后再试。")) from exc
    return locked


def _announce(issue: Issue, name: str, user, from_state: str, reason: str) -> None:
    """Tell listeners (notifications) once the change is committed, never for a rolled-back one."""
    from issues.signals import issue_transitioned

    transaction.on_commit(
        lambda: issue_transitioned.send(
            sender=Issue, issue=issue, name=name, user=user, from_state=from_state, reason=reason
        )
    )


def _conflict_message(issue: Issue, spec: TransitionSpec) -> str:
    return _(
        "该问题当前状态为“%(state)s”，不能执行“%(action)s”（可能刚被他人更改，请刷新后再试）。"
    ) % {
        "state": State(issue.state).label,
        "action": spec.label,
    }


def post_update(issue: Issue, user, text: str):
    from issues.models import IssueUpdate
    from issues.permissions import may_post_update

    if not may_post_update(user, issue):
        raise PermissionDenied(_("只有承办部门和秘书处可以填写办理进展。"))
    if not (text or "").strip():
        raise ValidationError({"text": [_("请填写进展内容。")]})
    with transaction.atomic():
        return IssueUpdate.objects.create(issue=issue, author=user, text=text.strip())


def issue_for(user, pk) -> Issue:
    """The one access helper: the issue if this person may see it, else 404 (never 403)."""
    from django.http import Http404

    try:
        return Issue.objects.visible_to(user).with_related().get(pk=pk)
    except (Issue.DoesNotExist, ValueError, TypeError):
        # The same words for "unknown" and "not yours": an outsider learns nothing.
        raise Http404(_("问题不存在。")) from None
