"""Every issue transition, declared once: the table the services, API, UI and notices read.

A transition is its model method on `Issue` (source, target and who may take it, on its
`@transition(permission=...)`) plus its row here: the public name of the URL and the JSON,
the label, the input serializer (the API's body and, through
`liaison.forms.form_for_serializer`, the web form; declared below, beside the table), the
input that becomes the history reason, its place among the buttons, and the notification
it causes. Adding one touches the model and this module only (docs/adding-a-transition.md).

Nothing here imports notifications: `notifications.receivers` reads `Transition.notify`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed
from rest_framework import serializers

from issues.models import Issue
from issues.states import Outcome, Satisfaction
from organisation.models import Department

if TYPE_CHECKING:
    import rules
    from django_stubs_ext import StrOrPromise

    from issues.permissions import FSMRule


class Audience(StrEnum):
    """Who a notice goes to (the person who acted is never told)."""

    DEPARTMENT = "department"  # staff of the department the issue is with after the change
    CO_DEPARTMENTS = "co_departments"  # staff of the co-departments (协办) after the change
    CHAIN_OFFICER = "chain_officer"  # the chain's current officer
    SECRETARIAT = "secretariat"


@dataclass(frozen=True)
class Notice:
    """A notification as data: to whom, and its text.

    `text` is lazy and %-formatted with `issue` (number and title), `chain`, `dept`
    (the department after the change), `due` (its due date), `who` (who acted) and
    `reason` (the history reason).
    """

    audience: tuple[Audience, ...]
    text: StrOrPromise


@dataclass(frozen=True)
class Transition:
    name: str  # public: /api/v1/issues/{id}/transitions/{name}/, `available_transitions`
    method: str  # the `Issue` method decorated with `@transition`
    label: StrOrPromise  # lazy: read in the language of each request
    inputs: type[serializers.Serializer]
    reason_field: str | None  # the input whose text becomes the history reason
    button: int  # place among the buttons on the issue page: the usual next step first
    notify: Notice | None = None

    @property
    def permission(self) -> rules.Predicate:
        """Who may: the predicate on the model method's `@transition(permission=...)`."""
        rule: FSMRule = next(
            t.permission
            for t in Issue.state.field.get_all_transitions(Issue)
            if t.name == self.method
        )
        return rule.predicate

    def allows(self, user: Any, issue: Issue) -> bool:
        """May `user` take it on `issue` at all, whatever the issue's state (else 403)."""
        return bool(self.permission.test(user, issue))

    def can_proceed(self, issue: Issue) -> bool:
        """Does the issue's state allow it now (else 409)?"""
        return can_proceed(getattr(issue, self.method))


# --- what each transition takes ------------------------------------------------------------
# One DRF serializer per transition: the API validates a request body with it, and
# `liaison.forms.form_for_serializer` builds the web form from its fields. Labels are the
# ones the form shows; `style` carries the few rendering hints the form needs (DRF's own
# `rows` and `base_template` keys, and `empty_label` for a choice that may stay unset).
# Rules that need the issue (a due date not in the past, ...) live in the model's methods.


def _required_text(
    label: StrOrPromise, message: StrOrPromise, rows: int = 2
) -> serializers.CharField:
    return serializers.CharField(
        label=label,
        error_messages={"required": message, "blank": message, "null": message},
        style={"base_template": "textarea.html", "rows": rows},
    )


def _optional_text(label: StrOrPromise) -> serializers.CharField:
    return serializers.CharField(
        label=label,
        required=False,
        allow_blank=True,
        default="",
        style={"base_template": "textarea.html", "rows": 2},
    )


def _department(
    label: StrOrPromise, *, required: bool, **style: Any
) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=required,
        label=label,
        error_messages={
            "does_not_exist": _("没有代码为“{value}”的部门。"),
            "required": _("请选择承办部门。"),
        },
        style=style,
    )


def _co_departments(label: StrOrPromise) -> serializers.Field:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        many=True,
        required=False,
        label=label,
        error_messages={"does_not_exist": _("没有代码为“{value}”的部门。")},
    )


class AssignInput(serializers.Serializer):
    department = _department(_("主办部门"), required=True)
    co_departments = _co_departments(_("协办部门"))
    # Left out: the category's `default_days` working days from today.
    due_date = serializers.DateField(
        label=_("办理时限"),
        required=False,
        help_text=_("不填则按问题类别的默认工作日数计算。"),
    )
    note = _optional_text(_("交办意见"))


class ReassignInput(serializers.Serializer):
    # All optional: what is left out stays as it is (the model refuses a change of nothing).
    department = _department(_("新的主办部门"), required=False, empty_label=_("（不变）"))
    co_departments = _co_departments(_("协办部门"))
    due_date = serializers.DateField(label=_("新的办理时限"), required=False)
    # Optional in the API since v1 (DESIGN's table says required; clients rely on it).
    reason = _optional_text(_("改派理由"))


