"""Control characters are refused wherever text enters (DESIGN "Security").

A vertical tab (what Word's Shift+Enter pastes), a NUL or any other C0/C1 control character
can break an export or a PostgreSQL query long after it was typed. Tab, line feed and
carriage return stay allowed: browsers send textarea line breaks as CRLF.

One check, installed once per layer:
- Django forms: a validator on every `forms.CharField` (`install_form_validator`, called by
  the app's `ready()`), so a form is re-rendered with the message next to the field and the
  text as typed;
- the API and every query string: `liaison.middleware.ControlCharacterMiddleware`, a 400
  naming the field before any view or database sees the text;
- the people importer: `organisation.people` checks each cell with `find_control`;
- the few views that read one text straight from the POST: `require_clean`.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

MESSAGE = _(
    "含有不可见的控制字符（如从 Word 粘贴的分行符或空字符 NUL），请删除后重新输入（可用普通换行）。"
)


def find_control(text: str) -> str | None:
    """The first control character in `text` (None when there is none)."""
    match = CONTROL.search(text)
    return match.group() if match else None


def no_control_characters(value) -> None:
    if isinstance(value, str) and find_control(value) is not None:
        raise ValidationError(MESSAGE, code="control_character")


def require_clean(**fields: str) -> None:
    """For a view that reads a text straight from the POST: 400 naming the field, as forms do."""
    bad = {name: [MESSAGE] for name, value in fields.items() if find_control(value or "")}
    if bad:
        raise ValidationError(bad)


def install_form_validator() -> None:
    """Every Django `CharField` (forms, model forms, the admin) refuses control characters."""
    if no_control_characters not in forms.CharField.default_validators:
        forms.CharField.default_validators = [
            *forms.CharField.default_validators,
            no_control_characters,
        ]
