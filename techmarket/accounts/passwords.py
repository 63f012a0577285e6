from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        return sum(
            [
                any(c in string.ascii_lowercase for c in password),
                any(c in string.ascii_uppercase for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() or not c.isascii() for c in password),
            ]
        )

    def validate(self, password: str, user: Any = None) -> None:
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、特殊字符中的至少{self.min_classes}类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、特殊字符中的至少{self.min_classes}类。"


# Django 5.2's messages for these changed wording and its zh_Hans catalogue lags
# behind, so the platform states its password policy in Chinese itself.
class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短：至少需要{self.min_length}个字符。"

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}个字符。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "该密码是常见密码，容易被猜中，请换一个。"

    def get_help_text(self) -> str:
        return "不能使用常见密码。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "密码与用户名、姓名或邮箱过于相似。"

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名或邮箱相似。"
