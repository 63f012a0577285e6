"""Structured technical indicators: read them from text, compare need against capability.

A demand says "耐温不低于200℃" → need ≥ 200 ℃; an achievement says "可在250℃下长期工作"
→ has 250 ℃. Comparison only happens between quantities of the same unit.
"""

from __future__ import annotations

import re

from techmarket.matching.analysis import normalise, segment
from techmarket.matching.records import Indicator

UNITS = (
    "℃",
    "mpa",
    "kpa",
    "kwh",
    "kw",
    "mw",
    "kv",
    "mm",
    "μm",
    "nm",
    "cm",
    "kg",
    "mg",
    "t/d",
    "%",
    "ppm",
    "db",
    "hz",
    "rpm",
    "m/s",
    "小时",
    "天",
    "年",
    "倍",
    "米",
    "吨",
)
_GE = ("不低于", "不小于", "大于等于", "≥", ">=", "至少", "高于", "大于", "超过", "达到", "达")
_LE = ("不超过", "不高于", "不大于", "小于等于", "≤", "<=", "低于", "小于", "以内", "控制在")
_unit_re = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_cmp_re = "|".join(re.escape(c) for c in sorted(_GE + _LE, key=len, reverse=True))
_PATTERN = re.compile(
    rf"(?P<name>[\u4e00-\u9fa5a-z]{{0,6}}?)(?P<cmp>{_cmp_re})?\s*(?P<num>\d+(?:\.\d+)?)"
    rf"(?:\s*[-~至到]\s*(?P<num2>\d+(?:\.\d+)?))?\s*(?P<unit>{_unit_re})(?P<post>以上|以下|以内)?"
)


_CALENDAR_YEAR = re.compile(r"(19|20)\d\d")


def _name(raw: str) -> str:
    words = segment(raw) if raw else []
    return words[-1] if words else ""


def extract(text: str) -> list[Indicator]:
    out: list[Indicator] = []
    for m in _PATTERN.finditer(normalise(text)):
        name = _name(m.group("name"))
        cmp_word = m.group("cmp") or ""
        post = m.group("post") or ""
        value = float(m.group("num"))
        unit = m.group("unit")
        if unit == "年" and _CALENDAR_YEAR.fullmatch(m.group("num")):
            continue  # 2018年 is a date, not a number of years
        if m.group("num2"):
            out.append(Indicator(name, "range", value, unit, float(m.group("num2"))))
            continue
        if post == "以上" or cmp_word in _GE:
            comparator = "ge"
        elif post in ("以下", "以内") or cmp_word in _LE:
            comparator = "le"
        else:
            comparator = "eq"
        out.append(Indicator(name, comparator, value, unit))
    return out


# A demand's numbers are often its symptom ("柜内经常超过55℃", "腹泻率从5%升到15%以上",
# "成分损失30%以上"), not its requirement. A sentence states a requirement when it says so.
_REQUIREMENT = re.compile(
    r"要求|希望|目标|需(?!求)|须|应当|应该|应能|(?<!理)想|确保|保证|控制在|"
    r"不低于|不小于|不超过|不高于|至少|以内"
)  # not 需求, 反应/供应/应用 or 不理想, which describe
_SENTENCE = re.compile(r"[^。;!?\n]+")


def extract_needs(text: str) -> list[Indicator]:
    """A demand's requirements: the indicators of its sentences that state a requirement
    (希望…, 要求…, 不低于…, …以内); the numbers of sentences that describe the problem are
    not requirements an achievement could fail."""
    needs: list[Indicator] = []
    for sentence in _SENTENCE.findall(normalise(text)):
        if _REQUIREMENT.search(sentence):
            needs.extend(extract(sentence))
    return needs


# Ratios say nothing about *what* they measure: 损失 30 % and 保留率 96 % share a unit but
# not a quantity. They are compared only when their names share a character (良率 and
# 良品率 do, 损失 and 保留率 do not).
RATIO_UNITS = frozenset({"%", "倍", "ppm"})


def _same_quantity(need: Indicator, has: Indicator) -> bool:
    if need.unit != has.unit:
        return False
    if need.unit not in RATIO_UNITS:
        return True
    a, b = need.name, has.name
    if not a or not b:
        return False
    return bool(set(a) & set(b))


def _value_range(ind: Indicator) -> tuple[float, float]:
    if ind.comparator == "range" and ind.value_max is not None:
        return ind.value, ind.value_max
    return ind.value, ind.value


def compare(needs: list[Indicator], has: list[Indicator]) -> list[tuple[Indicator, bool, float]]:
    """For each demand requirement with a comparator, whether the achievement meets it.

    Returns (requirement, met, achievement value) for requirements the achievement states a
    value for in the same unit (ratios: also the same quantity); the best stated value
    counts."""
    results: list[tuple[Indicator, bool, float]] = []
    for need in needs:
        if need.comparator not in ("ge", "gt", "le", "lt"):
            continue
        values = [v for h in has if _same_quantity(need, h) for v in _value_range(h)]
        if not values:
            continue
        if need.comparator in ("ge", "gt"):
            best = max(values)
            met = best >= need.value if need.comparator == "ge" else best > need.value
        else:
            best = min(values)
            met = best <= need.value if need.comparator == "le" else best < need.value
        results.append((need, met, best))
    return results


def describe(ind: Indicator) -> str:
    symbol = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "", "range": ""}[ind.comparator]
    value = f"{ind.value:g}"
    if ind.comparator == "range" and ind.value_max is not None:
        value = f"{ind.value:g}–{ind.value_max:g}"
    name = ind.name or "指标"
    return f"{name}{symbol}{value}{ind.unit}"
