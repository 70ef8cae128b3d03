"""Forms of the meetings web UI: new meeting, agenda items, attendance rows, minutes.

The forms collect and shape input only; the rules (one annual meeting a year, minutes
locked after approval, decisions that must apply to their issue …) live in the models
and `meetings.services`, whose `ValidationError`s the views put back on these forms.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.models import OPEN_STATES, Issue
from liaison.forms import ProductForm
from meetings.models import AttendanceStatus, Kind, Section, past_due_message, sections_for
from organisation.models import Department


def _text(rows: int = 3, **attrs):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})


def _input(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


class DateInput(forms.DateInput):
    """The browser's own date picker; a meeting or a decision may lie in the past."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%H:%M")


class MeetingForm(ProductForm):
    kind = forms.ChoiceField(label=_("会议类型"), choices=Kind.choices, widget=_select())
    date = forms.DateField(
        label=_("日期"), widget=DateInput(), error_messages={"required": _("请选择会议日期。")}
    )
    time = forms.TimeField(
        label=_("时间"),
        initial=time(14, 30),
        widget=TimeInput(),
        error_messages={"required": _("请填写会议时间。")},
    )
    location = forms.CharField(
        label=_("地点"),
        max_length=200,
        required=False,
        widget=_input(placeholder=_("例如：市总工会三楼会议室")),
    )
    title = forms.CharField(
        label=_("会议名称（可选）"),
        max_length=200,
        required=False,
        help_text=_("留空则自动生成，如“2024年第3次产业链联络员会议”。"),
        widget=_input(),
    )

    def scheduled_at(self) -> datetime:
        """Date and time as typed are Beijing time, whatever the server's clock zone."""
        naive = datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive, timezone.get_default_timezone())

    def meeting_fields(self) -> dict:
        return {
            "kind": self.cleaned_data["kind"],
            "scheduled_at": self.scheduled_at(),
            "location": self.cleaned_data["location"].strip(),
            "title": self.cleaned_data["title"].strip(),
        }


class MeetingEditForm(MeetingForm):
    """Date, time, place and title of an existing meeting; its kind stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        self.fields["title"].help_text = _("留空则使用自动生成的名称。")

    @classmethod
    def for_meeting(cls, meeting):
        local = timezone.localtime(meeting.scheduled_at)
        return cls(
            prefix="edit",
            initial={
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "location": meeting.location,
                "title": meeting.title if meeting.title_is_custom else "",
            },
        )

    def meeting_fields(self) -> dict:
        return {
            "scheduled_at": self.scheduled_at(),
            "location": self.cleaned_data["location"].strip(),
            "title": self.cleaned_data["title"].strip(),
        }


class AgendaItemForm(ProductForm):
    """A hand-made or hand-edited agenda item (before publication)."""

    section = forms.ChoiceField(
        label=_("议程类别"), choices=Section.choices, initial=Section.OTHER, widget=_select()
    )
    title = forms.CharField(label=_("议题"), max_length=200, widget=_input())
    notes = forms.CharField(label=_("说明"), required=False, widget=_text(2))
    issues = forms.CharField(
        label=_("涉及问题（可选）"),
        required=False,
        help_text=_("填写问题编号，多个用逗号或空格分隔，如 2024-0007, 2024-0012。"),
        widget=_input(list="open-issues", autocomplete="off"),
    )

    def __init__(
        self, *args, editing: bool = False, generated: bool = False, kind=Kind.REGULAR, **kwargs
    ):
        super().__init__(*args, **kwargs)
        # Only the sections of this kind of meeting, and 其他事项 (meetings.services.sections_for).
        allowed = set(sections_for(kind))
        _set_choices(self.fields["section"], [c for c in Section.choices if c[0] in allowed])
        if editing:
            # An item keeps its section; a generated one also keeps its snapshot of issues.
            del self.fields["section"]
        if generated:
            del self.fields["issues"]

    def clean_issues(self) -> list[int]:
        """Issue numbers (as typed or as suggested, "2024-0007 标题") → ids, in the order given."""
        text = self.cleaned_data.get("issues") or ""
        numbers = [n for n in re.split(r"[\s,，、;；]+", text) if _NUMBER.fullmatch(n)]
        found = dict(Issue.objects.filter(number__in=numbers).values_list("number", "pk"))
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("没有编号为 %(numbers)s 的问题。") % {"numbers": "、".join(missing)}
            )
        return list(dict.fromkeys(found[n] for n in numbers))


_NUMBER = re.compile(r"\d{4}-\d{4,}")


def issue_numbers(snapshot: list[dict]) -> str:
    return ", ".join(entry["number"] for entry in snapshot)


class AttendanceRowForm(ProductForm):
    """One row: a person picked from the system, or a name and organisation typed in."""

    user = forms.TypedChoiceField(
        label=_("人员"), required=False, coerce=int, empty_value=None, widget=_select()
    )
    name = forms.CharField(label=_("姓名"), max_length=60, required=False, widget=_input())
    organisation = forms.CharField(label=_("单位"), max_length=100, required=False, widget=_input())
    # Radios, not a list: one click (or an arrow key) per change, all three always in view.
    status = forms.ChoiceField(
        label=_("出席情况"),
        choices=AttendanceStatus.choices,
        initial=AttendanceStatus.PRESENT,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("备注"),
        max_length=200,
        required=False,
        widget=_input(placeholder=_("如：请假理由")),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["user"], people)

    def clean(self):
        data = super().clean() or {}
        if not data.get("user") and not (data.get("name") or "").strip() and self.has_changed():
            raise forms.ValidationError(_("请从名单中选择人员，或填写姓名。"))
        if data.get("status") == AttendanceStatus.ABSENT and not (data.get("note") or "").strip():
            self.add_error("note", _("请假须注明理由。"))
        return data


def _set_choices(field: forms.Field, choices) -> None:
    """The choices of a choice field, known only when the form is built (they are rows)."""
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class BaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, form_kwargs=None, **kwargs):
        kwargs["form_kwargs"] = form_kwargs or {}
        super().__init__(*args, **kwargs)

    def filled_rows(self) -> list[dict]:
        """The rows that say something, in order; blank and deleted rows are dropped."""
        return [self.forms[n].cleaned_data for n in self.filled_indices()]

    def filled_indices(self) -> list[int]:
        """The positions in the form of the rows `filled_rows` returns."""
        return [
            n
            for n, f in enumerate(self.forms)
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and _has_content(f.cleaned_data)
        ]

    def row_errors(self) -> list[str]:
        """Every row's errors in words, "第N行：…" (the workspace shows them by its status)."""
        found = []
        for n, form in enumerate(self.forms, start=1):
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    found.append(
                        _("第%(n)s行：%(label)s%(error)s")
                        % {"n": n, "label": f"{label}：" if label else "", "error": error}
                    )
        return found


