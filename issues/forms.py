"""Forms of the issues web UI: filing, progress notes, and one form per transition.

The forms only collect input; the rules (due date not in the past, reason required …)
live on the model's transitions, and their `ValidationError`s are put back on these
forms by the views so that the message shows next to the field.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from issues.attachments import validate_upload
from issues.models import Issue, Satisfaction, today
from organisation.models import Department, IndustryChain, IssueCategory, Measure


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or documents at once; each one checked by `validate_upload`."""

    def __init__(self, *args, **kwargs):
        # `accept` lets a phone offer its camera and gallery, limited to the allowed types.
        accept = ",".join("." + e for e in settings.ATTACHMENT_EXTENSIONS) + ",image/*"
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"class": "form-control", "accept": accept})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned, errors = [], []
        for upload in files:
            try:
                upload = super().clean(upload, initial)
                validate_upload(upload)
                cleaned.append(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class DateInput(forms.DateInput):
    """The browser's own date picker (phones show their native one)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        # The picker refuses past dates up front; the model refuses them anyway.
        attrs = {**(attrs or {}), "min": today().isoformat()}
        return super().get_context(name, value, attrs)


def _text(rows: int = 3, **attrs):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})


def _select():
    return forms.Select(attrs={"class": "form-select"})


class IssueForm(forms.Form):
    chain = forms.ModelChoiceField(
        label=_("产业链"), queryset=IndustryChain.objects.none(), empty_label=None, widget=_select()
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("一句话说明难点堵点")}
        ),
    )
    description = forms.CharField(label=_("问题描述"), widget=_text(6))
    category = forms.ModelChoiceField(
        label=_("类别"),
        queryset=IssueCategory.objects.all(),
        empty_label=_("请选择"),
        widget=_select(),
    )
    measure = forms.ModelChoiceField(
        label=_("相关措施"),
        queryset=Measure.objects.all(),
        required=False,
        empty_label=_("（不涉及或不确定）"),
        widget=_select(),
    )
    company = forms.CharField(
        label=_("涉及企业"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    files = MultipleFileField(label=_("照片或文件"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chains = user.current_chains()
        self.fields["chain"].queryset = chains
        chain_list = list(chains)
        if len(chain_list) == 1:
            self.fields["chain"].initial = chain_list[0]
        else:
            # An officer of several chains chooses deliberately: nothing is preselected.
            self.fields["chain"].empty_label = _("请选择产业链")

    def issue_fields(self) -> dict:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in ("chain", "title", "description", "category", "measure", "company")
        }


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("填写进展"), widget=_text(3))
    files = MultipleFileField(label=_("附件"))


# --- transitions -------------------------------------------------------------------


class TransitionForm(forms.Form):
    """Input of one transition; `inputs()` is what `perform_transition` receives."""

    def inputs(self) -> dict:
        return dict(self.cleaned_data)


def _departments():
    return Department.objects.all()


class AssignForm(TransitionForm):
    department = forms.ModelChoiceField(
        label=_("承办部门"),
        queryset=Department.objects.none(),
        empty_label=_("请选择"),
        widget=_select(),
    )
    due_date = forms.DateField(label=_("办理时限"), widget=DateInput())
    note = forms.CharField(label=_("交办意见"), required=False, widget=_text(2))

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments if departments is not None else _departments()
        )


class ReassignForm(TransitionForm):
    department = forms.ModelChoiceField(
        label=_("新的承办部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("（不变）"),
        widget=_select(),
    )
    due_date = forms.DateField(label=_("新的办理时限"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("改派理由"), widget=_text(2))

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments if departments is not None else _departments()
        )

    def clean(self):
        data = super().clean()
        if not data.get("department") and not data.get("due_date") and not self.errors:
            raise forms.ValidationError(_("请指定新的承办部门或新的办理时限。"))
        return data


class ReturnForm(TransitionForm):
    reason = forms.CharField(label=_("退回理由"), widget=_text(2))


class ResolveForm(TransitionForm):
    resolution = forms.CharField(label=_("办理结果"), widget=_text(4))


class VerifyForm(TransitionForm):
    satisfaction = forms.ChoiceField(
        label=_("满意度"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(label=_("核实意见"), required=False, widget=_text(2))


class ReopenForm(TransitionForm):
    reason = forms.CharField(label=_("重新办理的理由"), widget=_text(2))


class WithdrawForm(TransitionForm):
    reason = forms.CharField(label=_("撤回理由"), widget=_text(2))


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    "assign": AssignForm,
    "reassign": ReassignForm,
    "return": ReturnForm,
    "resolve": ResolveForm,
    "verify": VerifyForm,
    "reopen": ReopenForm,
    "withdraw": WithdrawForm,
}


def transition_form(name: str, issue: Issue, data=None, departments=None) -> TransitionForm:
    form_class = TRANSITION_FORMS[name]
    kwargs = {"prefix": name}
    if form_class in (AssignForm, ReassignForm):
        kwargs["departments"] = departments
    return form_class(data, **kwargs)
