"""`liaison.forms.form_for_serializer`: a web form with the fields of an API input serializer."""

import pytest
from django import forms
from rest_framework import serializers

from liaison.forms import DateInput, form_for_serializer
from organisation.models import Department


class Sample(serializers.Serializer):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), label="部门"
    )
    departments = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), many=True, required=False
    )
    kind = serializers.ChoiceField(choices=[("a", "甲"), ("b", "乙")])
    level = serializers.ChoiceField(choices=[("x", "X")], style={"base_template": "radio.html"})
    on = serializers.DateField(required=False)
    count = serializers.IntegerField(min_value=1, max_value=5)
    urgent = serializers.BooleanField(required=False)
    title = serializers.CharField(max_length=20)
    text = serializers.CharField(
        style={"base_template": "textarea.html", "rows": 5},
        error_messages={"blank": "请填写内容。"},
    )
    note = serializers.CharField(required=False, allow_blank=True)
    created = serializers.DateTimeField(read_only=True)


SampleForm = form_for_serializer(Sample, "sample")


def test_each_writable_field_becomes_its_form_field():
    form = SampleForm()
    assert list(form.fields) == [
        "department",
        "departments",
        "kind",
        "level",
        "on",
        "count",
        "urgent",
        "title",
        "text",
        "note",
    ]
    f = form.fields
    assert isinstance(f["department"], forms.ModelChoiceField) and f["department"].label == "部门"
    assert isinstance(f["departments"], forms.ModelMultipleChoiceField)
    assert not f["departments"].required
    assert isinstance(f["kind"].widget, forms.Select) and list(f["kind"].choices) == [
        ("a", "甲"),
        ("b", "乙"),
    ]
    assert isinstance(f["level"].widget, forms.RadioSelect)
    assert isinstance(f["on"].widget, DateInput) and not f["on"].required
    assert (f["count"].min_value, f["count"].max_value) == (1, 5)
    assert isinstance(f["title"].widget, forms.TextInput) and f["title"].max_length == 20
    assert isinstance(f["text"].widget, forms.Textarea) and f["text"].widget.attrs["rows"] == 5
    assert not f["note"].required


@pytest.mark.django_db
def test_the_serializers_own_messages_are_the_forms():
    form = SampleForm({"text": "  ", "count": "9"})
    assert not form.is_valid()
    assert form.errors["text"] == ["请填写内容。"]
    assert "count" in form.errors and "department" in form.errors


@pytest.mark.django_db
def test_a_valid_form_gives_the_inputs_the_service_takes():
    hrss = Department.objects.get(code="hrss")
    form = SampleForm(
        {"department": hrss.pk, "kind": "b", "level": "x", "count": "2", "title": "t", "text": "x"}
    )
    assert form.is_valid(), form.errors
    assert form.inputs()["department"] == hrss and form.inputs()["count"] == 2


def test_a_field_without_a_form_counterpart_is_refused_when_the_form_is_built():
    # (A list of files has its form field since reply letters, 回复函: a list of numbers has none.)
    class WithNumbers(serializers.Serializer):
        numbers = serializers.ListField(child=serializers.IntegerField())

    with pytest.raises(TypeError, match="numbers"):
        form_for_serializer(WithNumbers, "with_numbers")
