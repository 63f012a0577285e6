from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from techmarket.core.identifiers import (
    uscc_check_char,
    validate_patent_number,
    validate_resident_id,
    validate_uscc,
)
from techmarket.core.regions import province_code_for_name, validate_region_code

REAL_USCC = ["91350200776049653A", "91440101MA5CJQ4N59", "9135021359498494XQ"]


@pytest.mark.parametrize("code", REAL_USCC)
def test_it_accepts_real_credit_codes(code: str) -> None:
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


@pytest.mark.parametrize("code", REAL_USCC)
def test_it_names_the_expected_check_character_when_the_last_one_is_wrong(code: str) -> None:
    expected = code[17]
    wrong = "0" if expected != "0" else "1"
    with pytest.raises(ValidationError) as info:
        validate_uscc(code[:17] + wrong)
    assert f"第18位应为“{expected}”" in info.value.messages[0]


@pytest.mark.parametrize("code", REAL_USCC)
def test_it_detects_a_changed_body_character(code: str) -> None:
    # Swap one body digit: the check character no longer matches.
    body = list(code)
    body[10] = "1" if body[10] != "1" else "2"
    corrupted = "".join(body)
    assert uscc_check_char(corrupted[:17]) != corrupted[17]
    with pytest.raises(ValidationError):
        validate_uscc(corrupted)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9135020077604965", "18位"),
        ("91350200776049653I", "不允许的字符"),
        ("913502OO776049653A", "不允许的字符"),
        ("91ABCDEF776049653A", "行政区划代码"),
    ],
)
def test_it_explains_malformed_credit_codes(code: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert fragment in info.value.messages[0]


@pytest.mark.parametrize(
    ("number", "canonical"),
    [
        ("ZL202010566088.9", "ZL202010566088.9"),
        ("ZL2015 1 0958772.0", "ZL201510958772.0"),
        ("ZL2005 10096239.4", "ZL200510096239.4"),
        ("ZL202510942578.7", "ZL202510942578.7"),
        ("ZL202322865413.3", "ZL202322865413.3"),
        ("ZL201811564288.X", "ZL201811564288.X"),
        ("201811564288X", "ZL201811564288.X"),
    ],
)
def test_it_accepts_real_patent_numbers(number: str, canonical: str) -> None:
    assert validate_patent_number(number) == canonical


def test_it_refuses_the_look_alike_patent_number_and_names_the_right_digit() -> None:
    with pytest.raises(ValidationError) as info:
        validate_patent_number("ZL2019 1 0123456.7")
    assert "应为“X”" in info.value.messages[0]


def test_it_refuses_an_unknown_patent_type() -> None:
    with pytest.raises(ValidationError) as info:
        validate_patent_number("ZL202050566088.9")
    assert "类型位" in info.value.messages[0]


def test_resident_id_check() -> None:
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValidationError) as info:
        validate_resident_id("340524198001010013")
    assert "校验码错误" in info.value.messages[0]


def test_region_codes() -> None:
    assert validate_region_code("120116") == "120116"
    with pytest.raises(ValidationError):
        validate_region_code("990101")
    with pytest.raises(ValidationError):
        validate_region_code("12011")
    assert province_code_for_name("浙江省绍兴市") == "33"
    assert province_code_for_name("天津") == "12"
    assert province_code_for_name("火星") == ""