class AcceptInput(serializers.Serializer):
    note = _optional_text(_("签收意见"))


class ReturnInput(serializers.Serializer):
    reason = _required_text(_("退回理由"), _("退回须说明理由。"))


class ResolveInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (Outcome.SOLVED, _("已解决")),
            (Outcome.EXPLAINED, _("已答复（无法解决，说明理由）")),
        ],
        default=Outcome.SOLVED,
        label=_("办理结论"),
        error_messages={"invalid_choice": _("请选择已解决或已答复。")},
        style={"base_template": "radio.html"},
    )
    # One message for both outcomes: the field is checked before the outcome is looked at.
    resolution = _required_text(
        _("办理结果或答复理由"), _("请填写办理结果；已答复的，须说明无法解决的理由。"), rows=4
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        label=_("回复函"),
        help_text="multipart/form-data: one `files` part per file",
    )


class VerifyInput(serializers.Serializer):
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices,
        label=_("满意度"),
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
        style={"base_template": "radio.html"},
    )
    note = _optional_text(_("评价意见（不满意须说明理由）"))


class ReopenInput(serializers.Serializer):
    reason = _required_text(_("重办理由"), _("重新办理须说明理由。"))


class WithdrawInput(serializers.Serializer):
    reason = _required_text(_("撤回理由"), _("撤回须说明理由。"))


class MergeInput(serializers.Serializer):
    # The original's id, as DESIGN names it; its number (2026-0012) is taken too (the form).
    duplicate_of = serializers.CharField(
        label=_("合并到（原问题编号）"),
        error_messages={
            "required": _("请填写原问题的编号。"),
            "blank": _("请填写原问题的编号。"),
        },
        help_text="the original issue's id (its number is accepted too)",
    )
    reason = _optional_text(_("合并理由"))


# Not transitions, but inputs of the same kind: an extension request (延期申请, the rules in
# `issues.extensions`) and the secretariat's decision on it.


class ExtensionRequestInput(serializers.Serializer):
    """What a lead department asks: `{due_date, reason}` (the API body and the web form)."""

    due_date = serializers.DateField(
        label=_("申请延至"),
        error_messages={
            "required": _("请填写申请延至的日期。"),
            "null": _("请填写申请延至的日期。"),
        },
    )
    reason = _required_text(_("延期理由"), _("请说明延期理由。"))


class ExtensionDecisionInput(serializers.Serializer):
    """The secretariat's `{note}`: optional to approve, required to reject."""

    note = _optional_text(_("审批意见（不同意须说明理由）"))


# --- the table -----------------------------------------------------------------------------


# Raising an issue is not a transition (the issue starts in `raised`), but it is announced
# like one.
RAISE_NOTICE = Notice(
    audience=(Audience.SECRETARIAT,),
    text=_("%(chain)s产业链提出新问题 %(issue)s，待交办。"),
)


@dataclass(frozen=True)
class Event:
    """Something that happens to an issue and is announced, but is not a transition."""

    name: str  # the notification's kind, and the `name` of `issue_transitioned`
    label: StrOrPromise
    notify: Notice


# 代录 (the secretariat files for a chain), a co-department's note, a 催办/督办 notice, a
# leader's 批示.
EVENTS: dict[str, Event] = {
    e.name: e
    for e in [
        Event(
            "raise_for",
            _("代录问题"),
            Notice(
                audience=(Audience.CHAIN_OFFICER, Audience.SECRETARIAT),
                text=_("秘书处已为%(chain)s产业链代录问题 %(issue)s（来源：%(reason)s），待交办。"),
            ),
        ),
        Event(
            "co_department_note",
            _("协办意见"),
            Notice(
                audience=(Audience.DEPARTMENT,),
                text=_("协办部门%(who)s就问题 %(issue)s 提出意见：%(reason)s"),
            ),
        ),
        # A 催办/督办 notice (issues.notices): `reason` is its number, reply-by date and text.
        Event(
            "notice",
            _("督办通知"),
            Notice(
                audience=(Audience.DEPARTMENT,),
                text=_("问题 %(issue)s：%(reason)s"),
            ),
        ),
        Event(
            "instruction",
            _("领导批示"),
            Notice(
                audience=(Audience.DEPARTMENT, Audience.SECRETARIAT),
                text=_("%(who)s对问题 %(issue)s 作出批示：%(reason)s"),
            ),
        ),
        # 延期申请 (issues.extensions): asked by the lead department, decided by the secretariat.
        Event(
            "extension_requested",
            _("延期申请"),
            Notice(
                audience=(Audience.SECRETARIAT,),
                text=_("%(dept)s申请问题 %(issue)s 延期：%(reason)s，请审批。"),
            ),
        ),
        Event(
            "extension_approved",
            _("同意延期"),
            Notice(
                audience=(Audience.DEPARTMENT,),
                text=_("秘书处已同意问题 %(issue)s 延期，办理时限延至%(due)s。%(reason)s"),
            ),
        ),
        Event(
            "extension_rejected",
            _("延期未获同意"),
            Notice(
                audience=(Audience.DEPARTMENT,),
                text=_("问题 %(issue)s 的延期申请未获同意，办理时限仍为%(due)s。意见：%(reason)s"),
            ),
        ),
    ]
}

