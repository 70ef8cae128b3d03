"""Form helpers shared by the apps' views."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import fields as drf
from rest_framework import relations, serializers

# A message tag (messages.info(…, extra_tags=DRAFT_DONE)): the form just submitted is done with,
# so app.js drops the draft it kept of it. Success messages say so without the tag.
DRAFT_DONE = "draft-done"


# --- the product's own wording of the usual field errors -----------------------------------
# Django's Chinese ("确保该变量包含不超过 200 字符", "这个字段是必填项") reads like a machine; ours
# name the field. `{label}` is filled here; Django fills its own `%(max)s`-style fields.
_CHOICE_MESSAGES = {
    "required": _("请选择{label}。"),
    "invalid_choice": _("所选的{label}无效，请重新选择。"),
    "invalid_list": _("所选的{label}无效，请重新选择。"),
    "invalid_pk_value": _("所选的{label}无效，请重新选择。"),
}
_FIELD_MESSAGES = {
    "required": _("请填写{label}。"),
    "max_length": _("{label}不能超过 %(limit_value)d 个字（现有 %(show_value)d 个字）。"),
    "min_length": _("{label}至少要 %(limit_value)d 个字（现有 %(show_value)d 个字）。"),
    "max_value": _("{label}不能大于 %(limit_value)s。"),
    "min_value": _("{label}不能小于 %(limit_value)s。"),
}
_INVALID_MESSAGES: dict[type[forms.Field], Any] = {
    forms.DateField: _("{label}不是有效的日期，请按“2026-12-01”的格式填写或从日历中选择。"),
    forms.TimeField: _("{label}不是有效的时间，请按“14:30”的格式填写。"),
    forms.IntegerField: _("{label}应为整数。"),
    forms.EmailField: _("{label}不是有效的电子邮件地址。"),
    forms.FileField: _("{label}上传失败，请重新选择文件。"),
}


def _defaults(field: forms.Field) -> dict[str, Any]:
    messages: dict[str, Any] = {}
    for klass in reversed(type(field).__mro__):
        messages.update(getattr(klass, "default_error_messages", {}))
    return messages


def product_messages(field: forms.Field) -> None:
    """Replace Django's default messages of `field` by ours naming it; its own ones stay."""
    # "会议名称（可选）" → "会议名称": the remark in brackets is for the form, not the message.
    label = re.sub(r"\s*[（(][^）)]*[）)]$", "", str(field.label or ""))
    defaults = _defaults(field)
    ours = dict(_FIELD_MESSAGES)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        ours.update(_CHOICE_MESSAGES)
    for klass, message in _INVALID_MESSAGES.items():
        if isinstance(field, klass):
            ours["invalid"] = message
            break
    for key, message in ours.items():
        # Length and bounds come from validators, which take the field's message by code:
        # absent from error_messages means nobody chose one.
        current = field.error_messages.get(key)
        if current is None or current == defaults.get(key):
            field.error_messages[key] = str(message).replace("{label}", label)


