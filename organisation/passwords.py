"""Password policy (DESIGN "Security", 身份鉴别): Django's validators for length, common
passwords and similarity to the username, plus three of the four character classes."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits)


def _classes(password: str) -> int:
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c.isdigit() for c in password)
    symbol = any(not c.isalnum() for c in password)
    return upper + lower + digit + symbol


class CharacterClassesValidator:
    """At least `min_classes` of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if _classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号中的至少%(n)d类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字和符号中的至少%(n)d类。") % {
            "n": self.min_classes
        }


def problems(password: str, user=None) -> list[str]:
    """The reasons `password` is refused (empty when it satisfies the policy)."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def generate() -> str:
    """A password that satisfies the policy: 14 characters of every class but symbols, plus one."""
    alphabet = string.ascii_letters + string.digits
    while True:
        chars = [secrets.choice(alphabet) for _ in range(13)] + [secrets.choice("-_.!@#")]
        password = "".join(chars)
        if all(any(c in group for c in password) for group in CLASSES):
            return password
