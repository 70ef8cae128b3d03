"""The form renderer: Django's widget templates, with the common widgets written in Python.

Every form field of every page is rendered through a template (an <input> is three template
renderings: text.html, input.html, attrs.html; each option of a <select> two more). On the
busiest pages that was the largest single cost after the rows themselves (issue 16: the issue
list's filter form and the detail page's action forms). The writers below produce exactly the
HTML of those templates (tests/foundation/test_form_renderer.py compares them, widget by widget,
with Django's templates they stand for); any other template still renders through TEMPLATES.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import conditional_escape


def _text(value: Any) -> str:
    """What `{{ value }}` writes in an autoescaped template (render_value_in_context)."""
    return conditional_escape(localize(value))


# What `{{ value|stringformat:'s' }}` writes: str() of the value, escaped unless it is safe.
_formatted = conditional_escape


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html"""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input_option.html (a radio button's or a checkbox's <input>)."""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    target = widget["attrs"].get("id")
    label_for = f' for="{_text(target)}"' if target else ""
    return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>\n"


def _select(widget: dict[str, Any]) -> str:
    """django/forms/widgets/select.html, each option its select_option.html."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _textarea(widget: dict[str, Any]) -> str:
    """django/forms/widgets/textarea.html"""
    value = _text(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'
    )


def _included(write: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
    """A template that is only `{% include ... %}` and a line break (text.html, date.html…)."""
    return lambda widget: write(widget) + "\n"


_INPUTS = "checkbox date datetime email hidden number password search tel text time url color file"
WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    **{f"django/forms/widgets/{kind}.html": _included(_input) for kind in _INPUTS.split()},
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/input_option.html": _input_option,
    "django/forms/widgets/checkbox_option.html": _included(_input_option),
    "django/forms/widgets/radio_option.html": _included(_input_option),
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}


class FormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is None or request is not None or set(context) != {"widget"}:
            return super().render(template_name, context, request)
        return write(context["widget"]).strip()  # as BaseRenderer.render strips
