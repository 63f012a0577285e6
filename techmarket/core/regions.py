"""Administrative divisions (GB/T 2260): province-level names for 6-digit codes.

Only the first two digits are checked against the province list; the full county
table is not bundled, so a well-formed code under a real province is accepted.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip


def validate_region_code(value: str) -> str:
    code = (value or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        raise ValidationError(
            "行政区划代码应为6位数字（GB/T 2260），如 120101。", code="region_format"
        )
    if code[:2] not in PROVINCES:
        raise ValidationError(
            f"行政区划代码“{code}”的前两位“{code[:2]}”不是有效的省级代码。", code="region_province"
        )
    return code


def province_of(code: str) -> str:
    return PROVINCES.get((code or "")[:2], "")


def province_code_for_name(text: str) -> str:
    """The 2-digit province code whose name starts ``text`` ("浙江省绍兴市" → "33")."""
    text = (text or "").strip()
    for code, name in PROVINCES.items():
        short = re.sub(r"(省|市|自治区|壮族|回族|维吾尔|特别行政区)", "", name)
        if text.startswith(name) or (short and text.startswith(short)):
            return code
    return ""