class ProductMessages:
    """Mix into any form (before the form class): its fields' errors in the product's words."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            product_messages(field)


class ProductForm(ProductMessages, forms.Form):
    """The product's plain form: Django's form with the product's wording of field errors."""

    # Files kept from a failed try, shown by the files field as ticked boxes (issues.pending).
    kept_files: Sequence[Any] = ()


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's field errors next to the form's fields (the others on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- web forms built from the API's input serializers --------------------------------------


class DateInput(forms.DateInput):
    """The browser's own date picker (phones show their native one), from today on."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # The picker refuses past dates up front; the model refuses them anyway.
        attrs = {**(attrs or {}), "min": timezone.localdate().isoformat()}
        return super().get_context(name, value, attrs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input: cleaned to a list (maybe empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs["required"] = False
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


class SerializerForm(ProductForm):
    """A form whose fields mirror an input serializer's; `inputs()` is what the service takes."""

    def inputs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def form_for_serializer(
    serializer_class: type[serializers.Serializer], name: str
) -> type[SerializerForm]:
    """A Django form class with one field per writable field of `serializer_class`.

    The API and the web then take the same input: same names, labels, required fields and
    messages. Related objects are chosen by primary key in the form (a `<select>`) and by
    their slug in the API. DRF's `style` hints are honoured: `rows` for a textarea,
    `base_template: "radio.html"` for radio buttons, and `empty_label` for a choice.
    """
    serializer = serializer_class()
    form_fields = {
        field_name: _form_field(field)
        for field_name, field in serializer.fields.items()
        if not field.read_only
    }
    return type(f"{name.title()}Form", (SerializerForm,), form_fields)


def _form_field(field: drf.Field) -> forms.Field:
    style: dict[str, Any] = field.style
    options: dict[str, Any] = {
        "label": field.label,
        "required": field.required and not getattr(field, "allow_blank", False),
        "error_messages": _messages(field),
    }
    if field.default is not drf.empty and not callable(field.default):
        options["initial"] = field.default
    if isinstance(field, drf.ListField) and isinstance(field.child, drf.FileField):
        # A list of uploads (e.g. reply letters); the service checks each file.
        return MultipleFileField(**options)
    if isinstance(field, relations.ManyRelatedField):
        return forms.ModelMultipleChoiceField(
            queryset=_queryset(field.child_relation),
            widget=forms.SelectMultiple(attrs={"class": "form-select"}),
            **options,
        )
    if isinstance(field, relations.RelatedField):
        return forms.ModelChoiceField(
            queryset=_queryset(field),
            empty_label=style.get("empty_label", _("请选择")),
            widget=forms.Select(attrs={"class": "form-select"}),
            **options,
        )
    if isinstance(field, drf.ChoiceField):
        radio = style.get("base_template") == "radio.html"
        widget = (
            forms.RadioSelect(attrs={"class": "form-check-input"})
            if radio
            else forms.Select(attrs={"class": "form-select"})
        )
        return forms.ChoiceField(choices=list(field.choices.items()), widget=widget, **options)
    if isinstance(field, drf.DateField):
        return forms.DateField(widget=DateInput(), **options)
    if isinstance(field, drf.BooleanField):
        return forms.BooleanField(
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            **{**options, "required": False},
        )
    if isinstance(field, drf.IntegerField):
        return forms.IntegerField(
            min_value=field.min_value,
            max_value=field.max_value,
            widget=forms.NumberInput(attrs={"class": "form-control"}),
            **options,
        )
    if isinstance(field, drf.CharField):
        attrs = {"class": "form-control", "rows": style.get("rows", 2)}
        text_widget: forms.Widget = (
            forms.Textarea(attrs=attrs)
            if style.get("base_template") == "textarea.html"
            else forms.TextInput(attrs={"class": "form-control"})
        )
        return forms.CharField(max_length=field.max_length, widget=text_widget, **options)
    raise TypeError(f"no form field for {type(field).__name__} {field.field_name!r}")


def _queryset(field: relations.RelatedField) -> QuerySet[Any]:
    # Through get_queryset(): the stubs read `field.queryset` as a model manager's descriptor.
    queryset = field.get_queryset()
    if queryset is None:
        raise TypeError(f"{field.field_name!r} is read-only: it has no queryset to choose from")
    return queryset


def _messages(field: drf.Field) -> dict[str, Any]:
    """The serializer's own messages for a missing or wrong value, where it set them."""
    own = field.error_messages
    defaults: dict[str, Any] = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    messages = {}
    # An empty text is "required" to a Django form, "blank" to DRF.
    keys = {"required": ("blank", "required"), "invalid_choice": ("invalid_choice",)}
    for django_key, drf_keys in keys.items():
        for key in drf_keys:
            if key in own and own[key] != defaults.get(key):
                messages[django_key] = own[key]
                break
    return messages