# History rows that are not a transition of the table: the issue's state stays, something
# else about it changed (an approved extension moves the due date; a rejected one is on
# the record too). The row's `transition` names it; here is its label.
HISTORY_ONLY: dict[str, StrOrPromise] = {
    "raise": _("提出"),
    "extend": _("延期"),
    "extension_rejected": _("延期未获同意"),
}


def history_label(name: str) -> StrOrPromise:
    """The label of a history row's `transition` (提出, 交办, …, 延期), for pages and the API."""
    if name in HISTORY_ONLY:
        return HISTORY_ONLY[name]
    if name in TRANSITIONS:
        return TRANSITIONS[name].label
    if name in EVENTS:  # a 催办/督办 notice: no state change, its own row
        return EVENTS[name].label
    return _("修改")


_TABLE = [
    Transition(
        name="assign",
        method="assign",
        label=_("交办"),
        inputs=AssignInput,
        reason_field="note",
        button=1,
        notify=Notice(
            audience=(Audience.DEPARTMENT, Audience.CO_DEPARTMENTS),
            text=_("问题 %(issue)s 已交办%(dept)s，办理时限%(due)s，请及时签收。"),
        ),
    ),
    Transition(
        name="reassign",
        method="reassign",
        label=_("改派"),
        inputs=ReassignInput,
        reason_field="reason",
        button=5,
        notify=Notice(
            audience=(Audience.DEPARTMENT, Audience.CO_DEPARTMENTS),
            text=_("问题 %(issue)s 已改派%(dept)s，办理时限%(due)s，请重新签收。"),
        ),
    ),
    Transition(
        name="accept",
        method="accept",
        label=_("签收"),
        inputs=AcceptInput,
        reason_field="note",
        button=2,
        notify=Notice(
            audience=(Audience.SECRETARIAT,),
            text=_("问题 %(issue)s 已由%(who)s签收。"),
        ),
    ),
    Transition(
        name="return",
        method="return_to_secretariat",
        label=_("退回"),
        inputs=ReturnInput,
        reason_field="reason",
        button=7,
        notify=Notice(
            audience=(Audience.CHAIN_OFFICER, Audience.SECRETARIAT),
            text=_("问题 %(issue)s 被%(who)s退回，理由：%(reason)s"),
        ),
    ),
    Transition(
        name="resolve",
        method="resolve",
        label=_("报结"),
        inputs=ResolveInput,
        reason_field="resolution",
        button=3,
        notify=Notice(
            audience=(Audience.CHAIN_OFFICER, Audience.SECRETARIAT),
            text=_("问题 %(issue)s 已由%(who)s报结，请评价。"),
        ),
    ),
    Transition(
        name="verify",
        method="verify",
        label=_("评价"),
        inputs=VerifyInput,
        reason_field="note",
        button=4,
    ),
    Transition(
        name="reopen",
        method="reopen",
        label=_("重办"),
        inputs=ReopenInput,
        reason_field="reason",
        button=6,
        notify=Notice(
            audience=(Audience.DEPARTMENT,),
            text=_("问题 %(issue)s 被联络员要求重新办理，办理时限%(due)s，理由：%(reason)s"),
        ),
    ),
    Transition(
        name="withdraw",
        method="withdraw",
        label=_("撤回"),
        inputs=WithdrawInput,
        reason_field="reason",
        button=8,
    ),
    Transition(
        name="merge",
        method="merge",
        label=_("合并"),
        inputs=MergeInput,
        reason_field="reason",
        button=9,
        notify=Notice(
            audience=(Audience.CHAIN_OFFICER,),
            text=_("问题 %(issue)s 与 %(original)s 重复，已合并办理。"),
        ),
    ),
]

# In the order of DESIGN's table: the order of `available_transitions` in the JSON.
TRANSITIONS: dict[str, Transition] = {t.name: t for t in _TABLE}


def by_button(names: list[str]) -> list[str]:
    """`names` in the order their buttons appear on the issue page."""
    return sorted(names, key=lambda name: TRANSITIONS[name].button)
