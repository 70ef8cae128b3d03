"""What each transition takes: one DRF serializer per transition, read by the API and the UI.

The API validates a request body with it; `liaison.forms.form_for_serializer` builds the
web form from its fields, so a transition's input is declared here once. Labels are the
ones the form shows; `style` carries the few rendering hints the form needs (DRF's own
`rows` and `base_template` keys, and `empty_label` for a choice that may stay unset).
Rules that need the issue (a due date not in the past, ...) live in the model's methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from issues.states import Satisfaction
from organisation.models import Department

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


class AssignInput(serializers.Serializer):
    department = _department(_("承办部门"), required=True)
    due_date = serializers.DateField(
        label=_("办理时限"), error_messages={"required": _("请填写办理时限。")}
    )
    note = _optional_text(_("交办意见"))


class ReassignInput(serializers.Serializer):
    # Both optional: what is left out stays as it is (the model refuses a change of nothing).
    department = _department(_("新的承办部门"), required=False, empty_label=_("（不变）"))
    due_date = serializers.DateField(label=_("新的办理时限"), required=False)
    # Optional in the API since v1 (DESIGN's table says required; clients rely on it).
    reason = _optional_text(_("改派理由"))


class ReturnInput(serializers.Serializer):
    reason = _required_text(_("退回理由"), _("退回须说明理由。"))


class ResolveInput(serializers.Serializer):
    resolution = _required_text(_("办理结果"), _("请填写办理结果。"), rows=4)


class VerifyInput(serializers.Serializer):
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices,
        label=_("满意度"),
        error_messages={
            "required": _("请选择满意或基本满意。"),
            "invalid_choice": _("请选择满意或基本满意。"),
        },
        style={"base_template": "radio.html"},
    )
    note = _optional_text(_("核实意见"))


class ReopenInput(serializers.Serializer):
    reason = _required_text(_("重新办理的理由"), _("重新办理须说明理由。"))


class WithdrawInput(serializers.Serializer):
    reason = _required_text(_("撤回理由"), _("撤回须说明理由。"))
