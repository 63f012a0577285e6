"""Versioned registration rule sets (RULES.md §1): everything that differs between the
2001 rules and the 2026 rules is configuration here, chosen by date — never an ``if``
on a year somewhere else.

The thresholds are read from settings (``CONTRACTS_*``, see docs/contracts.md), which read
them from the environment: several are tagged [S] or [U] in RULES.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from techmarket.core.money import wan_to_yuan


@dataclass(frozen=True)
class RuleSet:
    key: str
    name: str
    source: str
    effective_from: date
    # Deadline from acceptance: ``deadline_days`` working days, or calendar days when
    # ``deadline_working_days`` is False (the 2001 rule says "30 日").
    deadline_days: int
    deadline_working_days: bool
    large_deadline_days: int
    large_threshold_yuan: Decimal
    number_digits: int
    carrier_equipment_max_sets: int
    # Contract types the rule set accepts, and the statistics taxonomy it reports under.
    allowed_types: frozenset[str]
    taxonomy: str  # "legacy" (2001 art. 4) or "civil_code" (民法典 art. 843)
    # 预计新增投入 / 预计新增产值 mandatory for transfer (licence) contracts: the old form
    # JJ-001 asks for them [C]; the newer form's rule is unknown, so it is kept [U].
    transfer_requires_expectations: bool = True

    @property
    def label(self) -> str:
        return f"{self.name}（{self.source}）"


def _date(text: str) -> date:
    return date.fromisoformat(text)


def rule_sets() -> list[RuleSet]:
    """All rule sets, oldest first, built from the current settings."""
    from techmarket.contracts.models import ContractType

    everything = frozenset(ContractType.values)
    legacy = everything - {ContractType.TRANSFER_OTHER_IP, ContractType.LICENSE_OTHER_IP}
    return [
        RuleSet(
            key="2001",
            name="技术合同认定规则（2001）",
            source="国科发政字〔2001〕253号；国科发政字〔2000〕063号",
            effective_from=date(2001, 1, 1),
            deadline_days=settings.CONTRACTS_2001_DEADLINE_DAYS,
            deadline_working_days=False,
            large_deadline_days=settings.CONTRACTS_2001_DEADLINE_DAYS,
            large_threshold_yuan=wan_to_yuan(settings.CONTRACTS_LARGE_CONTRACT_WAN),
            number_digits=settings.CONTRACTS_2001_NUMBER_DIGITS,
            carrier_equipment_max_sets=settings.CONTRACTS_CARRIER_EQUIPMENT_MAX_SETS,
            allowed_types=legacy,
            taxonomy="legacy",
        ),
        RuleSet(
            key="2026",
            name="技术合同认定登记管理办法（2026）",
            source="工业和信息化部 2026-01-23 发布（正式文本未核实，按 2024-12 征求意见稿）",
            effective_from=_date(settings.CONTRACTS_2026_RULES_FROM),
            deadline_days=settings.CONTRACTS_2026_DEADLINE_WORKING_DAYS,
            deadline_working_days=True,
            large_deadline_days=settings.CONTRACTS_2026_LARGE_DEADLINE_WORKING_DAYS,
            large_threshold_yuan=wan_to_yuan(settings.CONTRACTS_LARGE_CONTRACT_WAN),
            number_digits=settings.CONTRACTS_2026_NUMBER_DIGITS,
            carrier_equipment_max_sets=settings.CONTRACTS_CARRIER_EQUIPMENT_MAX_SETS,
            allowed_types=everything,
            taxonomy="civil_code",
        ),
    ]


def rules_for(day: date) -> RuleSet:
    """The rule set in force on ``day``."""
    chosen = None
    for rule_set in rule_sets():
        if rule_set.effective_from <= day:
            chosen = rule_set
    if chosen is None:  # before 2001: the oldest rules we know
        chosen = rule_sets()[0]
    return chosen


def rules_by_key(key: str) -> RuleSet:
    for rule_set in rule_sets():
        if rule_set.key == key:
            return rule_set
    return rule_sets()[-1]


# ---- working days ---------------------------------------------------------------------


def _holidays() -> set[date]:
    return {_date(d) for d in settings.CONTRACTS_HOLIDAYS}


def _makeup_workdays() -> set[date]:
    return {_date(d) for d in settings.CONTRACTS_MAKEUP_WORKDAYS}


def is_working_day(day: date) -> bool:
    if day in _makeup_workdays():
        return True
    return day.weekday() < 5 and day not in _holidays()


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def deadline_for(*, accepted_on: date, tech_amount: Decimal) -> tuple[date, RuleSet]:
    rule_set = rules_for(accepted_on)
    days = (
        rule_set.large_deadline_days
        if tech_amount >= rule_set.large_threshold_yuan
        else rule_set.deadline_days
    )
    if rule_set.deadline_working_days:
        return add_working_days(accepted_on, days), rule_set
    return accepted_on + timedelta(days=days), rule_set