def _has_content(data: dict) -> bool:
    return any(v not in (None, "", []) for k, v in data.items() if k not in ("DELETE", "status"))


AttendanceFormSet = cast(
    "type[BaseRowFormSet]",
    forms.formset_factory(AttendanceRowForm, formset=BaseRowFormSet, extra=1, can_delete=True),
)


class MinutesForm(ProductForm):
    summary = forms.CharField(
        label=_("会议概述"),
        required=False,
        widget=_text(4),
        help_text=_(
            "纪要正文由系统自动以“某年某月某日，某会议在某地召开。”开头，此处接着写会议内容"
            "（如“会议听取了……”），不要重复时间、地点和会议名称。"
        ),
    )


# The issue search suggests the newest open issues; any other is found by typing its number.
# Bounded: at a province's scale a <datalist> of every open issue weighed tens of megabytes.
SUGGESTED_ISSUES = 200


def open_issues() -> list[tuple[str, str]]:
    """(number, title) of the newest open issues: the suggestions of the issue search."""
    return list(
        Issue.objects.filter(state__in=OPEN_STATES)
        .order_by("-year", "-sequence")
        .values_list("number", "title")[:SUGGESTED_ISSUES]
    )


def issue_label(issue) -> str:
    return f"{issue.number} {issue.title}"


class IssueSearchInput(forms.TextInput):
    """A text box that suggests open issues (one shared <datalist>); the number is what counts."""

    def __init__(self):
        super().__init__(
            attrs={
                "class": "form-control",
                "list": "open-issues",
                "autocomplete": "off",
                "placeholder": _("输入编号或标题搜索"),
            }
        )


class DecisionRowForm(ProductForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("议定内容"),
        required=False,
        widget=_text(2, placeholder=_("如：由市人社局牵头，11月30日前办结")),
    )
    department = forms.TypedChoiceField(
        label=_("责任部门"), required=False, coerce=int, empty_value=None, widget=_select()
    )
    co_departments = forms.TypedMultipleChoiceField(
        label=_("协办部门（可选）"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 3}),
    )
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())
    issue = forms.CharField(
        label=_("相关问题（可选）"), required=False, max_length=220, widget=IssueSearchInput()
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["department"], departments)
        _set_choices(self.fields["co_departments"], [c for c in departments if c[0]])

    def clean_due_date(self):
        """Never in the past: said here, next to the date, when the minutes are saved."""
        due = self.cleaned_data.get("due_date")
        if due and due < timezone.localdate():
            raise forms.ValidationError(past_due_message(timezone.localdate()))
        return due

    def clean_issue(self) -> int | None:
        """ "2024-0007 标题…" or just "2024-0007" → the issue's id."""
        text = (self.cleaned_data.get("issue") or "").strip()
        if not text:
            return None
        number = text.split()[0]
        pk = Issue.objects.filter(number=number).values_list("pk", flat=True).first()
        if pk is None:
            raise forms.ValidationError(
                _("没有编号为 %(number)s 的问题，请从提示中选择。") % {"number": number}
            )
        return pk

    def clean(self):
        data = super().clean() or {}
        filled = any(data.get(k) for k in ("department", "due_date", "issue"))
        if filled and not (data.get("text") or "").strip():
            self.add_error("text", _("请填写议定内容。"))
        return data


DecisionFormSet = cast(
    "type[BaseRowFormSet]",
    forms.formset_factory(DecisionRowForm, formset=BaseRowFormSet, extra=1, can_delete=True),
)


def department_choices() -> list[tuple[str, str]]:
    return [("", str(_("— 请选择 —")))] + [
        (str(pk), name) for pk, name in Department.objects.values_list("pk", "name")
    ]
