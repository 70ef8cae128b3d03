"""Every operation on a meeting, declared once.

`MEETING_TRANSITIONS` is the lifecycle (DESIGN "Meetings": planned → agenda_published → held →
minutes_approved; planned or agenda_published → cancelled): per transition the model method,
its label, the permission rule, the input it takes, the signal it sends (in the transaction) and the
words of its button. `EDITS` are the changes to a draft (head, agenda, attendance, minutes):
each has a label and a rule too. Both write one meeting history row naming the operation and
send `meeting_changed` inside their transaction (`meetings.services.record`).

To add a transition: the `@transition` method on `Meeting`, a row here, a rule in
`meetings.permissions`. The services, the API, the meeting page and the history read this.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.dispatch import Signal
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from meetings.models import Meeting
from meetings.signals import agenda_published


@dataclass(frozen=True)
class MeetingTransitionSpec:
    name: str
    method: str  # the @transition method on Meeting
    label: Promise  # the act (lazy: read in each request's language), e.g. in a 409
    permission: str  # the rules permission (meetings.permissions)
    button: Promise
    done: Promise  # the message once it went through
    recorded: Promise  # what the meeting's history says it did
    css: str = "btn-primary"
    # The input that becomes the history reason, if the transition asks for one.
    reason_field: str | None = None
    reason_label: Promise | None = None
    confirm: Promise | None = None  # asks before it acts (irreversible transitions)
    confirm_button: Promise | None = None
    # Sent in the transaction besides `meeting_changed`: sender=Meeting, meeting=…, user=…
    signal: Signal | None = None
    # A Meeting method that says why the state allows it but its conditions do not (a 409).
    refusal: str | None = None


MEETING_TRANSITIONS: dict[str, MeetingTransitionSpec] = {
    spec.name: spec
    for spec in [
        MeetingTransitionSpec(
            "publish_agenda",
            "publish_agenda",
            _("发布议程"),
            "meetings.publish_agenda",
            button=_("发布议程"),
            done=_("议程已发布。"),
            recorded=_("议程已发布"),
            signal=agenda_published,
        ),
        MeetingTransitionSpec(
            "hold",
            "hold",
            _("确认召开"),
            "meetings.hold",
            button=_("标记已召开"),
            done=_("已标记为已召开。"),
            recorded=_("已确认召开"),
            refusal="not_yet_message",
        ),
        MeetingTransitionSpec(
            "approve_minutes",
            "approve_minutes",
            _("审定纪要"),
            "meetings.approve_minutes",
            button=_("审定纪要"),
            done=_("纪要已审定，议定事项已作用于相关问题。"),
            recorded=_("纪要已审定"),
            css="btn-success",
            confirm=_(
                "审定后纪要即锁定、不能再修改；议定事项将立即作用于相关问题（待交办的交办，办理中的改派）。"
            ),
            confirm_button=_("确认审定"),
        ),
        MeetingTransitionSpec(
            "cancel",
            "cancel",
            _("取消会议"),
            "meetings.cancel",
            button=_("取消会议"),
            done=_("会议已取消。"),
            recorded=_("会议已取消"),
            css="btn-outline-danger",
            reason_field="reason",
            reason_label=_("取消原因"),
            confirm=_("取消后会议不能恢复。确定要取消这次会议吗？"),
            confirm_button=_("确认取消会议"),
        ),
    ]
}


@dataclass(frozen=True)
class EditSpec:
    name: str
    recorded: Promise  # what the meeting's history says it did
    permission: str = "meetings.manage"


EDITS: dict[str, EditSpec] = {
    spec.name: spec
    for spec in [
        EditSpec("create", _("会议已创建")),
        EditSpec("edit", _("会议信息已修改")),
        EditSpec("generate_agenda", _("议程已生成")),
        EditSpec("add_agenda_item", _("议题已添加")),
        EditSpec("edit_agenda_item", _("议题已修改")),
        EditSpec("reorder_agenda", _("议程顺序已调整")),
        EditSpec("remove_agenda_item", _("议题已删除")),
        EditSpec("restore_agenda_item", _("议题已恢复")),
        EditSpec("remove_agenda_issue", _("问题已移出议题")),
        EditSpec("restore_agenda_issue", _("问题已放回议题")),
        EditSpec("set_attendance", _("出席情况已修改")),
        EditSpec("save_minutes", _("纪要已修改")),
        # Not an act of its own: another meeting's date moved this one's number.
        EditSpec("renumber", _("会议编号已调整")),
    ]
}


def operation_label(name: str) -> str:
    """What a transition or an edit did, as the history shows it (the name if unknown)."""
    spec = MEETING_TRANSITIONS.get(name) or EDITS.get(name)
    return str(spec.recorded) if spec else name


def available_transitions(meeting: Meeting, user) -> list[str]:
    """The lifecycle buttons this person may press now: allowed by the rule and the state."""
    return [
        name
        for name, spec in MEETING_TRANSITIONS.items()
        if user.has_perm(spec.permission, meeting) and can_proceed(getattr(meeting, spec.method))
    ]


# --- decisions tracked to 销号 ------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionTransitionSpec:
    """One transition of a decision without an issue (open → reported → closed, or back)."""

    name: str
    method: str  # the @transition method on Decision
    label: Promise
    permission: str  # the rules permission (meetings.permissions)
    field: str  # the input that becomes the history reason: "text" or "reason"
    field_label: Promise
    field_required: bool
    button: Promise
    done: Promise
    recorded: Promise
    css: str = "btn-primary"
    takes_files: bool = False


DECISION_TRANSITIONS: dict[str, DecisionTransitionSpec] = {
    spec.name: spec
    for spec in [
        DecisionTransitionSpec(
            "report",
            "report",
            _("报告办结"),
            "meetings.report_decision",
            field="text",
            field_label=_("办结情况"),
            field_required=True,
            button=_("报告办结"),
            done=_("已报告办结，待秘书处销号。"),
            recorded=_("责任部门报告办结"),
            takes_files=True,
        ),
        DecisionTransitionSpec(
            "close",
            "close",
            _("销号"),
            "meetings.close_decision",
            field="reason",
            field_label=_("销号意见"),
            field_required=False,
            button=_("确认销号"),
            done=_("议定事项已销号。"),
            recorded=_("秘书处确认销号"),
            css="btn-success",
        ),
        DecisionTransitionSpec(
            "reopen",
            "reopen",
            _("退回重办"),
            "meetings.reopen_decision",
            field="reason",
            field_label=_("退回原因"),
            field_required=True,
            button=_("退回重办"),
            done=_("议定事项已退回责任部门重办。"),
            recorded=_("秘书处退回重办"),
            css="btn-outline-danger",
        ),
    ]
}


def available_decision_transitions(decision, user) -> list[str]:
    """The buttons this person may press on `decision` now: by the rule and the state."""
    return [
        name
        for name, spec in DECISION_TRANSITIONS.items()
        if rules.has_perm(spec.permission, user, decision)
        and can_proceed(getattr(decision, spec.method))
    ]
