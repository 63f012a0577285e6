"""Validators for Chinese identifiers (algorithms and real test vectors: RULES.md §6).

Each ``validate_*`` returns the normalised value or raises ``ValidationError`` with a
Chinese message that says what is wrong, including the expected check character.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """统一社会信用代码 (GB 32100-2015)."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            f"统一社会信用代码应为18位，当前为{len(code)}位。", code="uscc_length"
        )
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        raise ValidationError(
            f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）。",
            code="uscc_charset",
        )
    if not USCC_RE.match(code):
        raise ValidationError(
            "统一社会信用代码第3–8位应为行政区划代码（6位数字）。", code="uscc_format"
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”。",
            code="uscc_check",
        )
    return code


ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def validate_resident_id(value: str) -> str:
    """居民身份证号码 (GB 11643-1999)."""
    number = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError("身份证号码应为17位数字加1位校验码（数字或X）。", code="id_format")
    expected = ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
    if number[17] != expected:
        raise ValidationError(
            f"身份证号码校验码错误：第18位应为“{expected}”，实际为“{number[17]}”。",
            code="id_check",
        )
    return number


PATENT_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
PATENT_TYPES = {
    "1": "发明",
    "2": "实用新型",
    "3": "外观设计",
    "8": "PCT发明（进入国家阶段）",
    "9": "PCT实用新型（进入国家阶段）",
}


def patent_check_digit(digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits, PATENT_WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_patent_number(value: str) -> str:
    """专利申请号 (CNIPA). Returns the canonical form, e.g. ``ZL201811564288.X``.

    Accepts the spellings seen in the wild: with or without ``ZL``/``CN``, spaces, and
    a dot before the check digit; both the 13-digit (since 2003-10) and 9-digit forms.
    """
    raw = (value or "").strip().upper()
    compact = re.sub(r"[\s.·]", "", raw)
    prefix = ""
    for candidate in ("ZL", "CN"):
        if compact.startswith(candidate):
            prefix, compact = candidate, compact[len(candidate) :]
            break
    if not re.fullmatch(r"\d{12}[\dX]|\d{8}[\dX]", compact):
        raise ValidationError(
            f"专利申请号“{value}”格式不正确：应为12位数字加1位校验位（如 ZL201811564288.X），"
            "或2003年以前的8位数字加1位校验位。",
            code="patent_format",
        )
    body, check = compact[:-1], compact[-1]
    kind = body[4] if len(body) == 12 else body[2]
    if kind not in PATENT_TYPES:
        raise ValidationError(
            f"专利申请号“{value}”的类型位“{kind}”无效（1 发明、2 实用新型、3 外观设计、8/9 PCT）。",
            code="patent_type",
        )
    expected = patent_check_digit(body)
    if check != expected:
        raise ValidationError(
            f"专利申请号“{value}”校验位错误：应为“{expected}”，实际为“{check}”。",
            code="patent_check",
        )
    return f"{prefix or 'ZL'}{body}.{check}"
