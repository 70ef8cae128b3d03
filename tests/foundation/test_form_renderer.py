"""The form renderer writes common widgets in Python (liaison/form_renderer.py): the HTML must be
exactly what the templates they stand for write, or forms would change under the people who
fill them in (a lost `selected`, an unescaped value)."""

import datetime

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from liaison.form_renderer import WRITERS, FormRenderer

GROUPED = [
    ("", "——"),
    ("软件", [("software", "软件 & <信息>"), ("ai", "人工智能")]),
    (3, "整数选项"),
]


class EveryWidget(forms.Form):
    text = forms.CharField(required=False, max_length=20, help_text="说明")
    number = forms.IntegerField(required=False, min_value=0)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    flag = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(required=False, choices=GROUPED)
    several = forms.MultipleChoiceField(required=False, choices=GROUPED)
    radio = forms.ChoiceField(required=False, choices=GROUPED, widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        required=False, choices=GROUPED, widget=forms.CheckboxSelectMultiple
    )
    maybe = forms.NullBooleanField(required=False)
    upload = forms.FileField(required=False)


BOUND = {
    "text": 'a "quoted" <b>&',
    "number": "12",
    "date": "2026-12-02",
    "email": "x@example.gov.cn",
    "hidden": "h&1",
    "secret": "s<3",
    "flag": "on",
    "note": "第一行\n<script>",
    "choice": "ai",
    "several": ["software", "3"],
    "radio": "3",
    "boxes": ["ai"],
    "maybe": "true",
}


def _rendered(make_form, renderer):
    """Every field of a new form (bound fields keep their renderer: one form per renderer)."""
    form = make_form(renderer)
    out = []
    for field in form:
        out.append(str(field))
        if field.widget_type in ("radioselect", "checkboxselectmultiple"):
            out.extend(choice.tag() for choice in field)
            out.extend(choice.tag(wrap_label=True) for choice in field)
    return out


FORMS = {
    "empty": {},
    "bound": {"data": BOUND},
    "initial": {"initial": {"date": datetime.date(2026, 1, 5), "number": 1234567}},
    "invalid": {"data": {**BOUND, "number": "x", "text": "y" * 30}},
    "safe-initial": {"initial": {"text": mark_safe("<i>safe</i>"), "choice": 3}},
}


@pytest.mark.parametrize("kwargs", FORMS.values(), ids=FORMS.keys())
def test_every_widget_writes_what_its_template_writes(kwargs):
    def make_form(renderer):
        return EveryWidget(renderer=renderer, **kwargs)

    fast = _rendered(make_form, FormRenderer())
    assert fast == _rendered(make_form, TemplatesSetting())
    assert len(fast) > 20


def test_attributes_true_false_and_numbers_as_the_template_writes_them():
    widget = forms.TextInput(attrs={"required": True, "disabled": False, "maxlength": 5})
    fast = widget.render("t", "v", renderer=FormRenderer())
    assert fast == widget.render("t", "v", renderer=TemplatesSetting())
    assert ' required maxlength="5"' in fast and "disabled" not in fast


def test_the_select_writer_stands_for_djangos_select_and_option_templates():
    """A select is Django's select.html with one select_option.html per option."""
    widget = forms.Select(choices=GROUPED)
    assert widget.render("c", "ai", renderer=FormRenderer()) == widget.render(
        "c", "ai", renderer=TemplatesSetting()
    )
    assert "django/forms/widgets/select.html" in WRITERS


def test_a_template_without_a_writer_still_renders_through_templates():
    widget = forms.ClearableFileInput()
    assert widget.template_name not in WRITERS
    assert widget.render("f", None, renderer=FormRenderer()).startswith('<input type="file"')
