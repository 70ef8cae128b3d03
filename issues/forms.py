"""Forms of the issues web UI: filing, progress notes, and the form of each transition.

The forms only collect input; the rules (due date not in the past, reason required …)
live on the model's transitions, and their `ValidationError`s are put back on these
forms by the views so that the message shows next to the field. A transition's form is
built from its input serializer (`issues.transitions`), so the web and the API take one input.
"""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from issues.attachments import validate_upload
from issues.models import SupervisionNotice
from issues.permissions import is_secretariat
from issues.serializers import NoticeCreateSerializer
from issues.states import Source
from issues.transitions import TRANSITIONS, ExtensionDecisionInput, ExtensionRequestInput
from liaison.forms import ProductForm, SerializerForm, form_for_serializer
from organisation.models import IndustryChain, IssueCategory, Measure


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


def _text(rows: int = 3, **attrs):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})


def _select():
    return forms.Select(attrs={"class": "form-select"})


class ChainSelect(forms.Select):
    """The chain `<select>`, each option carrying the chain's code (`data-code`): the similar
    issues endpoint, asked while the title is typed, takes the chain by code."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        chain = getattr(value, "instance", None)
        if chain is not None:
            option["attrs"]["data-code"] = chain.code
        return option


class IssueForm(ProductForm):
    chain = forms.ModelChoiceField(
        label=_("产业链"),
        queryset=IndustryChain.objects.none(),
        empty_label=None,
        widget=ChainSelect(attrs={"class": "form-select"}),
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "placeholder": _("一句话说明难点堵点"),
                "autocomplete": "off",
                # similar.js: as the title is typed, ask for open issues like it (可能重复).
                "data-similar": reverse_lazy("api:issue-similar"),
                "data-similar-list": "similar",
            }
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
    # A field named like `BaseForm.files` (the uploads): the form's metaclass takes it out of
    # the class, so the two never meet; only the type checker sees them side by side.
    files = MultipleFileField(label=_("照片或文件"))  # type: ignore[assignment]

    # Only for the secretariat filing on a chain's behalf (代录): how it heard of the issue.
    source = forms.ChoiceField(
        label=_("来源"),
        choices=Source.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    # The form's one-time key (issues.services.raise_issue): Back and submit again answers with
    # the issue already filed. New with each blank form; kept while the form is corrected.
    submission_key = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-draft-field": ""}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission_key"].initial = secrets.token_urlsafe(16)
        on_behalf = is_secretariat.test(user)
        if not on_behalf:
            del self.fields["source"]
        chains = IndustryChain.objects.all() if on_behalf else user.current_chains()
        chain_field = cast(forms.ModelChoiceField, self.fields["chain"])
        chain_field.queryset = chains
        chain_list = list(chains)
        if len(chain_list) == 1:
            chain_field.initial = chain_list[0]
        else:
            # An officer of several chains chooses deliberately: nothing is preselected.
            chain_field.empty_label = _("请选择产业链")

    def issue_fields(self) -> dict:
        data = self.cleaned_data
        keys = ["chain", "title", "description", "category", "measure", "company", "submission_key"]
        if "source" in self.fields:
            keys.append("source")
        return {key: data[key] for key in keys}


class NoticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("%(number)s（答复期限：%(date)s）") % {
            "number": obj.number,
            "date": obj.reply_by.isoformat(),
        }


class UpdateForm(ProductForm):
    text = forms.CharField(
        label=_("填写进展"),
        widget=_text(3),
        error_messages={"required": _("请填写进展内容。")},  # the label is a verb already
    )
    # The lead department answers a 催办/督办 notice by naming it (offered only when it has some).
    notice = NoticeChoiceField(
        label=_("答复督办通知"),
        queryset=SupervisionNotice.objects.none(),
        required=False,
        empty_label=_("不针对具体通知"),
        widget=_select(),
    )
    files = MultipleFileField(label=_("附件"))  # type: ignore[assignment]  # as IssueForm.files

    def __init__(self, *args, answerable=None, instruction=False, **kwargs):
        super().__init__(*args, **kwargs)
        if instruction:  # a leader's note is a 批示 (issues.services.update_kind): say so
            text = self.fields["text"]
            text.label = _("批示")
            text.error_messages["required"] = _("请填写批示内容。")
        choices = list(answerable) if answerable is not None else []
        if choices:
            field = cast(forms.ModelChoiceField, self.fields["notice"])
            field.queryset = SupervisionNotice.objects.filter(pk__in=[n.pk for n in choices])
        else:
            del self.fields["notice"]


@cache
def notice_form_class() -> type[SerializerForm]:
    """The secretariat's form for a 催办/督办 notice: the fields of the API's input."""
    return form_for_serializer(NoticeCreateSerializer, "notice")


# --- transitions -------------------------------------------------------------------


@cache
def _transition_form_class(name: str) -> type[SerializerForm]:
    return form_for_serializer(TRANSITIONS[name].inputs, name)


def transition_form(name: str, data: QueryDict | None = None, files: Any = None) -> SerializerForm:
    """The web form of transition `name`: the fields of its input serializer, prefixed by name."""
    return _transition_form_class(name)(data, files, prefix=name)


# --- extension requests (延期申请) -----------------------------------------------------------


@cache
def _extension_form_class(name: str) -> type[SerializerForm]:
    inputs = {"request": ExtensionRequestInput, "decide": ExtensionDecisionInput}[name]
    return form_for_serializer(inputs, f"extension_{name}")


def extension_form(name: str, data: QueryDict | None = None) -> SerializerForm:
    """The 申请延期 form (`request`) or the secretariat's 同意/不同意 form (`decide`), built
    from the API's input serializer so that the web and the API take one input."""
    return _extension_form_class(name)(data, prefix=f"extension_{name}")
